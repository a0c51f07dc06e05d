package io.pageowner.dump;

import io.pageowner.depot.StackCapture;
import io.pageowner.depot.StackDepot;
import io.pageowner.record.Counters;
import io.pageowner.record.Kind;
import io.pageowner.table.LiveSizes;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTable;
import org.agrona.collections.Int2ObjectHashMap;

import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a dump: every live record of the owner table in page_owner format, then a trailer of
 * {@code # } lines with the totals, the totals per kind, what could not be tracked, and, next to
 * them, the JDK's own buffer pools and the process's resident memory, so that what the agent cannot
 * see (native mallocs, the JVM itself) shows as the difference.
 * <p>
 * The table is scanned while the application runs on (no thread is stopped), and records stream to
 * the file one at a time, so a dump of a million records holds no more than one on the heap. The
 * file is written under a temporary name in the same directory, readable by its owner only, and
 * renamed when complete, so a reader never sees half a dump; on failure the temporary file is
 * removed and the table is untouched. It is written through {@link FileOutputStream}: a file
 * channel would take a temporary direct buffer from the calling thread's NIO cache, and that
 * thread is often the application's (a JMX call runs on the caller's thread).
 * <p>
 * In sampled mode the records are the samples, each with its weight (see {@link PageOwnerFormat}),
 * and the trailer says so; its per-kind lines are then the exact live figures of every allocation,
 * sampled or not, from {@link LiveSizes}.
 */
public final class PageOwnerWriter
{
    private static final AtomicLong TEMP_SEQUENCE = new AtomicLong();

    private final OwnerTable table;
    private final PageOwnerFormat format;
    private final Counters counters;
    private final StackDepot stacks;
    private final int depth;
    private final LiveSizes sizes;

    /**
     * Creates a writer for full mode.
     *
     * @param table    whose live records are dumped.
     * @param format   of each record.
     * @param counters what could not be tracked, for the trailer.
     * @param stacks   the stack depot, for the trailer.
     * @param depth    the stack depth in use, for the trailer.
     */
    public PageOwnerWriter(
        final OwnerTable table,
        final PageOwnerFormat format,
        final Counters counters,
        final StackDepot stacks,
        final int depth)
    {
        this(table, format, counters, stacks, depth, null);
    }

    /**
     * Creates a writer.
     *
     * @param table    whose live records are dumped.
     * @param format   of each record; its sampling interval says whether records are samples.
     * @param counters what could not be tracked, for the trailer.
     * @param stacks   the stack depot, for the trailer.
     * @param depth    the stack depth in use, for the trailer.
     * @param sizes    every live block in sampled mode, for the exact trailer figures; null in full mode.
     */
    public PageOwnerWriter(
        final OwnerTable table,
        final PageOwnerFormat format,
        final Counters counters,
        final StackDepot stacks,
        final int depth,
        final LiveSizes sizes)
    {
        this.sizes = sizes;
        this.table = table;
        this.format = format;
        this.counters = counters;
        this.stacks = stacks;
        this.depth = depth;
    }

    /**
     * Writes a dump.
     *
     * @param target the file to write.
     * @return what was written.
     * @throws IOException naming the path and the reason when it cannot be written.
     */
    public Summary write(final Path target) throws IOException
    {
        final Summary[] summary = new Summary[1];
        final KindTotals kinds = new KindTotals();
        atomically(target, out ->
        {
            summary[0] = writeRecords(out, kinds);
            writeTrailer(out, summary[0], kinds);
        });
        return summary[0];
    }

