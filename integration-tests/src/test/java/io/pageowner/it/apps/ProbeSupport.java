package io.pageowner.it.apps;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.pageowner.sample.OffHeap;
import sun.misc.Unsafe;

/**
 * What the scenario mains share: the Unsafe they allocate with, and the agent's MBean.
 */
public final class ProbeSupport
{
    /** The agent's MBean. */
    public static final String MBEAN = "io.pageowner:type=PageOwner";

    /**
     * The application's view of Unsafe, as libraries such as Netty use it: the sample app's, so that the
     * reflective getter is written once. The probes call it directly, so their stacks hold no sample-app frame.
     */
    public static final Unsafe UNSAFE = OffHeap.UNSAFE;

    private ProbeSupport()
    {
    }

    /**
     * Waits until the agent has registered its MBean.
     *
     * @return the platform MBean server.
     * @throws Exception if it does not appear within 20 s.
     */
    public static MBeanServer awaitMBean() throws Exception
    {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        final ObjectName name = new ObjectName(MBEAN);
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!server.isRegistered(name))
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("MBean " + MBEAN + " not registered");
            }
            Thread.sleep(10);
        }
        return server;
    }

    /**
     * Asks the agent for a dump over JMX.
     *
     * @param path of the dump.
     * @return the agent's one-line summary.
     * @throws Exception if the operation fails.
     */
    public static String dump(final Path path) throws Exception
    {
        return (String)awaitMBean().invoke(
            new ObjectName(MBEAN), "dump", new Object[]{ path.toString() }, new String[]{ String.class.getName() });
    }

    /**
     * Reads an attribute of the agent's MBean.
     *
     * @param name of the attribute.
     * @return its value.
     * @throws Exception if it cannot be read.
     */
    public static Object attribute(final String name) throws Exception
    {
        return awaitMBean().getAttribute(new ObjectName(MBEAN), name);
    }

    /**
     * Reads a map attribute (an MXBean's TabularData) as a sorted map.
     *
     * @param name of the attribute.
     * @return its entries, sorted by key.
     * @throws Exception if it cannot be read.
     */
    public static java.util.SortedMap<String, Object> mapAttribute(final String name) throws Exception
    {
        final java.util.SortedMap<String, Object> result = new java.util.TreeMap<>();
        for (final Object row : ((javax.management.openmbean.TabularData)attribute(name)).values())
        {
            final javax.management.openmbean.CompositeData data = (javax.management.openmbean.CompositeData)row;
            result.put(String.valueOf(data.get("key")), data.get("value"));
        }
        return result;
    }

    /**
     * Invokes an operation taking one long.
     *
     * @param operation its name.
     * @param value     its argument.
     * @return its result.
     * @throws Exception if it fails.
     */
    public static Object invokeLong(final String operation, final long value) throws Exception
    {
        return awaitMBean().invoke(
            new ObjectName(MBEAN), operation, new Object[]{ value }, new String[]{ long.class.getName() });
    }

    /**
     * The native address of a direct buffer, read from {@code java.nio.Buffer.address} as libraries do.
     *
     * @param buffer a direct buffer.
     * @return the address its content starts at.
     */
    @SuppressWarnings("deprecation")
    public static long address(final java.nio.Buffer buffer)
    {
        try
        {
            return UNSAFE.getLong(buffer, UNSAFE.objectFieldOffset(java.nio.Buffer.class.getDeclaredField("address")));
        }
        catch (final NoSuchFieldException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * A JDK buffer pool.
     *
     * @param name {@code direct} or {@code mapped}.
     * @return the pool's MXBean.
     */
    public static java.lang.management.BufferPoolMXBean pool(final String name)
    {
        for (final java.lang.management.BufferPoolMXBean pool :
            ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class))
        {
            if (name.equals(pool.getName()))
            {
                return pool;
            }
        }
        throw new IllegalStateException("no buffer pool " + name);
    }

    /**
     * Runs the GC until a buffer pool's count drops to a value: how a test knows that the Cleaners of
     * buffers it dropped have run (each frees, and so drops its record, before it updates the pool).
     *
     * @param name  of the pool.
     * @param count to wait for, at most.
     * @throws Exception if it does not happen within 30 s.
     */
    public static void awaitPoolCount(final String name, final long count) throws Exception
    {
        final java.lang.management.BufferPoolMXBean pool = pool(name);
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (pool.getCount() > count)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException(
                    "pool " + name + " still at " + pool.getCount() + ", waited for " + count);
            }
            System.gc();
            Thread.sleep(20);
        }
    }

    /**
     * Writes ground-truth lines for the test to compare the dump against.
     *
     * @param file  to write.
     * @param lines to write.
     * @throws IOException if it cannot be written.
     */
    public static void write(final Path file, final List<String> lines) throws IOException
    {
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
