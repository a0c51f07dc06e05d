package io.pageowner.analysis.group;

/**
 * What the group stage reads of the command line: how to filter, cull and sort, and how strictly to read.
 */
public interface GroupOptions
{
    /**
     * Keys to sort on, most significant first.
     *
     * @return keys to sort on.
     */
    public SortKey[] sortKeys();

    /**
     * Sign of each sort key: 1 ascending, -1 descending.
     *
     * @return sign of each sort key.
     */
    public int[] sortSigns();

    /**
     * Whether the {@code ts} digits stay in the text: only when the first sort key is the allocation time.
     *
     * @return whether timestamps are kept in the grouped text.
     */
    public boolean keepTimestamps();

    /**
     * Cull keys as {@link SortKey#bit()} bits; 0 groups by the whole text.
     *
     * @return cull keys as bits.
     */
    public int cull();

    /**
     * Filters given, as {@link SortKey#bit()} bits.
     *
     * @return filters given, as bits.
     */
    public int filter();

    /**
     * pids of {@code --pid}.
     *
     * @return pids of {@code --pid}.
     */
    public int[] pids();

    /**
     * tgids of {@code --tgid}.
     *
     * @return tgids of {@code --tgid}.
     */
    public int[] tgids();

    /**
     * Command names of {@code --name}, as raw bytes in ISO-8859-1 chars.
     *
     * @return command names of {@code --name}.
     */
    public String[] names();

    /**
     * Modules of {@code --module}, as raw bytes in ISO-8859-1 chars.
     *
     * @return modules of {@code --module}.
     */
    public String[] modules();

    /**
     * Kinds of {@code --kind}, matched without regard to case.
     *
     * @return kinds of {@code --kind}.
     */
    public String[] kinds();

    /**
     * Kinds of {@code --kind} given as {@code ^NAME}: records whose mask names one of them are left out.
     *
     * @return kinds left out, one char per byte.
     */
    public String[] notKinds();

    /**
     * Whether a sampled dump's records count as one each ({@code --unweighted}) rather than by their weight.
     *
     * @return whether sample counts are used instead of estimates.
     */
    public boolean unweighted();

    /**
     * Whether the first damaged record ends the run ({@code --strict}).
     *
     * @return whether damage is fatal.
     */
    public boolean strict();

    /**
     * Whether every problem is printed as it is found ({@code -d}).
     *
     * @return whether debug output is on.
     */
    public boolean debug();

    /**
     * Records younger than this are left out ({@code --min-age}); ages are counted from the dump's time.
     *
     * @return the least age in ns, or -1 for none.
     */
    default long minAge()
    {
        return -1;
    }

    /**
     * Records older than this are left out ({@code --max-age}).
     *
     * @return the greatest age in ns, or -1 for none.
     */
    default long maxAge()
    {
        return -1;
    }
}
