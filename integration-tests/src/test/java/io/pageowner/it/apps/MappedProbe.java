package io.pageowner.it.apps;

import java.io.RandomAccessFile;
import java.lang.management.BufferPoolMXBean;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * File mappings from known call sites, unmapped each way a mapping is unmapped: the buffer's
 * Cleaner run explicitly or by the GC and, on JDK 22+, a confined or shared arena's close and an
 * auto arena's GC (a global arena never unmaps). The file's name holds characters the dump must
 * escape. Ground truth: {@code SITE <method> <live>}, {@code LIVE <method> <address> <position>
 * <size>} (the address the buffer or segment starts at), {@code FILE <path>}, {@code TRACKED
 * <records> <bytes>}, {@code POOL <count> <capacity> <used>}, {@code PAGE <size>},
 * {@code SUPPRESSED <n>}.
 * <p>
 * Arguments: the dump path, the ground-truth path, a scratch directory.
 */
public final class MappedProbe
{
    /** Spaces, parentheses, a bar, a percent sign, and both allocator names the kernel's sorter looks for. */
    public static final String FILE_NAME = "map (CMA|slab) 50%.bin";

    private static final List<String> TRUTH = new ArrayList<>();
    private static final List<Object> REACHABLE = new ArrayList<>();

    private MappedProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args dump path, ground-truth path, scratch directory.
     * @throws Throwable on failure.
     */
    public static void main(final String[] args) throws Throwable
    {
        final Path dump = Path.of(args[0]);
        final Path truth = Path.of(args[1]);
        final Path file = Path.of(args[2]).resolve(FILE_NAME).toAbsolutePath();
        ProbeSupport.awaitMBean();
        final BufferPoolMXBean mapped = ProbeSupport.pool("mapped");

        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(1 << 20);
            final FileChannel channel = raf.getChannel();
            TRUTH.add("FILE " + file);

            keepMapped(channel);
            TRUTH.add("SITE keepMapped 2");
            cleanMapped(channel);
            TRUTH.add("SITE cleanMapped 1");
            final long before = mapped.getCount();
            dropMapped(channel);
            ProbeSupport.awaitPoolCount("mapped", before + 1);
            TRUTH.add("SITE dropMapped 1");

            if (Runtime.version().feature() >= 22)
            {
                mapInConfinedArena(channel);
                TRUTH.add("SITE mapInConfinedArena 1");
                mapInSharedArena(channel);
                TRUTH.add("SITE mapInSharedArena 1");
                final long beforeAuto = mapped.getCount();
                mapInAutoArena(channel);
                ProbeSupport.awaitPoolCount("mapped", beforeAuto + 1);
                TRUTH.add("SITE mapInAutoArena 1");
                mapInGlobalArena(channel);
                TRUTH.add("SITE mapInGlobalArena 2");
            }

            final Map<String, Object> records = ProbeSupport.mapAttribute("LiveAllocationsByKind");
            final Map<String, Object> bytes = ProbeSupport.mapAttribute("LiveBytesByKind");
            TRUTH.add("TRACKED " + records.get("MAPPED") + " " + bytes.get("MAPPED"));
            TRUTH.add("POOL " + mapped.getCount() + " " + mapped.getTotalCapacity() + " " + mapped.getMemoryUsed());
            TRUTH.add("SUMMARY " + ProbeSupport.dump(dump));
        }
        TRUTH.add("PAGE " + ProbeSupport.UNSAFE.pageSize());
        TRUTH.add("SUPPRESSED " + ProbeSupport.attribute("SuppressedErrors"));
        ProbeSupport.write(truth, TRUTH);
        System.out.println("reachable " + REACHABLE.size());
    }

    private static void live(final String method, final long address, final long position, final long size)
    {
        TRUTH.add("LIVE " + method + " " + address + " " + position + " " + size);
    }

    private static void live(final String method, final MappedByteBuffer buffer, final long position)
    {
        live(method, ProbeSupport.address(buffer), position, buffer.capacity());
        REACHABLE.add(buffer);
    }

    /**
     * A mapping whose position is not page-aligned, and one that is.
     */
    static void keepMapped(final FileChannel channel) throws Exception
    {
        live("keepMapped", channel.map(FileChannel.MapMode.READ_WRITE, 5000, 10000), 5000);
        live("keepMapped", channel.map(FileChannel.MapMode.READ_ONLY, 0, 65536), 0);
    }

    static void cleanMapped(final FileChannel channel) throws Exception
    {
        final List<MappedByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            buffers.add(channel.map(FileChannel.MapMode.READ_WRITE, 8192L * (i + 1) + 100, 4096));
        }
        ProbeSupport.UNSAFE.invokeCleaner(buffers.get(0));
        ProbeSupport.UNSAFE.invokeCleaner(buffers.get(1));
        live("cleanMapped", buffers.get(2), 8192L * 3 + 100);
    }

    static void dropMapped(final FileChannel channel) throws Exception
    {
        final List<MappedByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            buffers.add(channel.map(FileChannel.MapMode.READ_ONLY, 12288L * (i + 1), 3000));
        }
        live("dropMapped", buffers.get(2), 12288L * 3);
    }

    static void mapInConfinedArena(final FileChannel channel) throws Throwable
    {
        mapInArena(channel, "confined", "mapInConfinedArena", 2000);
    }

    static void mapInSharedArena(final FileChannel channel) throws Throwable
    {
        mapInArena(channel, "shared", "mapInSharedArena", 3000);
    }

    static void mapInAutoArena(final FileChannel channel) throws Throwable
    {
        mapInArena(channel, "auto", "mapInAutoArena", 5000);
    }

    static void mapInGlobalArena(final FileChannel channel) throws Throwable
    {
        mapInArena(channel, "global", "mapInGlobalArena", 7000);
    }

    /**
     * Two mappings in an arena that is then closed (confined, shared) or dropped (auto), and one in
     * an arena that is kept; the global arena keeps both of its mappings.
     */
    private static void mapInArena(final FileChannel channel, final String kind, final String site, final long position)
        throws Throwable
    {
        final Object gone = Ffm.arena(kind);
        final long first = Ffm.map(channel, FileChannel.MapMode.READ_WRITE, position, 6000, gone);
        final long second = Ffm.map(channel, FileChannel.MapMode.READ_ONLY, position + 4096, 1000, gone);
        if ("global".equals(kind))
        {
            live(site, first, position, 6000);
            live(site, second, position + 4096, 1000);
        }
        else if (!"auto".equals(kind))
        {
            Ffm.close(gone);
        }
        final Object kept = Ffm.arena(kind);
        REACHABLE.add(kept);
        if (!"global".equals(kind))
        {
            live(site, Ffm.map(channel, FileChannel.MapMode.READ_ONLY, position + 100, 2000, kept),
                position + 100, 2000);
        }
    }
}
