package io.pageowner.analysis;

import io.pageowner.analysis.group.SortKey;
import io.pageowner.analysis.output.CollapsedWeight;
import io.pageowner.analysis.output.OutputOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sorter's command line, parsed the way the kernel's {@code page_owner_sort} parses it with
 * {@code getopt_long}: short options may be bundled ({@code -md}), long options take their argument as
 * {@code --cull=st} or {@code --cull st} and may be shortened to any unambiguous prefix, options and operands may
 * be mixed, and {@code --} ends the options.
 * <p>
 * As in the kernel, at most one of the single-key sort options may be given and it replaces any {@code --sort};
 * {@code --cull} without an earlier {@code --sort} sorts by times.
 * <p>
 * Longer than 600 lines because it is the one parser of the options {@code sort}, {@code diff} and {@code top}
 * share ({@link #parseAny(String[])}), so the three commands read every option the same way.
 */
final class SortOptions implements OutputOptions
{
    /**
     * Output formats.
     */
    enum Format
    {
        /**
         * The kernel's text blocks.
         */
        TEXT,

        /**
         * Brendan Gregg's folded stacks.
         */
        COLLAPSED,

        /**
         * One self-contained HTML page.
         */
        HTML,

        /**
         * A gzipped pprof profile ({@code perftools.profiles.Profile}).
         */
        PPROF
    }

    private static final String SHORT_OPTIONS = "abdmnpstPMh";

    /** Cull keys the kernel accepts, plus ours. */
    private static final int CULLABLE =
        SortKey.PID.bit() | SortKey.TGID.bit() | SortKey.NAME.bit() | SortKey.STACKTRACE.bit() |
        SortKey.ALLOCATOR.bit() | SortKey.MODULE.bit() | SortKey.KIND.bit() | SortKey.FRAME.bit();

    private SortKey[] sortKeys = {};
    private int[] sortSigns = {};
    private int cull;
    private int filter;
    private int[] pids = {};
    private int[] tgids = {};
    private String[] names = {};
    private String[] modules = {};
    private String[] kinds = {};
    private String[] notKinds = {};
    /** The kinds page-owner's dumps name in the mask field; {@code --kind} takes these or gfp flags. */
    static final List<String> KINDS = List.of("UNSAFE", "DIRECT", "MAPPED", "ARENA", "REALLOC", "NIO_TEMP", "POOLED",
        "POOL_CHUNK", "TOOL");
    private Format format = Format.TEXT;
    private CollapsedWeight weight = CollapsedWeight.BYTES;
    private boolean strict;
    private boolean debug;
    private boolean showBytes;
    private boolean unweighted;
    private boolean help;
    private String input;
    private String output;
    private long minAge = -1;
    private long maxAge = -1;
    private boolean sortGiven;
    private List<String> operands = List.of();

    private SortOptions()
    {
    }

    /**
     * Parse a command line (without the leading {@code sort} word).
     *
     * @param args as given.
     * @return the options; {@link #help()} is set if {@code -h} came before any error.
     * @throws UsageException if the command line is wrong.
     */
    static SortOptions parse(final String[] args) throws UsageException
    {
        final SortOptions options = parseAny(args);
        if (options.help)
        {
            return options;
        }
        final List<String> operands = options.operands;
        if (operands.size() < 2)
        {
            throw new UsageException(operands.isEmpty() ? null : "missing <output>", true);
        }
        if (operands.size() > 2)
        {
            throw new UsageException("too many operands, starting at '" + operands.get(2) + "'", true);
        }
        options.input = operands.get(0);
        options.output = operands.get(1);
        return options;
    }

    /**
     * Parse the options of a command line that shares them with {@code sort} ({@code diff}, {@code top}), leaving
     * the operands to the command: see {@link #operands()}.
     *
     * @param args as given.
     * @return the options; {@link #help()} is set if {@code -h} came before any error.
     * @throws UsageException if an option is wrong.
     */
    static SortOptions parseAny(final String[] args) throws UsageException
    {
        final SortOptions options = new SortOptions();
        final List<String> operands = new ArrayList<>();
        int compareFlags = 0;
        SortKey singleKey = null;

        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if ("--".equals(arg))
            {
                for (int j = i + 1; j < args.length; j++)
                {
                    operands.add(args[j]);
                }
                break;
            }
            else if (arg.startsWith("--"))
            {
                final int equals = arg.indexOf('=');
                final String typed = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
                final LongOption option = LongOption.find(typed);
                String value = null;
                if (option.hasArgument())
                {
                    if (equals >= 0)
                    {
                        value = arg.substring(equals + 1);
                    }
                    else if (i + 1 < args.length)
                    {
                        value = args[++i];
                    }
                    else
                    {
                        throw new UsageException("option '--" + option.longName() + "' requires an argument", true);
                    }
                }
                else if (equals >= 0)
                {
                    throw new UsageException("option '--" + option.longName() + "' doesn't allow an argument", true);
                }

                if (options.applyLong(option, value))
                {
                    return options;
                }
            }
            else if (arg.startsWith("-") && arg.length() > 1)
            {
                for (int c = 1; c < arg.length(); c++)
                {
                    final char letter = arg.charAt(c);
                    if (SHORT_OPTIONS.indexOf(letter) < 0)
                    {
                        throw new UsageException("invalid option -- '" + letter + "'", true);
                    }
                    final SortKey key;
                    switch (letter)
                    {
                        case 'h':
                            options.help = true;
                            return options;
                        case 'd':
                            options.debug = true;
                            key = null;
                            break;
                        case 'a':
                            key = SortKey.ALLOC_TS;
                            break;
                        case 'b':
                            key = SortKey.BYTES;
                            break;
                        case 'm':
                            key = SortKey.PAGES;
                            break;
                        case 'n':
                            key = SortKey.NAME;
                            break;
                        case 'p':
                            key = SortKey.PID;
                            break;
                        case 'P':
                            key = SortKey.TGID;
                            break;
                        case 's':
                            key = SortKey.STACKTRACE;
                            break;
                        case 'M':
                            key = SortKey.MODULE;
                            break;
                        default:
                            key = SortKey.TIMES;
                            break;
                    }
                    if (null != key)
                    {
                        compareFlags |= key.bit();
                        singleKey = key;
                    }
                }
            }
            else
            {
                operands.add(arg);
            }
        }

        options.operands = operands;
        options.sortGiven |= null != singleKey;
        if (options.minAge >= 0 && options.maxAge >= 0 && options.minAge > options.maxAge)
        {
            throw new UsageException("--min-age is larger than --max-age: no record could be selected", false);
        }

        if (Integer.bitCount(compareFlags) > 1)
        {
            throw new UsageException("only one of -a -b -m -n -p -P -s -t -M may be given", true);
        }
        if (null != singleKey)
        {
            options.setSingle(singleKey);
        }
        else if (options.sortKeys.length == 0)
        {
            options.setSingle(SortKey.TIMES);
        }

        if ((options.format == Format.COLLAPSED || options.format == Format.PPROF) && options.cull != 0)
        {
            // NOTE: a folded stack or a pprof sample needs the stack of every record, so the other cull keys only
            // split it further.
            options.cull |= SortKey.STACKTRACE.bit();
        }
        return options;
    }

    /**
     * Apply one long option.
     *
     * @return true if parsing stops here (help).
     */
    private boolean applyLong(final LongOption option, final String value) throws UsageException
    {
        switch (option)
        {
            case PID:
                filter |= SortKey.PID.bit();
                pids = OptionValues.parseNumbers(value, "pid");
                break;
            case TGID:
                filter |= SortKey.TGID.bit();
                tgids = OptionValues.parseNumbers(value, "tgid");
                break;
            case NAME:
                filter |= SortKey.NAME.bit();
                names = OptionValues.explode(value);
                for (int i = 0; i < names.length; i++)
                {
                    names[i] = OptionValues.asRawBytes(names[i]);
                }
                break;
            case MODULE:
                filter |= SortKey.MODULE.bit();
                modules = OptionValues.explode(value);
                break;
            case KIND:
                filter |= SortKey.KIND.bit();
                parseKinds(value);
                break;
            case CULL:
                parseCull(value);
                break;
            case SORT:
                parseSort(value);
                break;
            case FORMAT:
                format = OptionValues.parseEnum(Format.class, value, "--format",
                    "text, collapsed, html or pprof");
                break;
            case WEIGHT:
                weight = OptionValues.parseEnum(CollapsedWeight.class, value, "--weight", "bytes, pages or times");
                break;
            case STRICT:
                strict = true;
                break;
            case SHOW_BYTES:
                showBytes = true;
                break;
            case UNWEIGHTED:
                unweighted = true;
                break;
            case MIN_AGE:
                minAge = OptionValues.parseAge(value, "--min-age");
                break;
            case MAX_AGE:
                maxAge = OptionValues.parseAge(value, "--max-age");
                break;
            default:
                help = true;
                return true;
        }
        return false;
    }

    private void parseCull(final String value) throws UsageException
    {
        for (final String item : OptionValues.explode(value))
        {
            final SortKey key = SortKey.byName(item);
            if (null == key || (CULLABLE & key.bit()) == 0)
            {
                throw new UsageException("wrong argument after --cull option:" + value, false);
            }
            cull |= key.bit();
        }
        if (sortKeys.length == 0)
        {
            setSingle(SortKey.TIMES);
        }
    }

    private void parseSort(final String value) throws UsageException
    {
        final String[] items = OptionValues.explode(value);
        final SortKey[] keys = new SortKey[items.length];
        final int[] signs = new int[items.length];
        for (int i = 0; i < items.length; i++)
        {
            String item = items[i];
            signs[i] = 1;
            if (item.startsWith("-") || item.startsWith("+"))
            {
                signs[i] = item.charAt(0) == '-' ? -1 : 1;
                item = item.substring(1);
            }
            keys[i] = SortKey.byName(item);
            if (null == keys[i])
            {
                throw new UsageException("wrong argument after --sort option:" + value, false);
            }
        }
        sortKeys = keys;
        sortSigns = signs;
        sortGiven = true;
    }

    private void setSingle(final SortKey key)
    {
        sortKeys = new SortKey[]{ key };
        final boolean descending = key == SortKey.TIMES || key == SortKey.PAGES || key == SortKey.BYTES;
        sortSigns = new int[]{ descending ? -1 : 1 };
    }

    /**
     * Sort keys, most significant first.
     *
     * @return sort keys, most significant first.
     */
    public SortKey[] sortKeys()
    {
        return sortKeys;
    }

    /**
     * Sign of each sort key: 1 ascending, -1 descending.
     *
     * @return sign of each sort key.
     */
    public int[] sortSigns()
    {
        return sortSigns;
    }

    /**
     * Whether the {@code ts} digits stay in the text: only when the first sort key is the allocation time.
     *
     * @return whether timestamps are kept in the grouped text.
     */
    public boolean keepTimestamps()
    {
        return sortKeys.length > 0 && sortKeys[0] == SortKey.ALLOC_TS;
    }

    /**
     * Cull keys as {@link SortKey#bit()} bits; 0 groups by the whole text.
     *
     * @return cull keys as bits.
     */
    public int cull()
    {
        return cull;
    }

    /**
     * Filters given, as {@link SortKey#bit()} bits.
     *
     * @return filters given, as bits.
     */
    public int filter()
    {
        return filter;
    }

    /**
     * Whether a field is shown in the culled output: culled on or filtered by.
     *
     * @param key of the field.
     * @return whether the field is shown.
     */
    public boolean shows(final SortKey key)
    {
        return ((cull | filter) & key.bit()) != 0;
    }

    /**
     * Whether a cull key is selected.
     *
     * @param key to test.
     * @return whether it is culled on.
     */
    public boolean culls(final SortKey key)
    {
        return (cull & key.bit()) != 0;
    }

    /**
     * Whether the bytes column is printed in the text format.
     *
     * @return whether bytes are shown.
     */
    public boolean showBytes()
    {
        if (showBytes)
        {
            return true;
        }
        for (final SortKey key : sortKeys)
        {
            if (key == SortKey.BYTES)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * pids of {@code --pid}.
     *
     * @return pids of {@code --pid}.
     */
    public int[] pids()
    {
        return pids;
    }

    /**
     * tgids of {@code --tgid}.
     *
     * @return tgids of {@code --tgid}.
     */
    public int[] tgids()
    {
        return tgids;
    }

    /**
     * Names of {@code --name}, one char per byte.
     *
     * @return names of {@code --name}.
     */
    public String[] names()
    {
        return names;
    }

    /**
     * Modules of {@code --module}.
     *
     * @return modules of {@code --module}.
     */
    public String[] modules()
    {
        return modules;
    }

    private static boolean knownKind(final String name)
    {
        final String upper = name.toUpperCase(Locale.ROOT);
        return KINDS.contains(upper) || upper.matches("(__)?GFP_[A-Z0-9_]+");
    }

    private void parseKinds(final String value) throws UsageException
    {
        final List<String> wanted = new ArrayList<>();
        final List<String> unwanted = new ArrayList<>();
        for (final String item : OptionValues.explode(value))
        {
            // NOTE: ^NAME leaves a kind out, e.g. --kind ^TOOL: a record carries several names, so listing the
            // others would not leave out a DIRECT|NIO_TEMP|TOOL record.
            final boolean not = item.startsWith("^");
            final String kind = not ? item.substring(1) : item;
            if (kind.isEmpty())
            {
                throw new UsageException("wrong argument after --kind option:" + value, false);
            }
            if (!knownKind(kind))
            {
                // NOTE: an unknown name would select nothing, silently: a typo must not read as "none".
                throw new UsageException("unknown kind '" + kind + "' after --kind: the kinds are " +
                    String.join(", ", KINDS) + ", or a kernel dump's gfp flag (GFP_..., __GFP_...)", false);
            }
            (not ? unwanted : wanted).add(OptionValues.asRawBytes(kind));
        }
        kinds = wanted.toArray(new String[0]);
        notKinds = unwanted.toArray(new String[0]);
    }

    /**
     * Kinds of {@code --kind}, one char per byte.
     *
     * @return kinds of {@code --kind}.
     */
    public String[] kinds()
    {
        return kinds;
    }

    /**
     * Kinds of {@code --kind} given as {@code ^NAME}, one char per byte: records with any of them are left out.
     *
     * @return kinds left out.
     */
    public String[] notKinds()
    {
        return notKinds;
    }

    /**
     * Output format.
     *
     * @return output format.
     */
    Format format()
    {
        return format;
    }

    /**
     * Weight of the collapsed format.
     *
     * @return weight of the collapsed format.
     */
    public CollapsedWeight weight()
    {
        return weight;
    }

    /**
     * Whether a sampled dump is counted as its samples are, without their weights.
     *
     * @return whether {@code --unweighted} was given.
     */
    public boolean unweighted()
    {
        return unweighted;
    }

    /**
     * Whether the first damaged record stops the run.
     *
     * @return whether the first damaged record stops the run.
     */
    public boolean strict()
    {
        return strict;
    }

    /**
     * Whether every problem and stack trace is printed.
     *
     * @return whether debug output is on.
     */
    public boolean debug()
    {
        return debug;
    }

    /**
     * Whether {@code -h} or {@code --help} was given.
     *
     * @return whether help was asked for.
     */
    boolean help()
    {
        return help;
    }

    /**
     * Input path, or {@code -} for standard input.
     *
     * @return input path.
     */
    String input()
    {
        return input;
    }

    /**
     * Output path, or {@code -} for standard output.
     *
     * @return output path.
     */
    String output()
    {
        return output;
    }

    /**
     * {@inheritDoc}
     */
    public long minAge()
    {
        return minAge;
    }

    /**
     * {@inheritDoc}
     */
    public long maxAge()
    {
        return maxAge;
    }

    /**
     * Whether an age filter was given.
     *
     * @return whether {@code --min-age} or {@code --max-age} was given.
     */
    boolean ageFilter()
    {
        return minAge >= 0 || maxAge >= 0;
    }

    /**
     * Whether the command line chose a sort order ({@code -m}, {@code --sort}, ...) rather than left the default.
     *
     * @return whether a sort order was given.
     */
    boolean sortGiven()
    {
        return sortGiven;
    }

    /**
     * The operands, in order, for a command parsed with {@link #parseAny(String[])}.
     *
     * @return the operands.
     */
    List<String> operands()
    {
        return operands;
    }

    /**
     * Set the cull keys for a command whose default is not the whole text (diff and top group by stack).
     *
     * @param bits as {@link SortKey#bit()} bits, used only if no {@code --cull} was given.
     */
    void defaultCull(final int bits)
    {
        if (cull == 0)
        {
            cull = bits;
        }
    }

    /**
     * Set the sort order for a command whose default is not {@code -t}, if none was given.
     *
     * @param key  to sort on.
     * @param sign 1 ascending, -1 descending.
     */
    void defaultSort(final SortKey key, final int sign)
    {
        if (!sortGiven)
        {
            sortKeys = new SortKey[]{ key };
            sortSigns = new int[]{ sign };
        }
    }

    /**
     * Set {@code --min-age} for a command whose default is not none ({@code leaks}: one interval), if not given.
     *
     * @param nanos the least age.
     */
    void defaultMinAge(final long nanos)
    {
        if (minAge < 0)
        {
            minAge = nanos;
        }
    }
}
