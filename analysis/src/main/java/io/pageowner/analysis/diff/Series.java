package io.pageowner.analysis.diff;

import io.pageowner.analysis.group.Group;
import io.pageowner.analysis.group.Sampling;
import io.pageowner.analysis.output.HtmlWriter;
import io.pageowner.analysis.output.OutputOptions;
import io.pageowner.analysis.parse.StackText;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live bytes of each stack over a series of dumps, for {@code leaks}: one row per key, one column per dump.
 * Memory grows with keys &times; dumps, never with records: each dump is folded in as soon as it is read.
 */
public final class Series
{
    private final int dumps;
    private final OutputOptions options;
    private final boolean estimated;
    private final Map<String, Row> rows = new HashMap<>();
    private int added;

    /**
     * An empty series.
     *
     * @param dumps     how many dumps will be added.
     * @param options   of the run: the cull keys make the text of each key.
     * @param estimated whether figures are the estimates of sampled dumps.
     */
    public Series(final int dumps, final OutputOptions options, final boolean estimated)
    {
        this.dumps = dumps;
        this.options = options;
        this.estimated = estimated;
    }

    /**
     * Fold in the groups of the next dump.
     *
     * @param groups  of the dump.
     * @param dumpTs  its time on its records' clock, or -1 if unknown (then ages are unknown).
     */
    public void add(final Group[] groups, final long dumpTs)
    {
        final int column = added++;
        for (final Group group : groups)
        {
            final String key = Growths.key(group, options.cull());
            final Row row = rows.computeIfAbsent(key, k -> new Row(k, group.stack.bytes, dumps));
            row.bytes[column] = Sampling.round(estimated ? group.estimatedBytes() : group.bytes);
            row.records = Sampling.round(estimated ? group.estimatedTimes() : group.times);
            row.oldestAge = dumpTs < 0 ? -1 : Long.compareUnsigned(group.minTimestamp, dumpTs) >= 0 ? 0 :
                dumpTs - group.minTimestamp;
            row.lastColumn = column;
            row.frame = group.stack.topFrame();
            row.text = group.stack;
            row.kind = group.header.kind;
        }
    }

    /**
     * The suspects: keys present in the last dump whose live bytes grew from one dump to the next in most
     * intervals (more than half) and grew in all from the first dump to the last. A key that is large but flat
     * never qualifies. Most likely first: the larger share of growing intervals, then the larger growth.
     *
     * @return the suspects.
     */
    public List<Row> suspects()
    {
        final int intervals = dumps - 1;
        final List<Row> result = new ArrayList<>();
        for (final Row row : rows.values())
        {
            int grew = 0;
            for (int i = 1; i < dumps; i++)
            {
                grew += row.bytes[i] > row.bytes[i - 1] ? 1 : 0;
            }
            row.grewIn = grew;
            if (row.lastColumn == dumps - 1 && grew * 2 > intervals && row.growth() > 0)
            {
                result.add(row);
            }
        }
        result.sort(Comparator.comparingInt((Row r) -> r.grewIn).reversed()
            .thenComparing(Comparator.comparingLong(Row::growth).reversed())
            .thenComparing(r -> r.key));
        return result;
    }

    /**
     * One key's figures over the series.
     */
    public static final class Row
    {
        final String key;
        final byte[] stack;
        final long[] bytes;
        long records;
        long oldestAge = -1;
        int lastColumn = -1;
        int grewIn;
        String frame;
        StackText text;
        String kind;

        Row(final String key, final byte[] stack, final int dumps)
        {
            this.key = key;
            this.stack = stack;
            this.bytes = new long[dumps];
        }

        /**
         * Live bytes in the last dump less those in the first.
         *
         * @return the growth.
         */
        public long growth()
        {
            return bytes[bytes.length - 1] - bytes[0];
        }

        /**
         * Intervals in which the live bytes grew.
         *
         * @return how many.
         */
        public int grewIn()
        {
            return grewIn;
        }

        /**
         * Live bytes in each dump.
         *
         * @return a copy, one per dump.
         */
        public long[] bytes()
        {
            return bytes.clone();
        }

        /**
         * Records (estimated allocations for a sampled dump) in the last dump.
         *
         * @return the records.
         */
        public long records()
        {
            return records;
        }

        /**
         * Age of the oldest live record in the last dump.
         *
         * @return ns, or -1 if the dump does not state its time.
         */
        public long oldestAge()
        {
            return oldestAge;
        }

        /**
         * The stack as in the dump.
         *
         * @return its bytes.
         */
        public byte[] stack()
        {
            return stack.clone();
        }

        /**
         * The stack's frames, innermost first, decoded for display.
         *
         * @return the frames.
         */
        public String[] frames()
        {
            final String[] frames = text.frames().clone();
            for (int i = 0; i < frames.length; i++)
            {
                frames[i] = HtmlWriter.decode(frames[i]);
            }
            return frames;
        }

        /**
         * The kind names of the last dump's group, as its mask shows them.
         *
         * @return e.g. {@code DIRECT|NIO_TEMP}, one char per byte.
         */
        public String kind()
        {
            return kind;
        }

        /**
         * The first application frame.
         *
         * @return the frame.
         */
        public String frame()
        {
            return frame;
        }
    }
}
