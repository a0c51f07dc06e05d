package io.pageowner.dump;

import io.pageowner.depot.StackCapture;
import io.pageowner.depot.StackDepot;
import io.pageowner.record.Counters;
import io.pageowner.record.Kind;

import java.time.Instant;
import java.util.Map;

/**
 * The {@code # } lines after a dump's records: the totals, the totals per kind, what could not be tracked, and,
 * next to them, the JDK's own buffer pools and the process's resident memory, so that what the agent cannot see
 * (native mallocs, the JVM itself) shows as the difference. In sampled mode it says so, and its per-kind lines are
 * the exact live figures of every allocation, sampled or not.
 * <p>
 * No empty line is written in or after the trailer: the kernel's page_owner_sort drops an unterminated last block
 * silently, so these lines never reach its groups (an empty line would end a block without a comm, which the
 * kernel's sorter treats as out of memory).
 */
public final class DumpTrailer
{
    /**
     * What the time line starts with after {@code # }; the analysis side looks for it.
     */
    public static final String TIME_LINE = "time: ts ";

    private final Counters counters;
    private final StackDepot stacks;
    private final int depth;
    private final DumpMode mode;
    private final int pageShift;

    /**
     * Creates a trailer writer.
     *
     * @param counters  what could not be tracked.
     * @param stacks    the stack depot, for its size.
     * @param depth     the stack depth in use.
     * @param mode      full or sampled, with what sampled mode needs for its exact totals.
     * @param pageShift log2 of the page size, for the pages of the exact totals.
     */
    public DumpTrailer(
        final Counters counters, final StackDepot stacks, final int depth, final DumpMode mode, final int pageShift)
    {
        this.counters = counters;
        this.stacks = stacks;
        this.depth = depth;
        this.mode = mode;
        this.pageShift = pageShift;
    }

    /**
     * Appends the trailer of a dump.
     *
     * @param summary of the records written.
     * @param kinds   the totals per kind of the records written.
     * @param sb      to append to.
     */
    public void append(final PageOwnerWriter.Summary summary, final KindTotals kinds, final StringBuilder sb)
    {
        append(summary, kinds, null, 0, sb);
    }

    /**
     * Appends the trailer of a dump that has the pools' records too.
     *
     * @param summary       of the main table's records written.
     * @param kinds         the totals per kind of those records.
     * @param pools         the exact totals of the pools' live buffers, or null when no pool is tracked.
     * @param poolsWritten  the pools' records written (fewer than live in sampled mode).
     * @param sb            to append to.
     */
    public void append(
        final PageOwnerWriter.Summary summary,
        final KindTotals kinds,
        final KindTotals pools,
        final long poolsWritten,
        final StringBuilder sb)
    {
        line(sb).append("page-owner: ").append(summary.describe()).append('\n');
        line(sb).append("stacks: ").append(stacks.size()).append(" distinct, depth ").append(depth)
            .append(", capture ").append(StackCapture.method())
            .append(", suppressed_errors ").append(counters.suppressedErrors()).append('\n');
        final KindTotals exact = mode.isSampled() ? KindTotals.scan(mode.liveSizes(), pageShift) : kinds;
        if (mode.isSampled())
        {
            line(sb).append("sampling: mean interval ").append(mode.sampleBytes()).append(" bytes, exponential by ")
                .append("bytes; each record carries weight=1/p, the number of allocations it stands for\n");
            line(sb).append("sampled: ").append(summary.records()).append(" records written of ").append(exact.count())
                .append(" live allocations; exact live totals: allocations ").append(exact.count()).append(", bytes ")
                .append(exact.totalBytes()).append(", pages ").append(exact.pages())
                .append("; the kind lines below are exact, for every allocation\n");
        }
        for (int bit = 0; bit < Kind.BITS; bit++)
        {
            final KindTotals of = Kind.POOLED == 1 << bit && null != pools ? pools : exact;
            line(sb).append("kind ").append(Kind.name(bit)).append(": records ").append(of.records(1 << bit))
                .append(", bytes ").append(of.bytes(1 << bit));
            if (Kind.TOOL == 1 << bit)
            {
                sb.append(" (page-owner's own: NIO buffers kept by JMX threads that served its MBean; --kind ^TOOL)");
            }
            sb.append('\n');
        }
        if (null != pools)
        {
            line(sb).append("pooled: ").append(pools.count()).append(" buffers in use, bytes ")
                .append(pools.totalBytes()).append(", records written ").append(poolsWritten)
                .append("; they lie inside the pools' chunks (UNSAFE or DIRECT records above) and are not ")
                .append("added to the totals above\n");
        }
        appendTableFull(sb);
        appendBufferPools(sb);
        appendProcess(sb);
        line(sb).append("not seen by page-owner: memory malloc'ed by native code (JNI, native libraries, the JVM ")
            .append("itself), the Java heap, thread stacks, mappings not made by FileChannel.map, and anything ")
            .append("allocated before the agent started\n");
        // NOTE: last, so the lines above keep their places for readers that count them.
        appendTime(summary.asOfNs(), summary.wallMillis(), sb);
    }

