package io.pageowner.table;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * For tests of totals read while other threads write: workers that hand items through queues, and a reader that
 * keeps the lowest value it read of each figure meanwhile.
 */
public final class ConcurrentReads
{
    private ConcurrentReads()
    {
    }

    /**
     * Runs workers to their end while a reader thread reads figures over and over.
     *
     * @param workers not yet started; each must end by itself.
     * @param figures what the reader reads, in this order, each time round.
     * @return the lowest value read of each figure.
     * @throws InterruptedException if interrupted while joining.
     */
    public static long[] lowestWhile(final List<Thread> workers, final LongSupplier... figures)
        throws InterruptedException
    {
        final long[] lowest = new long[figures.length];
        Arrays.fill(lowest, Long.MAX_VALUE);
        final long[] rounds = new long[1];
        final AtomicBoolean done = new AtomicBoolean();
        final Thread reader = new Thread(() ->
        {
            while (!done.get() || 0 == rounds[0])
            {
                for (int i = 0; i < figures.length; i++)
                {
                    lowest[i] = Math.min(lowest[i], figures[i].getAsLong());
                }
                rounds[0]++;
            }
        }, "reader");
        reader.start();
        workers.forEach(Thread::start);
        for (final Thread worker : workers)
        {
            worker.join();
        }
        done.set(true);
        reader.join();
        return lowest;
    }

    /**
     * Puts an item, taking an interrupt for a failure.
     *
     * @param queue to put in.
     * @param item  to put.
     * @param <T>   the items' type.
     */
    public static <T> void put(final BlockingQueue<T> queue, final T item)
    {
        try
        {
            queue.put(item);
        }
        catch (final InterruptedException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Takes an item, taking an interrupt for a failure.
     *
     * @param queue to take from.
     * @param <T>   the items' type.
     * @return the item.
     */
    public static <T> T take(final BlockingQueue<T> queue)
    {
        try
        {
            return queue.take();
        }
        catch (final InterruptedException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
