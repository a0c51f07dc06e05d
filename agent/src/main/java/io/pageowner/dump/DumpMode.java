package io.pageowner.dump;

import io.pageowner.table.LiveSizes;

/**
 * Whether a dump holds every live allocation or a sample of them, with what a sampled dump needs to weigh its
 * records and to give exact totals.
 */
public final class DumpMode
{
    /**
     * Full mode: every live allocation has its record, and no record carries a weight.
     */
    public static final DumpMode FULL = new DumpMode(0, null);

    private final long sampleBytes;
    private final LiveSizes liveSizes;

    private DumpMode(final long sampleBytes, final LiveSizes liveSizes)
    {
        this.sampleBytes = sampleBytes;
        this.liveSizes = liveSizes;
    }

    /**
     * Sampled mode: records are samples, each weighed by the sampling interval, and the exact totals of every
     * live allocation come from its live-size index.
     *
     * @param sampleBytes the mean sampling interval in bytes, above 0.
     * @param liveSizes   every live block, sampled or not.
     * @return the mode.
     * @throws IllegalArgumentException if sampleBytes is not above 0 or liveSizes is null.
     */
    public static DumpMode sampled(final long sampleBytes, final LiveSizes liveSizes)
    {
        if (sampleBytes <= 0 || null == liveSizes)
        {
            throw new IllegalArgumentException(
                "sampled mode needs an interval above 0 and a live-size index: " + sampleBytes + ", " + liveSizes);
        }

        return new DumpMode(sampleBytes, liveSizes);
    }

    /**
     * Are records samples.
     *
     * @return true in sampled mode.
     */
    public boolean isSampled()
    {
        return sampleBytes > 0;
    }

    /**
     * The mean sampling interval records are weighed by.
     *
     * @return bytes, above 0 in sampled mode and 0 in full mode.
     */
    public long sampleBytes()
    {
        return sampleBytes;
    }

    /**
     * Every live block, sampled or not, for the exact totals of a sampled dump.
     *
     * @return the index in sampled mode.
     * @throws IllegalStateException in full mode, which has none.
     */
    public LiveSizes liveSizes()
    {
        if (null == liveSizes)
        {
            throw new IllegalStateException("full mode has no live-size index");
        }

        return liveSizes;
    }

    /**
     * How many allocations a record of this size stands for.
     *
     * @param size of the record in bytes.
     * @return its weight in sampled mode, see {@link PageOwnerFormat#weight(long, long)}; 1 in full mode.
     */
    public double weight(final long size)
    {
        return sampleBytes > 0 ? PageOwnerFormat.weight(size, sampleBytes) : 1;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return sampleBytes > 0 ? "sampled(" + sampleBytes + ")" : "full";
    }
}
