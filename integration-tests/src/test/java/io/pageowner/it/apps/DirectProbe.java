package io.pageowner.it.apps;

import java.io.OutputStream;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Direct buffers from known call sites, freed each way a direct buffer is freed, plus NIO's
 * temporary buffers; then the agent's per-kind totals next to the JDK's direct buffer pool, and a
 * dump. Ground truth, one line each: {@code SITE <method> <live> <bytes per record>}, {@code LIVE
 * <method> <buffer address> <capacity>}, {@code RAW <address>}, {@code TRACKED <records> <bytes>},
 * {@code POOL <count> <capacity> <used>}, {@code MBEAN_POOL <count> <capacity> <used>},
 * {@code PAGE <size>}, {@code SUPPRESSED <n>}.
 * <p>
 * Run with {@code -XX:MaxDirectMemorySize=64m}, and optionally
 * {@code -Dsun.nio.PageAlignDirectMemory=true}.
 * <p>
 * Arguments: the dump path, the ground-truth path, a scratch directory, and {@code aligned} when the
 * JVM runs with page-aligned direct memory.
 */
public final class DirectProbe
{
    static final int KEEP = 5;
    static final int KEEP_CAPACITY = 10_000;
    static final int CLEAN = 6;
    static final int CLEAN_FREED = 4;
    static final int CLEAN_CAPACITY = 20_000;
    static final int DROP = 5;
    static final int DROP_FREED = 3;
    static final int DROP_CAPACITY = 30_000;
    static final int TEMP_MAIN = 12_345;
    static final int TEMP_THREAD = 23_456;
    static final int RAW = 4_321;

    private static final List<String> TRUTH = new ArrayList<>();
    /** Keeps buffers (and views of them) reachable until the dump. */
    private static final List<Buffer> REACHABLE = new ArrayList<>();

    private DirectProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args dump path, ground-truth path, scratch directory.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path dump = Path.of(args[0]);
        final Path truth = Path.of(args[1]);
        final Path scratch = Path.of(args[2]);
        ProbeSupport.awaitMBean();
        final int pageSize = ProbeSupport.UNSAFE.pageSize();
        // NOTE: the JDK removes sun.nio.PageAlignDirectMemory from the system properties at start-up.
        final boolean aligned = args.length > 3 && "aligned".equals(args[3]);
        final int extra = aligned ? pageSize : 0;

        final List<ByteBuffer> kept = keepDirect();
        for (final ByteBuffer buffer : kept)
        {
            live("keepDirect", buffer);
            // NOTE: none of these allocates: each shares its parent's memory.
            REACHABLE.add(buffer.slice());
            REACHABLE.add(buffer.duplicate());
            REACHABLE.add(buffer.asReadOnlyBuffer());
            REACHABLE.add(buffer.asLongBuffer());
            REACHABLE.add(buffer.position(100).slice().limit(50));
            REACHABLE.add(buffer.asCharBuffer().subSequence(1, 20));
            buffer.clear();
        }
        TRUTH.add("SITE keepDirect " + KEEP + " " + (KEEP_CAPACITY + extra));

        for (final ByteBuffer buffer : cleanDirect())
        {
            live("cleanDirect", buffer);
        }
        TRUTH.add("SITE cleanDirect " + (CLEAN - CLEAN_FREED) + " " + (CLEAN_CAPACITY + extra));

        final long poolBefore = ProbeSupport.pool("direct").getCount();
        for (final ByteBuffer buffer : dropDirect())
        {
            live("dropDirect", buffer);
        }
        ProbeSupport.awaitPoolCount("direct", poolBefore + DROP - DROP_FREED);
        TRUTH.add("SITE dropDirect " + (DROP - DROP_FREED) + " " + (DROP_CAPACITY + extra));

        failDirect();
        TRUTH.add("RAW " + rawAfterFailedDirect());

        writeThroughStream(scratch.resolve("temp-main.bin"));
        // NOTE: NIO's temporary buffers are direct buffers up to JDK 23 (page-aligned when asked), raw Unsafe after.
        final int tempExtra = Runtime.version().feature() < 24 ? extra : 0;
        TRUTH.add("SITE writeThroughStream 1 " + (TEMP_MAIN + tempExtra));
        final Thread worker = new Thread(() -> writeThroughChannel(scratch.resolve("temp-thread.bin")), "probe-temp");
        worker.start();
        worker.join();
        TRUTH.add("SITE writeThroughChannel 0 " + (TEMP_THREAD + tempExtra));

