package io.pageowner.table;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

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
     * One of the totals over every tally, the retired ones included.
     *
     * @param which {@link #COUNT}, {@link #BYTES} or {@link #PAGES}.
     * @return the sum.
     */
    synchronized long sum(final int which)
    {
        long sum = retired[which];
        for (int i = 0; i < entries.size(); i++)
        {
            sum += value(entries.get(i).tally, which);
        }
        return sum;
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
                    retired[which] += value(entry.tally, which);
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

    private static long value(final ThreadTally tally, final int which)
    {
        return COUNT == which ? tally.count() : BYTES == which ? tally.bytes() : tally.pages();
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
