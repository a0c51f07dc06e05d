package io.pageowner.table;


/**
 * One thread's share of a table's live totals (records, bytes, pages): what the records it inserted add, less
 * what the records it removed take away, whoever inserted them, so one thread's share may be negative; the sum over
 * every thread, dead ones included, is the table's. Only its thread writes it, with opaque stores (a plain
 * {@code mov} on x86, which the compiler may neither drop nor sink out of a loop), so an insert and a remove that
 * are given a tally count with no atomic instruction at all, where the table's shared stripes cost three atomic
 * adds on each side; a dump or the MBean on another thread sums the tallies with opaque loads
 * ({@link ThreadTallies}). Made by {@link OwnerTable#tally()} on the thread that is to use it.
 */
public final class ThreadTally
{
    private static final long COUNT = RawMemory.objectFieldOffset(ThreadTally.class, "count");
    private static final long BYTES = RawMemory.objectFieldOffset(ThreadTally.class, "bytes");
    private static final long PAGES = RawMemory.objectFieldOffset(ThreadTally.class, "pages");

    private long count;
    private long bytes;
    private long pages;
    /** A free slot of the table this thread removed a record from and keeps for its next insert, or -1. */
    private int keptSlot = -1;

    ThreadTally()
    {
    }

    /**
     * Adds to this thread's share; called only by the thread that owns the tally.
     *
     * @param count +1 or -1.
     * @param bytes the record's size, negative for a remove.
     * @param pages the record's page span, negative for a remove.
     */
    void add(final long count, final long bytes, final long pages)
    {
        RawMemory.putLongOpaque(this, COUNT, this.count + count);
        RawMemory.putLongOpaque(this, BYTES, this.bytes + bytes);
        RawMemory.putLongOpaque(this, PAGES, this.pages + pages);
    }

    /**
     * Keeps a slot freed by this thread for its next insert, so that a thread allocating and freeing in turn takes
     * no slot from a shared free list and gives none back (two compare-and-sets per pair); called by the owner only.
     *
     * @param slot just made free (even state) by this thread.
     * @return true if kept, false if a slot is kept already and this one goes to a free list.
     */
    boolean keep(final int slot)
    {
        if (keptSlot >= 0)
        {
            return false;
        }
        keptSlot = slot;
        return true;
    }

    /**
     * Takes the kept slot, if any; called by the owner only.
     *
     * @return the slot, or -1.
     */
    int takeSlot()
    {
        final int slot = keptSlot;
        keptSlot = -1;
        return slot;
    }

    /**
     * The live records of this share, read from any thread.
     *
     * @return records inserted less records removed.
     */
    long count()
    {
        return RawMemory.getLongOpaque(this, COUNT);
    }

    /**
     * The bytes of this share, read from any thread.
     *
     * @return bytes inserted less bytes removed.
     */
    long bytes()
    {
        return RawMemory.getLongOpaque(this, BYTES);
    }

    /**
     * The page spans of this share, read from any thread.
     *
     * @return pages inserted less pages removed.
     */
    long pages()
    {
        return RawMemory.getLongOpaque(this, PAGES);
    }
}
