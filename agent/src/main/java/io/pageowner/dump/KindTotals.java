package io.pageowner.dump;

import io.pageowner.instrument.Kind;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Live records and bytes per kind bit, summed by scanning the table when a dump or a JMX client
 * asks: the allocation path keeps no per-kind counter, so it pays nothing for these figures. A
 * record counts under each of its bits, so {@code NIO_TEMP} records also count under their kind.
 */
public final class KindTotals
{
    private final long[] records = new long[Kind.BITS];
    private final long[] bytes = new long[Kind.BITS];

    /**
     * Sums a table's live records.
     *
     * @param table to scan (best effort, writers keep going).
     * @return the totals.
     */
    public static KindTotals scan(final OwnerTable table)
    {
        final KindTotals totals = new KindTotals();
        table.forEach((final OwnerRecord record) -> totals.add(record.kind(), record.size()));
        return totals;
    }

    /**
     * Counts one record.
     *
     * @param kind  its kind bits.
     * @param size  its size in bytes.
     */
    public void add(final int kind, final long size)
    {
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
