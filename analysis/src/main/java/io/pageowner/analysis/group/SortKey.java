package io.pageowner.analysis.group;

/**
 * Keys a group can be sorted on. The first eight are the kernel's {@code page_owner_sort} keys, with its long
 * and short names; the rest are ours.
 */
public enum SortKey
{
    /**
     * Number of records in the group ({@code -t}); no {@code --sort} name in the kernel.
     */
    TIMES("times", null),

    /**
     * Sum of 2^order over the group ({@code -m}); no {@code --sort} name in the kernel.
     */
    PAGES("pages", null),

    /**
     * Sum of the bytes over the group ({@code -b}); ours.
     */
    BYTES("bytes", null),

    /**
     * pid ({@code -p}, {@code pid}/{@code p}).
     */
    PID("pid", "p"),

    /**
     * tgid ({@code -P}, {@code tgid}/{@code tg}).
     */
    TGID("tgid", "tg"),

    /**
     * Command or thread name ({@code -n}, {@code name}/{@code n}).
     */
    NAME("name", "n"),

    /**
     * The record text after its header line ({@code -s}, {@code stacktrace}/{@code st}).
     */
    STACKTRACE("stacktrace", "st"),

    /**
     * The whole (normalised) record text ({@code txt}/{@code T}).
     */
    TXT("txt", "T"),

    /**
     * Allocation timestamp ({@code -a}, {@code alloc_ts}/{@code at}).
     */
    ALLOC_TS("alloc_ts", "at"),

    /**
     * Allocator bit set ({@code allocator}/{@code ator}).
     */
    ALLOCATOR("allocator", "ator"),

    /**
     * Kernel module of the first {@code [module]} in the text ({@code -M}, {@code module}/{@code mod}).
     */
    MODULE("module", "mod"),

    /**
     * The names in the mask's parentheses: allocation kinds in our dumps, gfp flags in the kernel's; ours.
     */
    KIND("kind", null),

    /**
     * The first stack frame outside the JDK; ours.
     */
    FRAME("frame", null);

    private final String longName;
    private final String shortName;

    SortKey(final String longName, final String shortName)
    {
        this.longName = longName;
        this.shortName = shortName;
    }

    /**
     * Name used in {@code --sort} and {@code --cull}.
     *
     * @return name used in {@code --sort} and {@code --cull}.
     */
    public String longName()
    {
        return longName;
    }

    /**
     * The bit of this key in {@link GroupOptions#cull()} and {@link GroupOptions#filter()}.
     *
     * @return its bit.
     */
    public int bit()
    {
        return 1 << ordinal();
    }

    /**
     * Find a key by its long or short name, exactly as typed (the kernel's names are case-sensitive).
     *
     * @param name as given on the command line.
     * @return the key or null if there is none of that name.
     */
    public static SortKey byName(final String name)
    {
        for (final SortKey key : values())
        {
            if (key.longName.equals(name) || (null != key.shortName && key.shortName.equals(name)))
            {
                return key;
            }
        }
        return null;
    }
}
