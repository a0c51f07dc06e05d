package io.pageowner.dump;

import io.pageowner.depot.StackDepot;
import io.pageowner.record.Kind;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTableReader;
import org.agrona.collections.Int2ObjectHashMap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The live totals of every allocating stack at one instant, as NMT's {@code baseline} keeps them: times (records,
 * or their estimated allocations in sampled mode), pages (2^order each, as the kernel counts) and bytes, keyed by
 * the stack's text, so a baseline costs memory by the number of stacks, not of records, and survives a
 * {@code clear()} of the depot's ids. Two of them make the growth that {@code diff <pid>} prints, in exactly the
 * text form {@code java -jar page-owner.jar diff OLD NEW} gives for two dumps taken at the same instants (stacks
 * culled, largest growth in bytes first). The tool's own records ({@link Kind#TOOL}: the JMX connection that asks
 * for the diff) are left out.
 */
public final class StackBaseline
{
    private final Map<String, double[]> byStack;
    private final long asOfNs;
    private final long wallMillis;
    private final boolean sampled;
    private final long samples;

    private StackBaseline(
        final Map<String, double[]> byStack, final long asOfNs, final long wallMillis, final boolean sampled,
        final long samples)
    {
        this.byStack = byStack;
        this.asOfNs = asOfNs;
        this.wallMillis = wallMillis;
        this.sampled = sampled;
        this.samples = samples;
    }

    /**
     * Sums the live records of tables by stack, in one pass each.
     *
     * @param tables     to scan (best effort, writers keep going): the main table, and the pools' if any.
     * @param stacks     the depot that holds the records' stacks.
     * @param mode       whose weights count each record in sampled mode.
     * @param asOf       records stamped later than this are left out, as a dump leaves them out.
     * @param wallMillis the wall clock at {@code asOf}.
     * @return the totals.
     */
    public static StackBaseline scan(
        final List<OwnerTableReader> tables,
        final StackDepot stacks,
        final DumpMode mode,
        final long asOf,
        final long wallMillis)
    {
        final Int2ObjectHashMap<double[]> byId = new Int2ObjectHashMap<>();
        final long[] samples = new long[1];
        for (final OwnerTableReader table : tables)
        {
            table.forEach(new OwnerRecord(), (final OwnerRecord record) ->
            {
                if (record.timestampNs() > asOf || 0 != (record.kind() & Kind.TOOL))
                {
                    return;
                }
                double[] totals = byId.get(record.stackId());
                if (null == totals)
                {
                    totals = new double[4];
                    byId.put(record.stackId(), totals);
                }
                final double weight = mode.weight(record.size());
                totals[0] += weight;
                totals[1] += weight * (1L << record.order());
                totals[2] += weight * record.size();
                totals[3]++;
                samples[0]++;
            });
        }
        // NOTE: ids of different stacks never share a text, but a text is summed in case the depot ever repeats one.
        final Map<String, double[]> byStack = new HashMap<>(byId.size() * 2);
        byId.forEachInt((stackId, totals) -> byStack.merge(text(stacks.frames(stackId)), totals.clone(),
            (a, b) ->
            {
                for (int i = 0; i < a.length; i++)
                {
                    a[i] += b[i];
                }
                return a;
            }));
        return new StackBaseline(byStack, asOf, wallMillis, mode.isSampled(), samples[0]);
    }