        final Map<String, Object> records = ProbeSupport.mapAttribute("LiveAllocationsByKind");
        final Map<String, Object> bytes = ProbeSupport.mapAttribute("LiveBytesByKind");
        TRUTH.add("TRACKED " + records.get("DIRECT") + " " + bytes.get("DIRECT"));
        final java.lang.management.BufferPoolMXBean pool = ProbeSupport.pool("direct");
        TRUTH.add("POOL " + pool.getCount() + " " + pool.getTotalCapacity() + " " + pool.getMemoryUsed());
        final Map<String, Object> pools = ProbeSupport.mapAttribute("JdkBufferPools");
        TRUTH.add("MBEAN_POOL " + pools.get("direct.count") + " " + pools.get("direct.totalCapacity") + " " +
            pools.get("direct.memoryUsed"));
        TRUTH.add("PROCESS " + ProbeSupport.mapAttribute("ProcessMemory"));

        TRUTH.add("SUMMARY " + ProbeSupport.dump(dump));
        TRUTH.add("PAGE " + pageSize);
        TRUTH.add("SUPPRESSED " + ProbeSupport.attribute("SuppressedErrors"));
        ProbeSupport.write(truth, TRUTH);
        System.out.println("reachable " + REACHABLE.size());
    }

    private static void live(final String method, final ByteBuffer buffer)
    {
        TRUTH.add("LIVE " + method + " " + ProbeSupport.address(buffer) + " " + buffer.capacity());
        REACHABLE.add(buffer);
    }

    static List<ByteBuffer> keepDirect()
    {
        final List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < KEEP; i++)
        {
            buffers.add(ByteBuffer.allocateDirect(KEEP_CAPACITY));
        }
        return buffers;
    }

    /**
     * Frees most of what it allocates explicitly, as Netty and Agrona do.
     */
    static List<ByteBuffer> cleanDirect()
    {
        final List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < CLEAN; i++)
        {
            buffers.add(ByteBuffer.allocateDirect(CLEAN_CAPACITY));
        }
        for (int i = 0; i < CLEAN_FREED; i++)
        {
            ProbeSupport.UNSAFE.invokeCleaner(buffers.remove(0));
        }
        return buffers;
    }

    /**
     * Drops most of what it allocates, for the GC and the Cleaner to free.
     */
    static List<ByteBuffer> dropDirect()
    {
        final List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < DROP; i++)
        {
            buffers.add(ByteBuffer.allocateDirect(DROP_CAPACITY));
        }
        return new ArrayList<>(buffers.subList(DROP_FREED, DROP));
    }

    /**
     * Two allocateDirect calls that throw: in the constructor (negative capacity), and in
     * Bits.reserveMemory (over MaxDirectMemorySize). Neither may leave a marker behind.
     */
    static void failDirect()
    {
        try
        {
            ByteBuffer.allocateDirect(-1);
            throw new IllegalStateException("allocateDirect(-1) did not throw");
        }
        catch (final IllegalArgumentException expected)
        {
            // NOTE: thrown by the Buffer constructor, before any memory is reserved.
        }
        try
        {
            ByteBuffer.allocateDirect(128 << 20);
            throw new IllegalStateException(
                "allocateDirect(128 MiB) did not throw: run with -XX:MaxDirectMemorySize=64m");
        }
        catch (final OutOfMemoryError expected)
        {
            // NOTE: "Cannot reserve ... bytes of direct buffer memory".
        }
    }

    static long rawAfterFailedDirect()
    {
        return ProbeSupport.UNSAFE.allocateMemory(RAW);
    }

    /**
     * A stream over a file channel, writing from a heap array: NIO copies it through a temporary
     * direct buffer, which stays in this thread's cache.
     */
    static void writeThroughStream(final Path file)
    {
        try (OutputStream out = Files.newOutputStream(file))
        {
            out.write(new byte[TEMP_MAIN]);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /**
     * The same on a thread that then ends: its cache, and so the temporary buffer, is freed.
     */
    static void writeThroughChannel(final Path file)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(new byte[TEMP_THREAD]));
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
