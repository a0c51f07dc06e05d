package io.pageowner.analysis.group;

/**
 * Whether a dump is sampled, and how a run shows its figures.
 * <p>
 * The agent's sampled mode ({@code sample=<bytes>}) records an allocation of s bytes with probability
 * p = 1 - exp(-s/P) for a mean interval of P bytes, and writes {@code weight=1/p} into the flags of its PFN line: the
 * number of allocations the record stands for. A dump is sampled when any record carries a weight or its trailer has
 * a {@code # sampling:} line. The figures of a group of a sampled dump are then estimates: times is the sum of the
 * weights, pages the sum of weight &times; 2^order and bytes the sum of weight &times; bytes, rounded to the nearest
 * integer when printed. With {@code --unweighted} they are the plain sums over the samples. A record of a sampled
 * dump without a weight counts as one allocation (weight 1), and a warning says how many there were.
 */
public final class Sampling
{
    /**
     * An unsampled dump: every figure exact, output as the kernel tool's.
     */
    public static final Sampling NONE = new Sampling(false, -1, false, 0, 0, 0);

    private final boolean sampled;
    private final long interval;
    private final boolean unweighted;
    private final long samples;
    private final long missingWeights;
    private final long firstMissingWeight;

    /**
     * What a run knows about sampling.
     *
     * @param sampled            whether the dump is sampled.
     * @param interval           mean sampling interval in bytes from the trailer, or -1 if it gave none.
     * @param unweighted         whether {@code --unweighted} asks for the sample counts.
     * @param samples            records that passed the filters: the samples the figures rest on.
     * @param missingWeights     of those, records without a weight, counted as weight 1.
     * @param firstMissingWeight line of the first of them.
     */
    public Sampling(
        final boolean sampled, final long interval, final boolean unweighted, final long samples,
        final long missingWeights, final long firstMissingWeight)
    {
        this.sampled = sampled;
        this.interval = interval;
        this.unweighted = unweighted;
        this.samples = samples;
        this.missingWeights = missingWeights;
        this.firstMissingWeight = firstMissingWeight;
    }

    /**
     * Whether the dump is sampled.
     *
     * @return whether the dump is sampled.
     */
    public boolean sampled()
    {
        return sampled;
    }

    /**
     * Whether the figures are estimates: a sampled dump counted with its weights.
     *
     * @return whether times, pages and bytes are estimates.
     */
    public boolean estimated()
    {
        return sampled && !unweighted;
    }

    /**
     * Mean sampling interval in bytes, as the trailer gave it.
     *
     * @return the interval, or -1 if the trailer gave none.
     */
    public long interval()
    {
        return interval;
    }

    /**
     * Samples the figures rest on: the records that passed the filters.
     *
     * @return the number of samples.
     */
    public long samples()
    {
        return samples;
    }

    /**
     * Records of a sampled dump that had no weight and were counted as weight 1.
     *
     * @return the number of records without a weight.
     */
    public long missingWeights()
    {
        return missingWeights;
    }

    /**
     * Line of the first record without a weight.
     *
     * @return its line, or 0 if there is none.
     */
    public long firstMissingWeight()
    {
        return firstMissingWeight;
    }

    /**
     * Times of a group as printed: the rounded estimate, or the count.
     *
     * @param group of the run.
     * @return its times.
     */
    public long times(final Group group)
    {
        return estimated() ? round(group.estimatedTimes()) : group.times;
    }

    /**
     * Pages of a group as printed: the rounded estimate, or the sum.
     *
     * @param group of the run.
     * @return its pages.
     */
    public long pages(final Group group)
    {
        return estimated() ? round(group.estimatedPages()) : group.pages;
    }

    /**
     * Bytes of a group as printed: the rounded estimate, or the sum.
     *
     * @param group of the run.
     * @return its bytes.
     */
    public long bytes(final Group group)
    {
        return estimated() ? round(group.estimatedBytes()) : group.bytes;
    }

    /**
     * An estimate rounded to the nearest integer, halves up ({@code 7.5} is 8), at most {@link Long#MAX_VALUE}.
     *
     * @param estimate not negative.
     * @return the rounded value.
     */
    public static long round(final double estimate)
    {
        return Math.round(estimate);
    }

    /**
     * {@code (N samples)} or {@code (1 sample)}.
     *
     * @param samples count.
     * @return the text.
     */
    public static String samplesText(final long samples)
    {
        return "(" + samples(samples) + ")";
    }

    /**
     * {@code N samples} or {@code 1 sample}.
     *
     * @param samples count.
     * @return the text.
     */
    public static String samples(final long samples)
    {
        return samples + (samples == 1 ? " sample" : " samples");
    }

    /**
     * The statement that opens the output of a sampled dump, without a line end: what the figures are, and how
     * many samples they rest on. It never ends in a digit, so flame graph tools skip it as a line without a count.
     *
     * @param what the figures of the format, e.g. {@code "figures marked ~"}.
     * @return the statement, starting with {@code # sampled dump}.
     */
    public String statement(final String what)
    {
        final StringBuilder text = new StringBuilder("# sampled dump (");
        text.append(interval > 0 ? "mean interval " + interval + " bytes" : "interval not given in the trailer");
        text.append("): ");
        if (estimated())
        {
            text.append(what).append(" are estimates for all allocations, from sums of weight=1/p over ")
                .append(samples(samples)).append("; --unweighted counts the samples instead");
        }
        else
        {
            text.append("--unweighted: times, pages and bytes count the ").append(samples(samples))
                .append(" themselves, not the allocations they stand for");
        }
        if (missingWeights > 0 && estimated())
        {
            text.append("; ").append(missingWeights).append(missingWeights == 1 ? " record" : " records")
                .append(" without weight= counted as one allocation each");
        }
        return text.toString();
    }
}