    /**
     * Writes the live stacks view, as the kernel's {@code page_owner_stacks/show_stacks}: for every
     * stack that owns live memory, its frames (one space, then the frame), then
     * {@code nr_base_pages: N} (the sum of 2^order over its live records, as the kernel counts), then
     * an empty line. Stacks come most pages first. One pass over the table, no record held.
     *
     * @param target    the file to write.
     * @param threshold stacks with fewer pages are left out, like the kernel's {@code count_threshold}.
     * @return the stacks written and their pages.
     * @throws IOException naming the path and the reason when it cannot be written.
     */
    public StacksSummary writeStacks(final Path target, final long threshold) throws IOException
    {
        final Int2ObjectHashMap<double[]> byStack = new Int2ObjectHashMap<>();
        final long sampleBytes = format.sampleBytes();
        final long[] samples = new long[1];
        table.forEach(new OwnerRecord(), (final OwnerRecord record) ->
        {
            double[] totals = byStack.get(record.stackId());
            if (null == totals)
            {
                totals = new double[1];
                byStack.put(record.stackId(), totals);
            }
            final double weight = sampleBytes > 0 ? PageOwnerFormat.weight(record.size(), sampleBytes) : 1;
            totals[0] += weight * (1L << record.order());
            samples[0]++;
        });
        // NOTE: {stack id, pages}; the map's own entries are flyweights, so they are copied out.
        final List<long[]> stacksByPages = new ArrayList<>(byStack.size());
        byStack.forEachInt((stackId, totals) ->
        {
            final long stackPages = Math.round(totals[0]);
            if (stackPages >= Math.max(1, threshold))
            {
                stacksByPages.add(new long[]{ stackId, stackPages });
            }
        });
        stacksByPages.sort((a, b) -> a[1] != b[1] ? Long.compare(b[1], a[1]) : Long.compare(a[0], b[0]));
        final long[] pages = new long[1];
        atomically(target, out ->
        {
            for (final long[] stack : stacksByPages)
            {
                for (final String frame : stacks.frames((int)stack[0]))
                {
                    out.append(' ').append(frame).append('\n');
                }
                out.append("nr_base_pages: ").append(Long.toString(stack[1])).append("\n\n");
                pages[0] += stack[1];
            }
            if (sampleBytes > 0)
            {
                // NOTE: after the last block, so a reader of the kernel's format never takes it for a frame.
                out.append(PageOwnerFormat.TRAILER_PREFIX).append("sampled: nr_base_pages are estimates, the sum of ")
                    .append("2^order x weight over ").append(Long.toString(samples[0])).append(" sampled records (mean ")
                    .append("interval ").append(Long.toString(sampleBytes)).append(" bytes)\n");
            }
        });
        return new StacksSummary(stacksByPages.size(), pages[0]);
    }

