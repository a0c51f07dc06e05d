package io.pageowner.it.apps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Threads named {@code probe-worker-N} allocate and free at random for a few seconds, each keeping
 * its live set; then they stop, the agent dumps over JMX, and the union of the live sets is written
 * as {@code LIVE <address> <bytes> <thread name>} lines for the test to compare with the dump.
 * <p>
 * Arguments: dump path, ground-truth path, threads, seconds.
 */
public final class ConcurrentProbe
{
    private ConcurrentProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args dump path, ground-truth path, threads, seconds.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path dump = Path.of(args[0]);
        final Path truth = Path.of(args[1]);
        final int threads = Integer.parseInt(args[2]);
        final long seconds = Long.parseLong(args[3]);
        ProbeSupport.awaitMBean();

        final List<List<String>> perThread = new ArrayList<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(threads);
        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long operations = 0;
        final long[] counts = new long[threads];
        for (int t = 0; t < threads; t++)
        {
            final List<String> live = new ArrayList<>();
            perThread.add(live);
            final int index = t;
            final Thread thread = new Thread(() ->
            {
                try
                {
                    counts[index] = churn(index, deadline, live);
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
                finally
                {
                    done.countDown();
                }
            }, "probe-worker-" + t);
            thread.start();
        }
        done.await();
        if (null != failure.get())
        {
            throw new AssertionError("a worker failed", failure.get());
        }
        for (final long count : counts)
        {
            operations += count;
        }

        final String summary = ProbeSupport.dump(dump);
        final List<String> lines = new ArrayList<>();
        for (final List<String> live : perThread)
        {
            lines.addAll(live);
        }
        lines.add("OPERATIONS " + operations);
        lines.add("SUMMARY " + summary);
        lines.add("SUPPRESSED " + ProbeSupport.attribute("SuppressedErrors"));
        ProbeSupport.write(truth, lines);
    }

    private static long churn(final int index, final long deadline, final List<String> out)
    {
        final SplittableRandom random = new SplittableRandom(42 + index);
        final int slots = 512;
        final long[] addresses = new long[slots];
        final long[] sizes = new long[slots];
        long operations = 0;
        while (System.nanoTime() < deadline)
        {
            for (int i = 0; i < 1000; i++)
            {
                final int slot = random.nextInt(slots);
                if (0 == addresses[slot])
                {
                    final long size = 1 + random.nextInt(3 * 4096);
                    if (random.nextInt(8) == 0)
                    {
                        addresses[slot] = ProbeSupport.UNSAFE.reallocateMemory(0, size);
                    }
                    else
                    {
                        addresses[slot] = ProbeSupport.UNSAFE.allocateMemory(size);
                    }
                    sizes[slot] = size;
                }
                else if (random.nextInt(4) == 0)
                {
                    final long size = 1 + random.nextInt(3 * 4096);
                    addresses[slot] = ProbeSupport.UNSAFE.reallocateMemory(addresses[slot], size);
                    sizes[slot] = size;
                }
                else
                {
                    ProbeSupport.UNSAFE.freeMemory(addresses[slot]);
                    addresses[slot] = 0;
                }
                operations++;
            }
        }
        final String name = Thread.currentThread().getName();
        for (int slot = 0; slot < slots; slot++)
        {
            if (0 != addresses[slot])
            {
                out.add("LIVE " + addresses[slot] + " " + sizes[slot] + " " + name);
            }
        }
        return operations;
    }
}
