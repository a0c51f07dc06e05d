package io.pageowner.it.apps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Full mode's ticking clock in a real JVM. A churning thread allocates and frees without pause, so that the
 * agent's clock ticks (the test runs this with {@code -Dpageowner.clock.busyGapNanos=} large, so that it does on a
 * host of any speed); meanwhile {@code main} keeps blocks, asks for a first dump, keeps more blocks, asks for a
 * second. Every record of a block kept after the first dump returned must be stamped after that dump's time, as
 * with a clock read per record, although it takes a published time up to a tick old.
 * <p>
 * Ground truth: {@code CLOCK true|false} (whether the {@code page-owner-clock} thread ran before the blocks were
 * kept), then {@code BEFORE <address>} and {@code AFTER <address>} lines.
 * <p>
 * Arguments: the first dump's path, the ground-truth path, the second dump's path.
 */
public final class ClockProbe
{
    private static final int KEPT = 200;
    private static final long WAIT_NANOS = 60_000_000_000L;

    private static volatile boolean churning = true;

    private ClockProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args first dump, ground truth, second dump.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        ProbeSupport.awaitMBean();
        final Thread churn = new Thread(ClockProbe::churn, "churn");
        churn.start();
        final List<String> truth = new ArrayList<>();
        truth.add("CLOCK " + awaitClockThread());
        final List<Long> kept = new ArrayList<>();
        for (int i = 0; i < KEPT; i++)
        {
            final long address = keepBefore();
            kept.add(address);
            truth.add("BEFORE " + address);
        }
        ProbeSupport.dump(Path.of(args[0]));
        for (int i = 0; i < KEPT; i++)
        {
            final long address = keepAfter();
            kept.add(address);
            truth.add("AFTER " + address);
        }
        ProbeSupport.dump(Path.of(args[2]));
        churning = false;
        churn.join();
        for (final long address : kept)
        {
            ProbeSupport.UNSAFE.freeMemory(address);
        }
        ProbeSupport.write(Path.of(args[1]), truth);
    }

    private static long keepBefore()
    {
        return ProbeSupport.UNSAFE.allocateMemory(48);
    }

    private static long keepAfter()
    {
        return ProbeSupport.UNSAFE.allocateMemory(48);
    }

    private static void churn()
    {
        while (churning)
        {
            ProbeSupport.UNSAFE.freeMemory(ProbeSupport.UNSAFE.allocateMemory(16));
        }
    }

    private static boolean awaitClockThread() throws InterruptedException
    {
        final long start = System.nanoTime();
        while (System.nanoTime() - start < WAIT_NANOS)
        {
            for (final Thread thread : Thread.getAllStackTraces().keySet())
            {
                if ("page-owner-clock".equals(thread.getName()))
                {
                    return true;
                }
            }
            Thread.sleep(10);
        }
        return false;
    }
}
