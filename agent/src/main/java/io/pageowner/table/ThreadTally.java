package io.pageowner.table;


/**
 * One thread's share of a table's live totals (records, bytes, pages): what the records it inserted add, and what
 * the records it removed take away, whoever inserted them; the table's totals are the sums over every thread, dead
 * ones included. Insertions and removals are kept apart, each figure only growing, so that a reader that sums every
 * thread's removals before any insertion never takes off a record it has not added ({@link ThreadTallies}). Only its
 * thread writes it, with opaque stores for insertions and release stores for removals (each a plain {@code mov} on
 * x86, which the compiler may neither drop nor sink out of a loop), so an insert and a remove that are given a tally
 * count with no atomic instruction at all, where the table's shared stripes cost three atomic adds on each side; a
 * dump or the MBean on another thread reads the removals with acquire loads, then the insertions with opaque ones.
 * Made by {@link OwnerTable#tally()} on the thread that is to use it.
 */
public final class ThreadTally
{
    private static final long INSERTED = RawMemory.objectFieldOffset(ThreadTally.class, "inserted");
    private static final long INSERTED_BYTES = RawMemory.objectFieldOffset(ThreadTally.class, "insertedBytes");
    private static final long INSERTED_PAGES = RawMemory.objectFieldOffset(ThreadTally.class, "insertedPages");
    private static final long REMOVED = RawMemory.objectFieldOffset(ThreadTally.class, "removed");
    private static final long REMOVED_BYTES = RawMemory.objectFieldOffset(ThreadTally.class, "removedBytes");
    private static final long REMOVED_PAGES = RawMemory.objectFieldOffset(ThreadTally.class, "removedPages");

    private long inserted;
    private long insertedBytes;
    private long insertedPages;
    private long removed;
    private long removedBytes;
    private long removedPages;
    /** A free slot of the table this thread removed a record from and keeps for its next insert, or -1. */
    private int keptSlot = -1;

    ThreadTally()
    {
    }

    /**
     * Adds to this thread's share; called only by the thread that owns the tally.
     *
     * @param count +1 for an insert, -1 for a remove.
     * @param bytes the record's size, negative for a remove.
     * @param pages the record's page span, negative for a remove.
     */
    void add(final long count, final long bytes, final long pages)
    {
        if (count > 0)
        {
            RawMemory.putLongOpaque(this, INSERTED_BYTES, insertedBytes + bytes);
            RawMemory.putLongOpaque(this, INSERTED_PAGES, insertedPages + pages);
            RawMemory.putLongOpaque(this, INSERTED, inserted + count);
            return;
        }
        RawMemory.putLongRelease(this, REMOVED_BYTES, removedBytes - bytes);
        RawMemory.putLongRelease(this, REMOVED_PAGES, removedPages - pages);
        RawMemory.putLongRelease(this, REMOVED, removed - count);
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
     * The records this thread removed, read from any thread before {@link #inserted()}.
     *
     * @return the count, ever.
     */
    long removed()
    {
        return RawMemory.getLongAcquire(this, REMOVED);
    }

    /**
     * The bytes of {@link #removed()}'s records.
     *
     * @return the bytes, ever.
     */
    long removedBytes()
    {
        return RawMemory.getLongAcquire(this, REMOVED_BYTES);
    }

    /**
     * The page spans of {@link #removed()}'s records.
     *
     * @return the pages, ever.
     */
    long removedPages()
    {
        return RawMemory.getLongAcquire(this, REMOVED_PAGES);
    }

    /**
     * The records this thread inserted, read from any thread.
     *
     * @return the count, ever.
     */
    long inserted()
    {
        return RawMemory.getLongOpaque(this, INSERTED);
    }

    /**
     * The bytes of {@link #inserted()}'s records.
     *
     * @return the bytes, ever.
     */
    long insertedBytes()
    {
        return RawMemory.getLongOpaque(this, INSERTED_BYTES);
    }

    /**
     * The page spans of {@link #inserted()}'s records.
     *
     * @return the pages, ever.
     */
    long insertedPages()
    {
        return RawMemory.getLongOpaque(this, INSERTED_PAGES);
    }
}
