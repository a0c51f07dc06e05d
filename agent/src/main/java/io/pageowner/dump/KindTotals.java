package io.pageowner.dump;

import io.pageowner.record.Kind;
import io.pageowner.record.PoolLive;
import io.pageowner.record.Recorder;
import io.pageowner.table.LiveSizes;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTableReader;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Live records and bytes per kind bit, summed by scanning the table when a dump or a JMX client
 * asks: the allocation path keeps no per-kind counter, so it pays nothing for these figures. A
 * record counts under each of its bits, so {@code NIO_TEMP} records also count under their kind.
 * In sampled mode the exact figures come from {@link LiveSizes}, which holds every live block,
 * sampled or not ({@link #scan(LiveSizes, int)}).
 */
public final class KindTotals
{
    private final long[] records = new long[Kind.BITS];
    private final long[] bytes = new long[Kind.BITS];
    private long count;
    private long totalBytes;
    private long pages;
    private long sampled;

    /**
     * The live totals a user is shown (the MBean, JFR's summary): a recorder's table in full mode, its index of every
     * live block in sampled mode, and the per-kind figures of its pools' recorder, if any.
     *
     * @param recorder the agent's recorder.
     * @return the totals.
     */
    public static KindTotals live(final Recorder recorder)
    {
        final KindTotals totals = scan(recorder);
        if (null != recorder.pools())
        {
            // NOTE: POOLED joins the per-kind figures only: its bytes lie inside chunks counted already.
            totals.addKinds(scan(recorder.pools()));
        }
        return totals;
    }

    private static KindTotals scan(final Recorder of)
    {
        final PoolLive live = of.poolLive();
        if (null != live)
        {
            return pooled(live);
        }
        return null == of.liveSizes() ? scan(of.table()) : scan(of.liveSizes(), of.table().pageShift());
    }

    /**
     * The exact live totals of a recorder: its table in full mode, its index of every live block in sampled mode,
     * or, for the pools' recorder on sampled mode's cheap path, the counts it keeps.
     *
     * @param of the recorder.
     * @return the totals.
     */
    public static KindTotals exact(final Recorder of)
    {
        return scan(of);
    }

    /**
     * The pools' totals on sampled mode's cheap path: every live buffer is {@code POOLED}; pages are not counted
     * there (no address is read), and the pooled trailer line does not show them.
     *
     * @param live the pools' counts.
     * @return the totals.
     */
    static KindTotals pooled(final PoolLive live)
    {
        final KindTotals totals = new KindTotals();
        final long count = live.count();
        final long bytes = live.bytes();
        final int bit = Integer.numberOfTrailingZeros(Kind.POOLED);
        totals.count = count;
        totals.totalBytes = bytes;
        totals.records[bit] = count;
        totals.bytes[bit] = bytes;
        return totals;
    }

    /**
     * Sums a table's live records.
     *
     * @param table to scan (best effort, writers keep going).
     * @return the totals.
     */
    public static KindTotals scan(final OwnerTableReader table)
    {
        final KindTotals totals = new KindTotals();
        table.forEach((final OwnerRecord record) -> totals.add(record.kind(), record.size(), record.pageCount()));
        return totals;
    }

    /**
     * Sums every live block of sampled mode: exact counts, bytes and pages, and how many are sampled.
     *
     * @param sizes     the live blocks.
     * @param pageShift log2 of the page size.
     * @return the totals.
     */
    public static KindTotals scan(final LiveSizes sizes, final int pageShift)
    {
        final KindTotals totals = new KindTotals();
        sizes.forEach((address, value) ->
        {
            final int kind = LiveSizes.kind(value);
            if (0 == kind)
            {
                // NOTE: the agent's own blocks are indexed with no kind: not the application's memory.
                return;
            }
            final long size = LiveSizes.size(value);
            totals.add(kind, size, OwnerRecord.pageCount(address, size, pageShift));
            if (LiveSizes.sampled(value))
            {
                totals.sampled++;
            }
        });
        return totals;
    }

    /**
     * Live blocks counted.
     *
     * @return the count.
     */
    public long count()
    {
        return count;
    }

    /**
     * Live bytes counted.
     *
     * @return the sum of sizes.
     */
    public long totalBytes()
    {
        return totalBytes;
    }

    /**
     * Pages the live blocks span, each block's counted on its own.
     *
     * @return the sum of page counts.
     */
    public long pages()
    {
        return pages;
    }

    /**
     * Live blocks that were sampled, from {@link #scan(LiveSizes, int)}.
     *
     * @return the count.
     */
    public long sampled()
    {
        return sampled;
    }

    /**
     * Counts one record.
     *
     * @param kind  its kind bits.
     * @param size  its size in bytes.
     * @param pages the pages it spans.
     */
    public void add(final int kind, final long size, final long pages)
    {
        count++;
        totalBytes += size;
        this.pages += pages;
        for (int bit = 0; bit < Kind.BITS; bit++)
        {
            if (0 != (kind & (1 << bit)))
            {
                records[bit]++;
                bytes[bit] += size;
            }
        }
    }

    /**
     * Adds another table's per-kind figures to this one's, leaving the overall count, bytes and pages alone:
     * the pools' buffers lie inside chunks already counted there.
     *
     * @param other the pools' totals.
     */
    public void addKinds(final KindTotals other)
    {
        for (int bit = 0; bit < Kind.BITS; bit++)
        {
            records[bit] += other.records[bit];
            bytes[bit] += other.bytes[bit];
        }
    }

    /**
     * Live records with a kind bit.
     *
     * @param kind one kind bit, e.g. {@link Kind#DIRECT}.
     * @return the count.
     */
    public long records(final int kind)
    {
        return records[Integer.numberOfTrailingZeros(kind)];
    }

    /**
     * Bytes of the live records with a kind bit.
     *
     * @param kind one kind bit, e.g. {@link Kind#DIRECT}.
     * @return the total size.
     */
    public long bytes(final int kind)
    {
        return bytes[Integer.numberOfTrailingZeros(kind)];
    }

    /**
     * Records per kind name, every kind listed.
     *
     * @return e.g. {@code UNSAFE=4, DIRECT=2, ...}.
     */
    public Map<String, Long> recordsByName()
    {
        return byName(records);
    }

    /**
     * Bytes per kind name, every kind listed.
     *
     * @return e.g. {@code UNSAFE=57467, DIRECT=8192, ...}.
     */
    public Map<String, Long> bytesByName()
    {
        return byName(bytes);
    }

    private static Map<String, Long> byName(final long[] values)
    {
        final Map<String, Long> result = new LinkedHashMap<>();
        for (int bit = 0; bit < Kind.BITS; bit++)
        {
            result.put(Kind.name(bit), values[bit]);
        }
        return result;
    }
}
