package io.pageowner.dump;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import jdk.internal.misc.VM;

/**
 * What the JVM and the kernel say about off-heap memory, next to which the tracked totals show what
 * the agent cannot see: the JDK's own direct and mapped buffer pools (the figures
 * {@code BufferPoolMXBean} shows, read from {@link VM#getBufferPools()} so that reading them never
 * initialises management, and may be done in {@code premain}), and the process's resident memory from
 * {@code /proc/self/status} and {@code /proc/self/smaps_rollup}.
 * <p>
 * The files are read with {@link FileInputStream}, not NIO: a channel read into a heap array would
 * take a temporary direct buffer from the calling thread's cache, which, on JDK 17 to 23, shows in
 * the very direct pool being reported.
 */
public final class MemoryFigures
{
    /** The pools reported, by their {@code BufferPoolMXBean} names. */
    static final String[] POOLS = { "direct", "mapped" };

    private MemoryFigures()
    {
    }

    /**
     * The JDK's direct and mapped buffer pools.
     *
     * @return {@code direct.count}, {@code direct.totalCapacity}, {@code direct.memoryUsed}, then the
     *         same for {@code mapped}; a pool the JVM does not have is left out.
     */
    public static Map<String, Long> jdkBufferPools()
    {
        return jdkBufferPools(true);
    }

    /**
     * The JDK's direct and mapped buffer pools, without loading {@code FileChannelImpl} when it is not loaded:
     * {@link VM#getBufferPools()} loads it (and some 20 NIO classes) for its mapped pools, while every mapped
     * buffer is made by it, so that pool is empty until it is loaded. At start-up this saves the loading, and
     * the retransforming of {@code FileChannelImpl} that would follow.
     *
     * @param mappedLoaded whether {@code sun.nio.ch.FileChannelImpl} is loaded.
     * @return as {@link #jdkBufferPools()}.
     */
    public static Map<String, Long> jdkBufferPools(final boolean mappedLoaded)
    {
        if (!mappedLoaded)
        {
            final Map<String, Long> result = new LinkedHashMap<>();
            final VM.BufferPool direct = jdk.internal.access.SharedSecrets.getJavaNioAccess().getDirectBufferPool();
            result.put("direct.count", direct.getCount());
            result.put("direct.totalCapacity", direct.getTotalCapacity());
            result.put("direct.memoryUsed", direct.getMemoryUsed());
            result.put("mapped.count", 0L);
            result.put("mapped.totalCapacity", 0L);
            result.put("mapped.memoryUsed", 0L);
            return result;
        }
        final Map<String, Long> result = new LinkedHashMap<>();
        for (final String name : POOLS)
        {
            for (final VM.BufferPool pool : VM.getBufferPools())
            {
                if (name.equals(pool.getName()))
                {
                    result.put(name + ".count", pool.getCount());
                    result.put(name + ".totalCapacity", pool.getTotalCapacity());
                    result.put(name + ".memoryUsed", pool.getMemoryUsed());
                }
            }
        }
        return result;
    }

    /**
     * The process's resident memory, in bytes.
     *
     * @return {@code VmRSS} from {@code /proc/self/status}, {@code Rss} and {@code Anonymous} from
     *         {@code /proc/self/smaps_rollup}; each only where readable (Linux, and a kernel of 4.14
     *         or later for the rollup).
     */
    public static Map<String, Long> processMemory()
    {
        final Map<String, Long> result = new LinkedHashMap<>();
        putKilobytes(result, "VmRSS", read("/proc/self/status"), "VmRSS");
        final String rollup = read("/proc/self/smaps_rollup");
        putKilobytes(result, "Rss", rollup, "Rss");
        putKilobytes(result, "Anonymous", rollup, "Anonymous");
        return result;
    }

    /**
     * The process's resident memory now, read cheaply enough to poll: {@code VmRSS} alone.
     *
     * @return bytes, or -1 where {@code /proc/self/status} cannot be read.
     */
    public static long residentBytes()
    {
        return kilobytes(read("/proc/self/status"), "VmRSS");
    }

    /**
     * Finds a {@code Key:   123 kB} line.
     *
     * @param text of a /proc file, may be null.
     * @param key  before the colon.
     * @return the value in bytes, or -1 if absent.
     */
    static long kilobytes(final String text, final String key)
    {
        if (null == text)
        {
            return -1;
        }
        for (final String line : text.split("\n"))
        {
            if (line.startsWith(key + ":"))
            {
                final String value = line.substring(key.length() + 1).trim();
                final int space = value.indexOf(' ');
                try
                {
                    final long number = Long.parseLong(space < 0 ? value : value.substring(0, space));
                    return value.endsWith("kB") ? number * 1024 : number;
                }
                catch (final NumberFormatException ex)
                {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static void putKilobytes(
        final Map<String, Long> into, final String name, final String text, final String key)
    {
        final long bytes = kilobytes(text, key);
        if (bytes >= 0)
        {
            into.put(name, bytes);
        }
    }

    /**
     * A small kernel file's text, read with {@link FileInputStream} (no NIO temporary buffer).
     *
     * @param file absolute path.
     * @return its text, or null if it cannot be read.
     */
    static String read(final String file)
    {
        try (InputStream in = new FileInputStream(file))
        {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        catch (final IOException | SecurityException ex)
        {
            return null;
        }
    }
}
