package io.pageowner.analysis.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes realistic page-owner dumps of our JVM format: many records over a few thousand distinct stacks, with a
 * skewed (Zipf-like) choice of stack so a few call sites own most records, as in a real application, a few dozen
 * threads, all five kinds, and the {@code # } trailer.
 * <p>
 * {@code java -cp ... io.pageowner.analysis.bench.DumpGenerator <output> <megabytes> [stacks] [seed]}
 */
public final class DumpGenerator
{
    private static final String[] KIND_NAMES = { "UNSAFE", "DIRECT", "MAPPED", "ARENA", "REALLOC" };
    private static final String[][] JDK_FRAMES =
    {
        {
            "jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632)",
            "sun.misc.Unsafe.allocateMemory(Unsafe.java:487)"
        },
        {
            "jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632)",
            "java.nio.DirectByteBuffer.<init>(DirectByteBuffer.java:125)",
            "java.nio.ByteBuffer.allocateDirect(ByteBuffer.java:332)"
        },
        {
            "sun.nio.ch.FileChannelImpl.map0(Native Method)",
            "sun.nio.ch.FileChannelImpl.mapInternal(FileChannelImpl.java:1127)",
            "sun.nio.ch.FileChannelImpl.map(FileChannelImpl.java:1032)"
        },
        {
            "jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632)",
            "jdk.internal.foreign.NativeMemorySegmentImpl.makeNativeSegment(NativeMemorySegmentImpl.java:141)",
            "jdk.internal.foreign.ArenaImpl.allocate(ArenaImpl.java:46)"
        },
        {
            "jdk.internal.misc.Unsafe.reallocateMemory(Unsafe.java:700)",
            "sun.misc.Unsafe.reallocateMemory(Unsafe.java:520)"
        }
    };
    private static final String[] PACKAGES =
    {
        "com.example.cache", "com.example.net", "org.acme.store", "io.netty.buffer", "org.apache.lucene.store",
        "com.example.util", "org.rocksdb", "com.example.ingest.pipeline"
    };
    private static final String[] CLASSES =
    {
        "BlockCache", "Codec", "Segment", "PoolArena", "MMapDirectory", "Buffers", "RocksDB", "Batcher", "Worker",
        "Reader", "Writer", "Compactor"
    };
    private static final String[] METHODS =
    {
        "load", "encode", "open", "allocate", "map", "grow", "put", "flush", "run", "read", "write", "compact"
    };

    /**
     * One generated record with the fields a test needs to check the sorter against.
     *
     * @param text      of the record, ending with its empty line.
     * @param threadId  the pid field.
     * @param threadName the comm field.
     * @param kind      index into the kinds (0 UNSAFE .. 4 REALLOC).
     * @param order     of the record.
     * @param bytes     of the allocation.
     * @param stack     index of the stack.
     * @param timestamp of the record.
     */
    public record Rec(String text, int threadId, String threadName, int kind, int order, long bytes, int stack,
        long timestamp)
    {
    }

    private final Random random;
    private final String[][] stacks;
    private final int[] stackKinds;
    private final int[] threadIds;
    private final String[] threadNames;
    private long timestamp = 1_000_000L;
    private long records;
    private long totalBytes;

    /**
     * A generator.
     *
     * @param seed    of the pseudo-random choices; equal seeds give equal dumps.
     * @param stacks  number of distinct stacks.
     * @param threads number of distinct threads.
     */
    public DumpGenerator(final long seed, final int stacks, final int threads)
    {
        this.random = new Random(seed);
        this.stacks = new String[stacks][];
        this.stackKinds = new int[stacks];
        for (int i = 0; i < stacks; i++)
        {
            final int kind = random.nextInt(10) < 6 ? 1 : random.nextInt(KIND_NAMES.length);
            stackKinds[i] = kind;
            final String[] jdk = JDK_FRAMES[kind];
            final int depth = Math.min(16, jdk.length + 2 + random.nextInt(12));
            final String[] frames = new String[depth];
            System.arraycopy(jdk, 0, frames, 0, jdk.length);
            for (int f = jdk.length; f < depth; f++)
            {
                final String type = CLASSES[random.nextInt(CLASSES.length)];
                frames[f] = PACKAGES[random.nextInt(PACKAGES.length)] + "." + type + "." +
                    METHODS[random.nextInt(METHODS.length)] + "(" + type + ".java:" + (10 + random.nextInt(900)) + ")";
            }
            this.stacks[i] = frames;
        }
        threadIds = new int[threads];
        threadNames = new String[threads];
        for (int i = 0; i < threads; i++)
        {
            threadIds[i] = i == 0 ? 1 : 20 + i;
            threadNames[i] = i == 0 ? "main" : i % 7 == 3 ? "Netty (epoll) " + i : "pool-1-thread-" + i;
            if (threadNames[i].length() > 15)
            {
                threadNames[i] = threadNames[i].substring(0, 15);
            }
        }
    }

    /**
     * The next record.
     *
     * @return the next record.
     */
    public Rec next()
    {
        final int stack = skewed(stacks.length);
        final int kind = stackKinds[stack];
        final int thread = skewed(threadIds.length);
        final long bytes;
        switch (random.nextInt(6))
        {
            case 0:
                bytes = 16 + random.nextInt(512);
                break;
            case 1:
                bytes = 4096;
                break;
            case 2:
                bytes = 65536;
                break;
            case 3:
                bytes = 1L << (12 + random.nextInt(10));
                break;
            default:
                bytes = 1 + random.nextInt(300_000);
                break;
        }
        final long address = 0x7f3a2c000000L + (random.nextInt(1 << 28) * 16L);
        final long pages = (bytes + (address & 4095) + 4095) >>> 12;
        int order = 0;
        while ((1L << order) < pages)
        {
            order++;
        }
        timestamp += 1 + random.nextInt(2_000_000);
        final int mask = kind == 4 ? 0x11 : 1 << kind;
        final String kindNames = kind == 4 ? "UNSAFE|REALLOC" : KIND_NAMES[kind];
        final String type =
            kind == 4 ? "Unsafe" : KIND_NAMES[kind].charAt(0) + KIND_NAMES[kind].substring(1).toLowerCase();
        final long pfn = address >>> 12;

        final StringBuilder text = new StringBuilder(1024);
        text.append("Page allocated via order ").append(order).append(", mask 0x").append(Integer.toHexString(mask))
            .append('(').append(kindNames).append("), pid ").append(threadIds[thread]).append(", tgid 48213 (")
            .append(threadNames[thread]).append("), ts ").append(timestamp).append(" ns\n");
        text.append("PFN 0x").append(Long.toHexString(pfn)).append(" type ").append(type).append(" Block ")
            .append(pfn >>> 9).append(" type ").append(type).append(" Flags 0x0(address=0x")
            .append(Long.toHexString(address)).append("|bytes=").append(bytes).append("|pages=").append(pages);
        if (kind == 2)
        {
            text.append("|file=/data/seg%20").append(stack).append(".dat|offset=").append(random.nextInt(1000) * 4096L);
        }
        text.append(")\n");
        for (final String frame : stacks[stack])
        {
            text.append(' ').append(frame).append('\n');
        }
        text.append('\n');
        records++;
        totalBytes += bytes;
        return new Rec(text.toString(), threadIds[thread], threadNames[thread], kind, order, bytes, stack, timestamp);
    }

    /**
     * A list of records.
     *
     * @param count of records.
     * @return the records.
     */
    public List<Rec> records(final int count)
    {
        final List<Rec> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            list.add(next());
        }
        return list;
    }

    /**
     * The trailer our agent writes after the records, without an empty line after it.
     *
     * @return the trailer lines.
     */
    public String trailer()
    {
        return "# page-owner: records " + records + ", bytes " + totalBytes + ", pages 0, untracked 0 " +
            "(before_start=0, table_full=0, recursion=0)\n";
    }

    /**
     * Write records until the output has at least the given size, then the trailer.
     *
     * @param out   to write to.
     * @param bytes to write at least.
     * @return the number of records written.
     * @throws IOException if writing fails.
     */
    public long write(final OutputStream out, final long bytes) throws IOException
    {
        long written = 0;
        long count = 0;
        while (written < bytes)
        {
            final byte[] record = next().text().getBytes(StandardCharsets.ISO_8859_1);
            out.write(record);
            written += record.length;
            count++;
        }
        out.write(trailer().getBytes(StandardCharsets.ISO_8859_1));
        return count;
    }

    /**
     * Stack index with a skew towards small indexes: about half the records come from a tenth of the stacks.
     */
    private int skewed(final int n)
    {
        final double u = random.nextDouble();
        return Math.min(n - 1, (int)(n * u * u * u));
    }

    /**
     * Write a dump file.
     *
     * @param args output path, size in MB, optional number of stacks (default 3000) and seed (default 42).
     * @throws IOException if writing fails.
     */
    public static void main(final String[] args) throws IOException
    {
        if (args.length < 2)
        {
            System.err.println("usage: DumpGenerator <output> <megabytes> [stacks] [seed]");
            System.exit(1);
        }
        final Path output = Paths.get(args[0]);
        final long megabytes = Long.parseLong(args[1]);
        final int stacks = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
        final long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
        final DumpGenerator generator = new DumpGenerator(seed, stacks, 40);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output), 1 << 20))
        {
            final long count = generator.write(out, megabytes << 20);
            System.out.println("wrote " + count + " records to " + output);
        }
    }
}
