package io.pageowner.dump;

import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTableReader;
import org.agrona.collections.Int2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * Live pages per allocating stack, as the kernel's {@code page_owner_stacks/show_stacks} counts them: the sum of
 * 2^order over a stack's live records (each times its weight in sampled mode), summed by one scan of the table,
 * stacks with the most pages first.
 */
public final class StackTotals
{
    // NOTE: {stack id, pages}, most pages first, then lowest stack id.
    private final List<long[]> stacksByPages;
    private final long samples;

    private StackTotals(final List<long[]> stacksByPages, final long samples)
    {
        this.stacksByPages = stacksByPages;
        this.samples = samples;
    }

    /**
     * Sums a table's live records by stack.
     *
     * @param table     to scan (best effort, writers keep going).
     * @param mode      whose weights count each record in sampled mode.
     * @param threshold stacks with fewer pages are left out, like the kernel's {@code count_threshold}; at least 1
     *                  is used.
     * @param asOf      records stamped later than this (made after the scan started) are left out, as a dump
     *                  leaves them out.
     * @return the totals.
     */
    public static StackTotals scan(
        final OwnerTableReader table, final DumpMode mode, final long threshold, final long asOf)
    {
        return scan(List.of(table), mode, threshold, asOf);
    }

    /**
     * Sums several tables' live records by stack, a stack found in more than one summed over all: the main table
     * and the pools' ({@code POOLED} buffers, owned by the stack that acquired them while their chunk is owned by
     * the one that grew the pool, as in a dump).
     *
     * @param tables    to scan, one after the other.
     * @param mode      whose weights count each record in sampled mode.
     * @param threshold stacks with fewer pages are left out; at least 1 is used.
     * @param asOf      records stamped later than this are left out.
     * @return the totals.
     */
    public static StackTotals scan(
        final List<? extends OwnerTableReader> tables, final DumpMode mode, final long threshold, final long asOf)
    {
        final Int2ObjectHashMap<double[]> byStack = new Int2ObjectHashMap<>();
        final long[] samples = new long[1];
        final OwnerRecord flyweight = new OwnerRecord();
        for (final OwnerTableReader table : tables)
        {
            sum(table, flyweight, mode, asOf, byStack, samples);
        }
        // NOTE: the map's own entries are flyweights, so they are copied out.
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
        return new StackTotals(stacksByPages, samples[0]);
    }

    private static void sum(
        final OwnerTableReader table,
        final OwnerRecord flyweight,
        final DumpMode mode,
        final long asOf,
        final Int2ObjectHashMap<double[]> byStack,
        final long[] samples)
    {
        table.forEach(flyweight, (final OwnerRecord record) ->
        {
            if (record.timestampNs() > asOf)
            {
                return;
            }
            double[] totals = byStack.get(record.stackId());
            if (null == totals)
            {
                totals = new double[1];
                byStack.put(record.stackId(), totals);
            }
            totals[0] += mode.weight(record.size()) * (1L << record.order());
            samples[0]++;
        });
    }

    /**
     * Stacks at or above the threshold.
     *
     * @return the number of stacks.
     */
    public int size()
    {
        return stacksByPages.size();
    }

    /**
     * The stack at a rank.
     *
     * @param index from 0, the stack with the most pages, to {@link #size()} - 1.
     * @return its stack depot id.
     */
    public int stackId(final int index)
    {
        return (int)stacksByPages.get(index)[0];
    }

    /**
     * The pages of the stack at a rank.
     *
     * @param index from 0, the stack with the most pages, to {@link #size()} - 1.
     * @return its nr_base_pages, rounded in sampled mode.
     */
    public long pages(final int index)
    {
        return stacksByPages.get(index)[1];
    }

    /**
     * Records scanned, whatever their stack's pages.
     *
     * @return the number of records the totals sum.
     */
    public long samples()
    {
        return samples;
    }
}
