package io.pageowner.it.apps;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A soak: worker threads allocate, reallocate and free Unsafe blocks and direct buffers for a
 * given time while a control thread dumps every second, pauses and resumes tracking, and clears the
 * table; then every worker frees all it holds and allocates a known final set, and a last dump is
 * taken for an exact comparison with that set.
 * <p>
 * Arguments: dump path, ground-truth path, workers, seconds. The dumps taken during the churn are
 * written beside the dump as {@code <dump>.during-N}.
 */
public final class SoakProbe
{
    /** Live blocks each worker holds at most during the churn. */
    private static final int SLOTS = 256;
    /** Blocks of each way each worker allocates for the final comparison. */
    private static final int FINAL_BLOCKS = 40;
    /** The final direct buffers, reachable until the JVM exits so that no Cleaner frees them. */
    private static final List<ByteBuffer> KEEP = new ArrayList<>();

    private SoakProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args dump path, ground-truth path, workers, seconds.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path dump = Path.of(args[0]);
        final Path truth = Path.of(args[1]);
        final int workers = Integer.parseInt(args[2]);
        final long seconds = Long.parseLong(args[3]);
        final MBeanServer server = ProbeSupport.awaitMBean();
        final ObjectName name = new ObjectName(ProbeSupport.MBEAN);

        final AtomicBoolean churning = new AtomicBoolean(true);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicLong operations = new AtomicLong();
        final CountDownLatch churned = new CountDownLatch(workers);
        final CountDownLatch settle = new CountDownLatch(1);
        final CountDownLatch settled = new CountDownLatch(workers);
        final List<List<String>> finals = new ArrayList<>();
        for (int w = 0; w < workers; w++)
        {
            final List<String> live = new ArrayList<>();
            finals.add(live);
            final int index = w;
            final Thread worker = new Thread(() ->
            {
                try
                {
                    final Worker state = new Worker(index);
                    while (churning.get())
                    {
                        operations.addAndGet(state.churn(1000));
                    }
                    churned.countDown();
                    settle.await();
                    state.freeAll();
                    state.allocateFinal(live);
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                    churned.countDown();
                }
                finally
                {
                    settled.countDown();
                }
            }, "probe-soak-" + w);
            worker.start();
        }

        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        int dumps = 0;
        int pauses = 0;
        int clears = 0;
        for (int tick = 1; System.nanoTime() < deadline && null == failure.get(); tick++)
        {
            Thread.sleep(1000);
            ProbeSupport.dump(Path.of(dump + ".during-" + dumps));
            dumps++;
            if (0 == tick % 3)
            {
                server.setAttribute(name, new Attribute("Enabled", false));
                Thread.sleep(100 + tick % 4 * 50);
                server.setAttribute(name, new Attribute("Enabled", true));
                pauses++;
            }
            if (0 == tick % 10)
            {
                server.invoke(name, "clear", new Object[0], new String[0]);
                clears++;
            }
        }
        churning.set(false);
        churned.await();
        server.setAttribute(name, new Attribute("Enabled", true));
        settle.countDown();
        settled.await();
        if (null != failure.get())
        {
            throw new AssertionError("a worker failed", failure.get());
        }

        final String summary = ProbeSupport.dump(dump);
        final List<String> lines = new ArrayList<>();
        for (final List<String> live : finals)
        {
            lines.addAll(live);
        }
        lines.add("DURING " + dumps);
        lines.add("PAUSES " + pauses);
        lines.add("CLEARS " + clears);
        lines.add("OPERATIONS " + operations.get());
        lines.add("SUMMARY " + summary);
        lines.add("SUPPRESSED " + ProbeSupport.attribute("SuppressedErrors"));
        ProbeSupport.write(truth, lines);
    }

    /**
     * One worker's blocks: Unsafe blocks (allocated or reallocated) and direct buffers, in slots.
     */
    private static final class Worker
    {
        private final SplittableRandom random;
        private final long[] addresses = new long[SLOTS];
        private final ByteBuffer[] buffers = new ByteBuffer[SLOTS];

        Worker(final int index)
        {
            random = new SplittableRandom(7 + index);
        }

        long churn(final int steps)
        {
            for (int i = 0; i < steps; i++)
            {
                final int slot = random.nextInt(SLOTS);
                if (null != buffers[slot])
                {
                    ProbeSupport.UNSAFE.invokeCleaner(buffers[slot]);
                    buffers[slot] = null;
                }
                else if (0 == addresses[slot])
                {
                    final int way = random.nextInt(8);
                    final long size = 1 + random.nextInt(3 * 4096);
                    if (0 == way)
                    {
                        buffers[slot] = ByteBuffer.allocateDirect((int)size);
                    }
                    else if (1 == way)
                    {
                        addresses[slot] = ProbeSupport.UNSAFE.reallocateMemory(0, size);
                    }
                    else
                    {
                        addresses[slot] = ProbeSupport.UNSAFE.allocateMemory(size);
                    }
                }
                else if (0 == random.nextInt(4))
                {
                    addresses[slot] = ProbeSupport.UNSAFE.reallocateMemory(addresses[slot], 1 + random.nextInt(8192));
                }
                else
                {
                    ProbeSupport.UNSAFE.freeMemory(addresses[slot]);
                    addresses[slot] = 0;
                }
            }
            return steps;
        }

        void freeAll()
        {
            for (int slot = 0; slot < SLOTS; slot++)
            {
                if (null != buffers[slot])
                {
                    ProbeSupport.UNSAFE.invokeCleaner(buffers[slot]);
                    buffers[slot] = null;
                }
                if (0 != addresses[slot])
                {
                    ProbeSupport.UNSAFE.freeMemory(addresses[slot]);
                    addresses[slot] = 0;
                }
            }
        }

        /**
         * Allocates the final set, each way, and writes one LIVE line per block: address, bytes,
         * kind, thread. Its blocks stay allocated until the JVM exits.
         */
        void allocateFinal(final List<String> out)
        {
            final String thread = Thread.currentThread().getName();
            for (int i = 0; i < FINAL_BLOCKS; i++)
            {
                final long size = 100 + i;
                final long unsafe = ProbeSupport.UNSAFE.allocateMemory(size);
                out.add("LIVE " + unsafe + " " + size + " UNSAFE " + thread);
                final long grown = ProbeSupport.UNSAFE.reallocateMemory(
                    ProbeSupport.UNSAFE.allocateMemory(16), 2 * size);
                out.add("LIVE " + grown + " " + 2 * size + " REALLOC " + thread);
                final ByteBuffer buffer = ByteBuffer.allocateDirect((int)(3 * size));
                synchronized (KEEP)
                {
                    KEEP.add(buffer);
                }
                out.add("LIVE " + ProbeSupport.address(buffer) + " " + 3 * size + " DIRECT " + thread);
            }
        }
    }
}
