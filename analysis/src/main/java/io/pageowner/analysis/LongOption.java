package io.pageowner.analysis;

/**
 * The sorter's long options, in the kernel's {@code getopt_long} table order (which is the order ambiguous
 * prefixes list their possibilities in), then ours; each says whether it takes an argument.
 */
enum LongOption
{
    PID("pid", true),
    TGID("tgid", true),
    NAME("name", true),
    MODULE("module", true),
    CULL("cull", true),
    SORT("sort", true),
    HELP("help", false),
    KIND("kind", true),
    FORMAT("format", true),
    WEIGHT("weight", true),
    STRICT("strict", false),
    SHOW_BYTES("show-bytes", false),
    UNWEIGHTED("unweighted", false),
    MIN_AGE("min-age", true),
    MAX_AGE("max-age", true);

    private static final LongOption[] OPTIONS = values();

    private final String longName;
    private final boolean hasArgument;

    LongOption(final String longName, final boolean hasArgument)
    {
        this.longName = longName;
        this.hasArgument = hasArgument;
    }

    /**
     * Name as typed after {@code --}.
     *
     * @return name as typed after {@code --}.
     */
    String longName()
    {
        return longName;
    }

    /**
     * Whether the option takes an argument ({@code --cull=st} or {@code --cull st}).
     *
     * @return whether the option takes an argument.
     */
    boolean hasArgument()
    {
        return hasArgument;
    }

    /**
     * Find an option by its name or, as {@code getopt_long} does, by any prefix of exactly one name.
     *
     * @param typed name after {@code --}, without any {@code =value}.
     * @return the option.
     * @throws UsageException if no option or more than one starts with it.
     */
    static LongOption find(final String typed) throws UsageException
    {
        for (final LongOption option : OPTIONS)
        {
            if (option.longName.equals(typed))
            {
                return option;
            }
        }
        LongOption found = null;
        boolean ambiguous = false;
        final StringBuilder candidates = new StringBuilder();
        for (final LongOption option : OPTIONS)
        {
            if (!typed.isEmpty() && option.longName.startsWith(typed))
            {
                candidates.append(" '--").append(option.longName).append('\'');
                ambiguous |= null != found;
                found = option;
            }
        }
        if (ambiguous)
        {
            throw new UsageException("option '--" + typed + "' is ambiguous; possibilities:" + candidates, true);
        }
        if (null == found)
        {
            throw new UsageException("unrecognized option '--" + typed + "'", true);
        }
        return found;
    }
}
