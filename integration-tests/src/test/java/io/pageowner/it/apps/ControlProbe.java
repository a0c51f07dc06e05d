package io.pageowner.it.apps;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Scenarios for the agent's live controls. The first argument picks one; the second is the
 * ground-truth file; the rest depend on the scenario. Known blocks come from methods named after
 * their phase, so the test can find them in dumps.
 */
public final class ControlProbe
{
    private static final List<String> TRUTH = new ArrayList<>();
    /** Detach and attach cycles after which the depot must not have grown by more than the new sites. */
    public static final int DETACH_CYCLES = 20;

    private ControlProbe()
    {
    }

    /**
     * Runs a scenario.
     *
     * @param args scenario, ground-truth path, scenario arguments.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final String scenario = args[0];
        final Path truth = Path.of(args[1]);
        final MBeanServer server = ProbeSupport.awaitMBean();
        final ObjectName name = new ObjectName(ProbeSupport.MBEAN);
        switch (scenario)
        {
            case "signal":
                signal(Integer.parseInt(args[2]));
                break;
            case "toggle":
                toggle(server, name, Path.of(args[2]));
                break;
            case "stacks":
                stacks(server, name, Path.of(args[2]), Path.of(args[3]));
                break;
            case "exit":
                keep("exitLeak", leakUnsafe(5, 3000));
                break;
            case "oom":
                oom();
                break;
            case "badpath":
                badPath(server, name, Path.of(args[2]));
                break;
            case "sleep":
                keep("sleepLeak", leakUnsafe(3, 100));
                Thread.sleep(Long.parseLong(args[2]));
                break;
            case "notify":
                notifyOnThreshold(server, name);
                break;
            case "detach":
                detach(server, name, Path.of(args[2]));
                break;
            default:
                throw new IllegalArgumentException(scenario);
        }
        ProbeSupport.write(truth, TRUTH);
    }

    private static void keep(final String phase, final long[] addresses)
    {
        for (final long address : addresses)
        {
            TRUTH.add("LIVE " + address + " " + phase);
        }
    }

    private static long[] leakUnsafe(final int count, final long bytes)
    {
        final long[] addresses = new long[count];
        for (int i = 0; i < count; i++)
        {
            addresses[i] = ProbeSupport.UNSAFE.allocateMemory(bytes);
        }
        return addresses;
    }

    static long[] beforePause()
    {
        return leakUnsafe(10, 5000);
    }

    static long[] whilePaused()
    {
        return leakUnsafe(10, 5000);
    }

    static long[] afterResume()
    {
        return leakUnsafe(10, 5000);
    }

    private static void signal(final int signals) throws Exception
    {
        keep("signalLeak", leakUnsafe(4, 8192));
        final long pid = ProcessHandle.current().pid();
        final Process kill = new ProcessBuilder("sh", "-c",
            "for i in $(seq " + signals + "); do kill -USR1 " + pid + "; done").inheritIO().start();
        if (0 != kill.waitFor())
        {
            throw new IllegalStateException("kill failed");
        }
        // NOTE: wait until dumps stop coming: at least one, then no new one for a second.
        long last = -1;
        long written = 0;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline)
        {
            written = ((Number)ProbeSupport.attribute("DumpsWritten")).longValue();
            if (written > 0 && written == last)
            {
                break;
            }
            last = written;
            Thread.sleep(1000);
        }
        TRUTH.add("DUMPS " + written);
        TRUTH.add("SIGNAL_HANDLED " + ProbeSupport.attribute("SignalHandled"));
    }

    private static void toggle(final MBeanServer server, final ObjectName name, final Path dump) throws Exception
    {
        final AtomicBoolean stop = new AtomicBoolean();
        final CountDownLatch done = new CountDownLatch(2);
        for (int t = 0; t < 2; t++)
        {
            new Thread(() ->
            {
                while (!stop.get())
                {
                    final long address = ProbeSupport.UNSAFE.allocateMemory(64);
                    ProbeSupport.UNSAFE.freeMemory(address);
                }
                done.countDown();
            }, "churn-" + t).start();
        }
        Thread.sleep(200);
        keep("beforePause", beforePause());
        server.setAttribute(name, new Attribute("Enabled", false));
        TRUTH.add("ENABLED_WHILE_OFF " + server.getAttribute(name, "Enabled"));
        for (final long address : whilePaused())
        {
            TRUTH.add("UNRECORDED " + address);
        }
        Thread.sleep(200);
        server.setAttribute(name, new Attribute("Enabled", true));
        keep("afterResume", afterResume());
        Thread.sleep(200);
        stop.set(true);
        done.await();
        TRUTH.add("SUMMARY " + ProbeSupport.dump(dump));
        TRUTH.add("SUPPRESSED " + server.getAttribute(name, "SuppressedErrors"));
    }

    static long[] stackOne()
    {
        return leakUnsafe(7, 3 * 4096);
    }

    static long[] stackTwo()
    {
        return leakUnsafe(5, 100);
    }

    private static void stacks(final MBeanServer server, final ObjectName name, final Path dump, final Path stacks)
        throws Exception
    {
        keep("stackOne", stackOne());
        keep("stackTwo", stackTwo());
        TRUTH.add("SUMMARY " + ProbeSupport.dump(dump));
        TRUTH.add("STACKS " + server.invoke(name, "dumpStacks", new Object[]{ stacks.toString(), 0L },
            new String[]{ String.class.getName(), long.class.getName() }));
        final long start = System.nanoTime();
        server.invoke(name, "dumpStacks", new Object[]{ stacks + ".t4", 4L },
            new String[]{ String.class.getName(), long.class.getName() });
        TRUTH.add("STACKS_MICROS " + (System.nanoTime() - start) / 1000);
    }

    static List<ByteBuffer> oomLeak()
    {
        final List<ByteBuffer> buffers = new ArrayList<>();
        try
        {
            while (true)
            {
                buffers.add(ByteBuffer.allocateDirect(1024 * 1024));
            }
        }
        catch (final OutOfMemoryError expected)
        {
            TRUTH.add("OOM " + expected.getMessage());
        }
        return buffers;
    }

    private static void oom()
    {
        final List<ByteBuffer> buffers = oomLeak();
        TRUTH.add("BUFFERS " + buffers.size());
    }

    private static void badPath(final MBeanServer server, final ObjectName name, final Path good) throws Exception
    {
        final long pid = ProcessHandle.current().pid();
        new ProcessBuilder("kill", "-USR1", Long.toString(pid)).inheritIO().start().waitFor();
        Thread.sleep(1500);
        keep("afterFailures", leakUnsafe(3, 2000));
        TRUTH.add("SUMMARY " + ProbeSupport.dump(good));
        TRUTH.add("ENABLED " + server.getAttribute(name, "Enabled"));
    }

    static long[] beforeDetach()
    {
        return leakUnsafe(6, 5000);
    }

    static long[] whileDetached()
    {
        return leakUnsafe(6, 5000);
    }

    static long[] afterReattach()
    {
        return leakUnsafe(6, 5000);
    }

    private static void detach(final MBeanServer server, final ObjectName name, final Path dump) throws Exception
    {
        keep("beforeDetach", beforeDetach());
        TRUTH.add("DETACH " + server.invoke(name, "detach", new Object[]{ false }, new String[]{ "boolean" }));
        TRUTH.add("DETACHED " + server.getAttribute(name, "Detached"));
        for (final long address : whileDetached())
        {
            TRUTH.add("UNRECORDED " + address);
        }
        server.setAttribute(name, new Attribute("Enabled", true));
        TRUTH.add("DETACHED_AFTER " + server.getAttribute(name, "Detached"));
        keep("afterReattach", afterReattach());
        TRUTH.add("SUMMARY " + ProbeSupport.dump(dump));
        // NOTE: each detach and attach retransforms Unsafe, whose frames then come back with new keys.
        final long distinctBefore = ((Number)server.getAttribute(name, "DistinctStacks")).longValue();
        for (int cycle = 0; cycle < DETACH_CYCLES; cycle++)
        {
            server.invoke(name, "detach", new Object[]{ false }, new String[]{ "boolean" });
            server.setAttribute(name, new Attribute("Enabled", true));
            ProbeSupport.UNSAFE.freeMemory(ProbeSupport.UNSAFE.allocateMemory(64));
            keep("cycled", leakUnsafe(1, 64));
        }
        TRUTH.add("DISTINCT_GROWTH " +
            (((Number)server.getAttribute(name, "DistinctStacks")).longValue() - distinctBefore));
        TRUTH.add("CLEAR " + server.invoke(name, "detach", new Object[]{ true }, new String[]{ "boolean" }));
        TRUTH.add("LIVE_AFTER_CLEAR " + server.getAttribute(name, "LiveAllocations"));
        TRUTH.add("SUPPRESSED " + server.getAttribute(name, "SuppressedErrors"));
    }

    private static void notifyOnThreshold(final MBeanServer server, final ObjectName name) throws Exception
    {
        final CountDownLatch notified = new CountDownLatch(1);
        final List<String> seen = new ArrayList<>();
        server.addNotificationListener(name, (notification, handback) ->
        {
            seen.add(notification.getType() + " " + notification.getMessage());
            notified.countDown();
        }, null, null);
        keep("bigLeak", leakUnsafe(4, 1024 * 1024));
        TRUTH.add("NOTIFIED " + notified.await(10, TimeUnit.SECONDS));
        TRUTH.addAll(seen);
        TRUTH.add("LIVE_BYTES " + ManagementFactory.getPlatformMBeanServer().getAttribute(name, "LiveBytes"));
    }
}