    /**
     * Appends the note that ends a sampled stacks view; nothing in full mode.
     *
     * @param samples the sampled records the view sums.
     * @param sb      to append to.
     */
    public void appendStacksNote(final long samples, final StringBuilder sb)
    {
        if (mode.isSampled())
        {
            // NOTE: after the last block, so a reader of the kernel's format never takes it for a frame.
            line(sb).append("sampled: nr_base_pages are estimates, the sum of ")
                .append("2^order x weight over ").append(samples).append(" sampled records (mean ")
                .append("interval ").append(mode.sampleBytes()).append(" bytes)\n");
        }
    }

    /**
     * Appends the line that says when a dump was taken, which the analysis tools read to compute ages:
     * {@code # time: ts 812345678 ns, wall 2026-12-05T00:10:00.123Z (epoch_ms 1796429400123)}. The {@code ts} value is
     * on the records' clock (ns since the JVM started), so a record's age is this value minus its own {@code ts}.
     *
     * @param asOfNs     the dump's instant on the records' clock.
     * @param wallMillis the wall clock at that instant, ms since the epoch.
     * @param sb         to append to.
     */
    static void appendTime(final long asOfNs, final long wallMillis, final StringBuilder sb)
    {
        line(sb).append(TIME_LINE).append(asOfNs).append(" ns, wall ").append(Instant.ofEpochMilli(wallMillis))
            .append(" (epoch_ms ").append(wallMillis).append(")\n");
    }

    private void appendTableFull(final StringBuilder sb)
    {
        final Map<String, long[]> full = counters.tableFullByKind();
        if (!full.isEmpty())
        {
            line(sb).append("table full: not recorded, by kind:");
            String separator = " ";
            for (final Map.Entry<String, long[]> e : full.entrySet())
            {
                sb.append(separator).append(e.getKey()).append(' ').append(e.getValue()[0]).append(" (")
                    .append(e.getValue()[1]).append(" bytes)");
                separator = ", ";
            }
            sb.append("; raise max_records to record them\n");
        }
    }

    private void appendBufferPools(final StringBuilder sb)
    {
        final Map<String, Long> pools = MemoryFigures.jdkBufferPools();
        for (final String pool : MemoryFigures.POOLS)
        {
            if (pools.containsKey(pool + ".count"))
            {
                line(sb).append("jdk buffer pool ").append(pool).append(": count ").append(pools.get(pool + ".count"))
                    .append(", capacity ").append(pools.get(pool + ".totalCapacity"))
                    .append(", used ").append(pools.get(pool + ".memoryUsed")).append('\n');
            }
        }
        final Map<String, Long> atStart = counters.atStart();
        for (final String pool : MemoryFigures.POOLS)
        {
            if (atStart.containsKey(pool + ".count"))
            {
                line(sb).append("before start, jdk buffer pool ").append(pool).append(": count ")
                    .append(atStart.get(pool + ".count")).append(", used ").append(atStart.get(pool + ".memoryUsed"))
                    .append(" (allocated before page-owner started: never attributed)\n");
            }
        }
    }

    private static void appendProcess(final StringBuilder sb)
    {
        final Map<String, Long> process = MemoryFigures.processMemory();
        line(sb).append("process:");
        String separator = " ";
        for (final String key : new String[]{ "VmRSS", "Rss", "Anonymous" })
        {
            final Long value = process.get(key);
            sb.append(separator).append(key).append(' ').append(null == value ? "n/a" : value + " bytes");
            separator = ", ";
        }
        final long limit = CgroupMemory.limit();
        // NOTE: the limit the kernel's OOM killer enforces on a container, beside what is resident.
        sb.append(separator).append("cgroup memory limit ")
            .append(CgroupMemory.UNLIMITED == limit ? "none" : limit + " bytes").append('\n');
    }

    private static StringBuilder line(final StringBuilder sb)
    {
        return sb.append(PageOwnerFormat.TRAILER_PREFIX);
    }
}
