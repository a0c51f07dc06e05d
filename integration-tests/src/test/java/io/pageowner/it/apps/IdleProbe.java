package io.pageowner.it.apps;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.TreeSet;
import javax.management.ObjectName;

/**
 * Does ordinary off-heap work and reports what it can see of the agent: whether the MBean is
 * registered, whether the hook classes exist in java.base, and the names of its threads. Used to
 * prove that an agent loaded without {@code on}, or with bad options, changes nothing.
 */
public final class IdleProbe
{
    private IdleProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args {@code await} to wait for the agent's MBean first.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length > 0 && "await".equals(args[0]))
        {
            ProbeSupport.awaitMBean();
        }
        final long address = ProbeSupport.UNSAFE.allocateMemory(4096);
        ProbeSupport.UNSAFE.freeMemory(address);
        final ByteBuffer buffer = ByteBuffer.allocateDirect(8192);
        buffer.putLong(0, 42);
        Thread.sleep(300);

        boolean hooks;
        try
        {
            Class.forName("jdk.internal.misc.PageOwnerHooks", false, null);
            hooks = true;
        }
        catch (final ClassNotFoundException ex)
        {
            hooks = false;
        }
        final Set<String> threads = new TreeSet<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            threads.add(thread.getName());
        }
        System.out.println("HOOKS " + hooks);
        System.out.println("MBEAN " + ManagementFactory.getPlatformMBeanServer()
            .isRegistered(new ObjectName(ProbeSupport.MBEAN)));
        System.out.println("THREADS " + threads);
        System.out.println("RESULT " + buffer.getLong(0));
    }
}
