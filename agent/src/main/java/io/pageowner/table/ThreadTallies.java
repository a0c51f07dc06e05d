package io.pageowner.table;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

import static io.pageowner.table.OwnerTableDescriptor.COUNTERS_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.COUNTER_STRIPES;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_INSERTED_BYTES_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_INSERTED_COUNT_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_INSERTED_PAGES_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_LENGTH;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_REMOVED_BYTES_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_REMOVED_COUNT_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_REMOVED_PAGES_OFFSET;

/**
 * The {@link ThreadTally} of every thread that has one for a table, summed when a dump or the MBean asks for the
 * live totals. The tallies of threads that have ended are folded into retired sums when the list has doubled since
 * the last sweep (a thread's end happens-before {@code isAlive()} returns false, so its tally changes no more), so
 * the list stays about as long as the live threads that use the table; the free slot an ended thread kept goes back
 * to a free list then.
 */
final class ThreadTallies
{
    /** Index of the records in a sum. */
    static final int COUNT = 0;
    /** Index of the bytes in a sum. */
    static final int BYTES = 1;
    /** Index of the pages in a sum. */
    static final int PAGES = 2;

    /** Per total ({@link #COUNT}, {@link #BYTES}, {@link #PAGES}), its removals' offset in a stripe. */
    private static final int[] STRIPE_REMOVED =
        { STRIPE_REMOVED_COUNT_OFFSET, STRIPE_REMOVED_BYTES_OFFSET, STRIPE_REMOVED_PAGES_OFFSET };
    /** Per total, its insertions' offset in a stripe. */
    private static final int[] STRIPE_INSERTED =
        { STRIPE_INSERTED_COUNT_OFFSET, STRIPE_INSERTED_BYTES_OFFSET, STRIPE_INSERTED_PAGES_OFFSET };

    private final List<Entry> entries = new ArrayList<>();
    private final long[] retired = new long[3];
    private int sweepAt = 64;

    /**
     * A tally for the current thread, counted from now on.
     *
     * @param table the tally counts for, which takes back the slots ended threads kept.
     * @return the tally, to be used on this thread only.
     */
    synchronized ThreadTally register(final OwnerTable table)
    {
        if (entries.size() >= sweepAt)
        {
            sweep(table);
            sweepAt = Math.max(64, 2 * entries.size());
        }
        final ThreadTally tally = new ThreadTally();
        entries.add(new Entry(tally, new WeakReference<>(Thread.currentThread())));
        return tally;
    }

    /**
     * One of a table's live totals, over its stripes and every tally: every removal is read before any insertion
     * (the stripes' removals, then the tallies' under this lock, their insertions, then the stripes'). A removal
     * seen came after its record's insertion, through the stripes or a tally, on this thread or another, and so that
     * is seen too: the figure is exact while no writer is active, and otherwise never below the records live
     * throughout the reading (nor below 0), above them by at most what was inserted meanwhile.
     *
     * @param buffer the table's memory, whose stripes are read with volatile loads.
     * @param which  {@link #COUNT}, {@link #BYTES} or {@link #PAGES}.
     * @return inserted less removed.
     */
    long live(final TableBuffer buffer, final int which)
    {
        final long removed = sumStripes(buffer, STRIPE_REMOVED[which]);
        final long tallied = sum(which);
        return sumStripes(buffer, STRIPE_INSERTED[which]) - removed + tallied;
    }

    private static long sumStripes(final TableBuffer buffer, final int fieldOffset)
    {
        long sum = 0;
        for (int i = 0; i < COUNTER_STRIPES; i++)
        {
            sum += buffer.getLongVolatile(COUNTERS_OFFSET + (i * STRIPE_LENGTH) + fieldOffset);
        }
        return sum;
    }

    /**
     * One of the totals over every tally, the retired ones included: every tally's removals are read before any
     * tally's insertions ({@link #live(TableBuffer, int)}). Registration and the sweep take this lock too, so no
     * tally joins or retires between the two reads.
     *
     * @param which {@link #COUNT}, {@link #BYTES} or {@link #PAGES}.
     * @return the sum: inserted less removed.
     */
    synchronized long sum(final int which)
    {
        long removed = 0;
        for (int i = 0; i < entries.size(); i++)
        {
            removed += removed(entries.get(i).tally, which);
        }
        long inserted = 0;
        for (int i = 0; i < entries.size(); i++)
        {
            inserted += inserted(entries.get(i).tally, which);
        }
        return retired[which] + inserted - removed;
    }

    /**
     * The tallies not yet folded into the retired sums.
     *
     * @return how many threads' tallies are summed one by one.
     */
    synchronized int size()
    {
        return entries.size();
    }

    private void sweep(final OwnerTable table)
    {
        for (int i = entries.size() - 1; i >= 0; i--)
        {
            final Entry entry = entries.get(i);
            final Thread thread = entry.thread.get();
            if (null == thread || !thread.isAlive())
            {
                for (int which = COUNT; which <= PAGES; which++)
                {
                    retired[which] += inserted(entry.tally, which) - removed(entry.tally, which);
                }
                entries.remove(i);
                final int slot = entry.tally.takeSlot();
                if (slot >= 0)
                {
                    table.freeKeptSlot(slot);
                }
            }
        }
    }

    private static long inserted(final ThreadTally tally, final int which)
    {
        return COUNT == which ? tally.inserted() : BYTES == which ? tally.insertedBytes() : tally.insertedPages();
    }

    private static long removed(final ThreadTally tally, final int which)
    {
        return COUNT == which ? tally.removed() : BYTES == which ? tally.removedBytes() : tally.removedPages();
    }

    private static final class Entry
    {
        final ThreadTally tally;
        final WeakReference<Thread> thread;

        Entry(final ThreadTally tally, final WeakReference<Thread> thread)
        {
            this.tally = tally;
            this.thread = thread;
        }
    }
}