    private void atomically(final Path target, final Body body) throws IOException
    {
        final Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute))
        {
            throw new IOException("cannot write dump to " + absolute + ": it is a directory");
        }
        final Path dir = absolute.getParent();
        if (null == dir || !Files.exists(dir))
        {
            throw new IOException("cannot write dump to " + absolute + ": directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir))
        {
            throw new IOException("cannot write dump to " + absolute + ": " + dir + " is not a directory");
        }
        final Path temp = dir.resolve("." + absolute.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" +
            TEMP_SEQUENCE.incrementAndGet());
        try
        {
            createPrivate(temp);
            try (Writer out = new BufferedWriter(
                new OutputStreamWriter(new FileOutputStream(temp.toFile()), StandardCharsets.UTF_8), 1 << 16))
            {
                body.write(out);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            try
            {
                Files.deleteIfExists(temp);
            }
            catch (final IOException ignore)
            {
                // NOTE: the original failure is the one to report.
            }
            final IOException cause = ex instanceof UncheckedIOException ? ((UncheckedIOException)ex).getCause() :
                (IOException)ex;
            throw new IOException("cannot write dump to " + absolute + ": " + reason(cause), cause);
        }
    }

    /** What a dump file is filled with. */
    @FunctionalInterface
    private interface Body
    {
        void write(Writer out) throws IOException;
    }

    private static void createPrivate(final Path file) throws IOException
    {
        try
        {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        catch (final UnsupportedOperationException ex)
        {
            Files.createFile(file);
        }
    }

    private Summary writeRecords(final Writer out, final KindTotals kinds)
    {
        final StringBuilder sb = new StringBuilder(2048);
        table.forEach((final OwnerRecord record) ->
        {
            sb.setLength(0);
            format.append(record, sb);
            try
            {
                out.append(sb);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            kinds.add(record.kind(), record.size(), record.pageCount());
        });
        return new Summary(kinds.count(), kinds.totalBytes(), kinds.pages(), counters.untrackedByReason());
    }

    private void writeTrailer(final Writer out, final Summary summary, final KindTotals kinds) throws IOException
    {
        // NOTE: no empty line in or after the trailer: the kernel's page_owner_sort drops an
        // unterminated last block silently, so these lines never reach its groups (an empty line
        // would end a block without a comm, which the kernel's sorter treats as out of memory).
        final StringBuilder sb = new StringBuilder(1024);
        trailer(sb).append("page-owner: ").append(summary.describe()).append('\n');
        trailer(sb).append("stacks: ").append(stacks.size()).append(" distinct, depth ").append(depth)
            .append(", capture ").append(StackCapture.method())
            .append(", suppressed_errors ").append(counters.suppressedErrors()).append('\n');
        final KindTotals exact = null == sizes ? kinds : KindTotals.scan(sizes, table.pageShift());
        if (null != sizes)
        {
            trailer(sb).append("sampling: mean interval ").append(format.sampleBytes()).append(" bytes, exponential by ")
                .append("bytes; each record carries weight=1/p, the number of allocations it stands for\n");
            trailer(sb).append("sampled: ").append(summary.records()).append(" records written of ").append(exact.count())
                .append(" live allocations; exact live totals: allocations ").append(exact.count()).append(", bytes ")
                .append(exact.totalBytes()).append(", pages ").append(exact.pages())
                .append("; the kind lines below are exact, for every allocation\n");
        }
        for (int bit = 0; bit < Kind.BITS; bit++)
        {
            trailer(sb).append("kind ").append(Kind.name(bit)).append(": records ").append(exact.records(1 << bit))
                .append(", bytes ").append(exact.bytes(1 << bit)).append('\n');
        }
        final Map<String, long[]> full = counters.tableFullByKind();
        if (!full.isEmpty())
        {
            trailer(sb).append("table full: not recorded, by kind:");
            String separator = " ";
            for (final Map.Entry<String, long[]> e : full.entrySet())
            {
                sb.append(separator).append(e.getKey()).append(' ').append(e.getValue()[0]).append(" (")
                    .append(e.getValue()[1]).append(" bytes)");
                separator = ", ";
            }
            sb.append("; raise max_records to record them\n");
        }
        final Map<String, Long> pools = MemoryFigures.jdkBufferPools();
        for (final String pool : MemoryFigures.POOLS)
        {
            if (pools.containsKey(pool + ".count"))
            {
                trailer(sb).append("jdk buffer pool ").append(pool).append(": count ").append(pools.get(pool + ".count"))
                    .append(", capacity ").append(pools.get(pool + ".totalCapacity"))
                    .append(", used ").append(pools.get(pool + ".memoryUsed")).append('\n');
            }
        }
        final Map<String, Long> atStart = counters.atStart();
        for (final String pool : MemoryFigures.POOLS)
        {
            if (atStart.containsKey(pool + ".count"))
            {
                trailer(sb).append("before start, jdk buffer pool ").append(pool).append(": count ")
                    .append(atStart.get(pool + ".count")).append(", used ").append(atStart.get(pool + ".memoryUsed"))
                    .append(" (allocated before page-owner started: never attributed)\n");
            }
        }
        final Map<String, Long> process = MemoryFigures.processMemory();
        trailer(sb).append("process:");
        String separator = " ";
        for (final String key : new String[]{ "VmRSS", "Rss", "Anonymous" })
        {
            final Long value = process.get(key);
            sb.append(separator).append(key).append(' ').append(null == value ? "n/a" : value + " bytes");
            separator = ", ";
        }
        sb.append('\n');
        trailer(sb).append("not seen by page-owner: memory malloc'ed by native code (JNI, native libraries, the JVM ")
            .append("itself), the Java heap, thread stacks, mappings not made by FileChannel.map, and anything ")
            .append("allocated before the agent started\n");
        out.append(sb);
    }

    private static StringBuilder trailer(final StringBuilder sb)
    {
        return sb.append(PageOwnerFormat.TRAILER_PREFIX);
    }

    private static String reason(final IOException ex)
    {
        if (ex instanceof AccessDeniedException)
        {
            return "permission denied";
        }
        if (ex instanceof NoSuchFileException)
        {
            return "no such file or directory";
        }
        if (ex instanceof FileAlreadyExistsException)
        {
            return "a file is in the way";
        }
        if (ex instanceof FileSystemException && null != ((FileSystemException)ex).getReason())
        {
            return ((FileSystemException)ex).getReason();
        }
        return null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage();
    }

    /**
     * What a live-stacks file held.
     *
     * @param stacks written.
     * @param pages  their total nr_base_pages.
     */
    public record StacksSummary(long stacks, long pages)
    {
    }

    /**
     * What a dump held.
     *
     * @param records   live records written.
     * @param bytes     their total size.
     * @param pages     their total page span.
     * @param untracked what could not be tracked, by reason.
     */
    public record Summary(long records, long bytes, long pages, Map<String, Long> untracked)
    {
        /**
         * One line for logs and the JMX result.
         *
         * @return e.g. {@code records 12, bytes 81920, pages 24, untracked table_full=0 before_start=3}.
         */
        public String describe()
        {
            final StringBuilder sb = new StringBuilder(128);
            sb.append("records ").append(records).append(", bytes ").append(bytes).append(", pages ").append(pages)
                .append(", untracked");
            for (final Map.Entry<String, Long> entry : untracked.entrySet())
            {
                sb.append(' ').append(entry.getKey()).append('=').append(entry.getValue());
            }
            return sb.toString();
        }
    }
}