    /**
     * A stack as a dump writes it, one char per byte of its UTF-8 text, as {@code diff} reads it: so that stacks
     * order as they do there.
     */
    private static String text(final String[] frames)
    {
        final StringBuilder sb = new StringBuilder(frames.length * 64);
        for (final String frame : frames)
        {
            sb.append(' ').append(frame).append('\n');
        }
        return new String(sb.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /**
     * Distinct stacks.
     *
     * @return how many.
     */
    public int stacks()
    {
        return byStack.size();
    }

    /**
     * Records summed (samples in sampled mode).
     *
     * @return how many.
     */
    public long records()
    {
        return samples;
    }

    /**
     * Live bytes summed (estimated in sampled mode), rounded.
     *
     * @return bytes.
     */
    public long bytes()
    {
        double bytes = 0;
        for (final double[] totals : byStack.values())
        {
            bytes += totals[2];
        }
        return Math.round(bytes);
    }

    /**
     * The instant of the scan, on the records' clock.
     *
     * @return ns since the agent's zero.
     */
    public long asOfNs()
    {
        return asOfNs;
    }

    /**
     * Writes the growth from an older baseline to this one, as {@code diff}'s text form: {@code #} lines, then a
     * block per changed stack, headed {@code +N times, +M pages, +B bytes} with every sign written and
     * {@code , new} or {@code , vanished}, then the stack and an empty line; largest growth in bytes first, ties in
     * the stacks' byte order. In sampled mode each figure is an estimate, marked {@code ~}, with the samples.
     *
     * @param older the baseline.
     * @param out   to write to.
     * @return the number of changed stacks.
     * @throws IOException if writing fails.
     */
    public int writeGrowth(final StackBaseline older, final Appendable out) throws IOException
    {
        final Set<String> keys = new HashSet<>(older.byStack.keySet());
        keys.addAll(byStack.keySet());
        final List<Object[]> growths = new ArrayList<>(keys.size());
        long times = 0;
        long pages = 0;
        long bytes = 0;
        int created = 0;
        int vanished = 0;
        int unchanged = 0;
        for (final String key : keys)
        {
            final double[] before = older.byStack.getOrDefault(key, new double[4]);
            final double[] now = byStack.getOrDefault(key, new double[4]);
            final long[] change = {
                Math.round(now[0] - before[0]), Math.round(now[1] - before[1]), Math.round(now[2] - before[2]) };
            times += change[0];
            pages += change[1];
            bytes += change[2];
            final int state = !older.byStack.containsKey(key) ? 1 : !byStack.containsKey(key) ? 2 : 0;
            created += 1 == state ? 1 : 0;
            vanished += 2 == state ? 1 : 0;
            if (0 == change[0] && 0 == change[1] && 0 == change[2])
            {
                unchanged++;
                continue;
            }
            growths.add(new Object[]{ key, change, state, (long)before[3], (long)now[3] });
        }
        growths.sort((a, b) ->
        {
            final int byBytes = Long.compare(((long[])b[1])[2], ((long[])a[1])[2]);
            return 0 != byBytes ? byBytes : ((String)a[0]).compareTo((String)b[0]);
        });
        final String mark = sampled ? "~" : "";
        out.append("# diff baseline").append(when(older)).append(" -> now").append(when(this)).append('\n');
        out.append("# total: ").append(mark).append(signed(times)).append(" times, ").append(mark)
            .append(signed(pages)).append(" pages, ").append(mark).append(signed(bytes)).append(" bytes; ")
            .append(Integer.toString(keys.size())).append(" groups: ").append(Integer.toString(keys.size() - unchanged))
            .append(" changed (").append(Integer.toString(created)).append(" new, ")
            .append(Integer.toString(vanished)).append(" vanished), ").append(Integer.toString(unchanged))
            .append(" unchanged and not listed\n");
        if (sampled)
        {
            out.append("# sampled mode: figures marked ~ are estimates for all allocations, from sums of weight=1/p ")
                .append("over ").append(Long.toString(older.samples)).append(" samples (baseline) and ")
                .append(Long.toString(samples)).append(" (now)\n");
        }
        out.append("# page-owner's own records (kind TOOL) are left out\n\n");
        for (final Object[] growth : growths)
        {
            final long[] change = (long[])growth[1];
            out.append(mark).append(signed(change[0])).append(" times, ").append(mark).append(signed(change[1]))
                .append(" pages, ").append(mark).append(signed(change[2])).append(" bytes");
            if (sampled)
            {
                out.append(" (samples ").append(growth[3].toString()).append(" -> ").append(growth[4].toString())
                    .append(')');
            }
            final int state = (Integer)growth[2];
            out.append(1 == state ? ", new" : 2 == state ? ", vanished" : "").append(":\n");
            out.append(new String(((String)growth[0]).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
                .append('\n');
        }
        return growths.size();
    }

    private static String when(final StackBaseline baseline)
    {
        return " (taken at ts " + baseline.asOfNs + " ns, " + Instant.ofEpochMilli(baseline.wallMillis) + ")";
    }

    private static String signed(final long value)
    {
        return value < 0 ? Long.toString(value) : "+" + value;
    }
}
