package io.pageowner.options;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's options, given as one comma-separated string after {@code -javaagent:page-owner.jar=}
 * (or to {@code agentmain}): bare words {@code on} and {@code off}, and {@code key=value} pairs.
 * A switch ({@code dump_on_exit}, {@code oom_dump}) is given bare (on) or as {@code key=on|off}, nothing
 * else. A key given twice takes its last value, with a {@link #warnings() warning} naming both.
 * <p>
 * Loaded by the application's class loader in {@code premain}: it must stay free of references to
 * the rest of the agent, and parsing never throws.
 */
public final class AgentOptions
{
    /** Default number of frames kept per stack, the kernel's PAGE_OWNER_STACK_DEPTH. */
    public static final int DEPTH_DEFAULT = 16;
    /** Largest accepted stack depth. */
    public static final int DEPTH_MAX = 256;
    /** Default capacity of the owner table, in live records. */
    public static final int MAX_RECORDS_DEFAULT = 1 << 20;
    /**
     * Largest accepted capacity of the owner table: the table's own limit ({@code OwnerTableDescriptor.MAX_CAPACITY}),
     * so that an accepted value never makes the agent fail to start.
     */
    public static final int MAX_RECORDS_MAX = 1 << 25;
    /**
     * Smallest capacity the owner table holds: a smaller {@code max_records} is raised to it, and any other
     * to the next power of two (the table's own rule, {@code OwnerTable.MIN_CAPACITY}).
     */
    public static final int MAX_RECORDS_MIN = 16;
    /** Default dump path; {@code %p} is replaced by the process id. */
    public static final String DUMP_DEFAULT = "page_owner-%p.txt";

    /** Default signal that triggers a dump. */
    public static final String SIGNAL_DEFAULT = "USR1";
    /** Default number of periodic dumps kept on disk. */
    public static final int KEEP_DEFAULT = 10;

    /** The accepted tokens, for error messages and the README. */
    public static final String ACCEPTED =
        "on, off, depth=<1-" + DEPTH_MAX + ">, dump=<path, %p pid, %t time>, max_records=<n, k or m suffix; " +
        "a power of two from 16>, log=<off|warn|info|debug>, signal=<USR1|WINCH|URG|...|none>, " +
        "dump_on_exit[=<on|off>], oom_dump[=<on|off>], interval=<n ms|s|m|h>, keep=<n>, " +
        "notify_bytes=<n, k, m or g suffix>, sample=<mean bytes between samples, k, m or g suffix, e.g. 512k; " +
        "off or 0 for full mode>, rss_dump=<resident bytes, k, m or g suffix, or 1-100% of the cgroup memory " +
        "limit>, rss_step=<further growth before the next rss dump, same form; default a tenth of rss_dump>, " +
        "cache=<directory for woven classes, or off; default ~/.cache/page-owner>";
    /** Largest accepted mean sampling interval. */
    public static final long SAMPLE_MAX = 1L << 40;

    private final boolean enabled;
    private final int depth;
    private final String dumpPath;
    private final String cache;
    private final int maxRecords;
    private final String logLevel;
    private final String signal;
    private final boolean dumpOnExit;
    private final boolean oomDump;
    private final long intervalMillis;
    private final int keep;
    private final long notifyBytes;
    private final long sampleBytes;
    private final RssSize rssDump;
    private final RssSize rssStep;
    private final String error;
    private final String text;
    private final List<String> warnings;

    private AgentOptions(final Builder b, final String error, final String text)
    {
        this.warnings = List.copyOf(b.warnings);
        this.enabled = b.enabled;
        this.depth = b.depth;
        this.dumpPath = b.dumpPath;
        this.cache = b.cache;
        this.maxRecords = b.maxRecords;
        this.logLevel = b.logLevel;
        this.signal = b.signal;
        this.dumpOnExit = b.dumpOnExit;
        this.oomDump = b.oomDump;
        this.intervalMillis = b.intervalMillis;
        this.keep = b.keep;
        this.notifyBytes = b.notifyBytes;
        this.sampleBytes = b.sampleBytes;
        this.rssDump = b.rssDump;
        this.rssStep = b.rssStep;
        this.error = error;
        this.text = text;
    }

    /** Mutable values while parsing. */
    private static final class Builder
    {
        boolean enabled;
        int depth = DEPTH_DEFAULT;
        String dumpPath = DUMP_DEFAULT;
        String cache = "";
        int maxRecords = MAX_RECORDS_DEFAULT;
        String logLevel = "warn";
        String signal = SIGNAL_DEFAULT;
        boolean dumpOnExit;
        boolean oomDump = true;
        long intervalMillis;
        int keep = KEEP_DEFAULT;
        long notifyBytes;
        long sampleBytes;
        RssSize rssDump = RssSize.NONE;
        RssSize rssStep = RssSize.NONE;
        final List<String> warnings = new ArrayList<>();
        /** The token that last set each option, to name both when one is given twice. */
        final Map<String, String> given = new HashMap<>();

        void given(final String option, final String token)
        {
            final String earlier = given.put(option, token);
            if (null != earlier)
            {
                warnings.add("agent option '" + OptionValues.quote(token) + "' overrides the earlier '" +
                    OptionValues.quote(earlier) + "': the last one given is used");
            }
        }
    }

    /**
     * Parses an option string. Never throws: a malformed string gives options that are off and
     * carry an {@link #error()}.
     *
     * @param args as given to the agent, may be null or empty (which means off).
     * @return the options.
     */
    public static AgentOptions parse(final String args)
    {
        final String text = null == args ? "" : args.trim();
        final Builder b = new Builder();

        if (!text.isEmpty())
        {
            for (final String rawToken : text.split(",", -1))
            {
                final String token = rawToken.trim();
                final int eq = token.indexOf('=');
                if (eq < 0)
                {
                    if ("on".equals(token) || "off".equals(token))
                    {
                        b.given("on/off", token);
                        b.enabled = "on".equals(token);
                    }
                    else if ("dump_on_exit".equals(token) || "oom_dump".equals(token))
                    {
                        b.given(token, token);
                        setSwitch(b, token, true);
                    }
                    else
                    {
                        return failed(
                            text,
                            token,
                            token.isEmpty() ? "empty option" : "unknown option '" + OptionValues.quote(token) + "'");
                    }
                    continue;
                }

                final String key = token.substring(0, eq).trim();
                final String value = token.substring(eq + 1).trim();
                b.given(key, token);
                switch (key)
                {
                    case "depth":
                    {
                        final long parsed = OptionValues.parseCount(value);
                        if (parsed < 1 || parsed > DEPTH_MAX)
                        {
                            return failed(text, token, "depth must be a whole number from 1 to " + DEPTH_MAX);
                        }
                        b.depth = (int)parsed;
                        break;
                    }
                    case "max_records":
                    {
                        final long parsed = OptionValues.parseCount(value);
                        if (parsed < 1 || parsed > MAX_RECORDS_MAX)
                        {
                            return failed(
                                text, token, "max_records must be a whole number from 1 to " + MAX_RECORDS_MAX);
                        }
                        b.maxRecords = tableCapacity((int)parsed);
                        if (b.maxRecords != parsed)
                        {
                            b.warnings.add("max_records=" + parsed + " holds " + b.maxRecords +
                                " records: the table's capacity is a power of two, at least " + MAX_RECORDS_MIN);
                        }
                        break;
                    }
                    case "cache":
                        if (value.isEmpty() || !("off".equals(value) || value.startsWith("/")))
                        {
                            return failed(text, token, "cache must be an absolute directory, or off");
                        }
                        b.cache = value;
                        break;
                    case "dump":
                        if (value.isEmpty())
                        {
                            return failed(text, token, "dump needs a path");
                        }
                        b.dumpPath = value;
                        break;
                    case "log":
                    {
                        final String level = value.toLowerCase(Locale.ROOT);
                        if (!"off".equals(level) && !"warn".equals(level) && !"info".equals(level) &&
                            !"debug".equals(level))
                        {
                            return failed(text, token, "log must be off, warn, info or debug");
                        }
                        b.logLevel = level;
                        break;
                    }
                    case "signal":
                    {
                        final String name = value.toUpperCase(Locale.ROOT).replaceFirst("^SIG", "");
                        final String why = OptionValues.refusedSignal(name);
                        if (null != why)
                        {
                            return failed(text, token, why);
                        }
                        b.signal = "NONE".equals(name) ? "none" : name;
                        break;
                    }
                    case "dump_on_exit":
                    case "oom_dump":
                    {
                        final Boolean flag = parseSwitch(value);
                        if (null == flag)
                        {
                            return failed(text, token, key + " must be on or off (or given bare, for on)");
                        }
                        setSwitch(b, key, flag);
                        break;
                    }
                    case "interval":
                    {
                        final long millis = OptionValues.parseDurationMillis(value);
                        if (millis < 100)
                        {
                            return failed(
                                text, token, "interval must be a duration of at least 100ms, e.g. 30s, 5m, 1h");
                        }
                        b.intervalMillis = millis;
                        break;
                    }
                    case "keep":
                    {
                        final long parsed = OptionValues.parseCount(value);
                        if (parsed < 1 || parsed > 100_000)
                        {
                            return failed(text, token, "keep must be a whole number from 1 to 100000");
                        }
                        b.keep = (int)parsed;
                        break;
                    }
                    case "notify_bytes":
                    {
                        final long parsed = OptionValues.parseBytes(value);
                        if (parsed < 1)
                        {
                            return failed(text, token, "notify_bytes must be a positive size, e.g. 512m or 2g");
                        }
                        b.notifyBytes = parsed;
                        break;
                    }
                    case "sample":
                    {
                        // NOTE: a mean interval of 0 bytes samples every allocation, which is full mode, as
                        // async-profiler's nativemem=0 records every allocation; so 0, in any spelling, is off.
                        final long parsed = "off".equalsIgnoreCase(value) ? 0 : OptionValues.parseBytes(value);
                        if (parsed < 0 || parsed > SAMPLE_MAX)
                        {
                            return failed(text, token, "sample must be a mean interval in bytes from 1 to 1024g, " +
                                "e.g. 512k, or off for full mode");
                        }
                        b.sampleBytes = parsed;
                        break;
                    }
                    case "rss_dump":
                    case "rss_step":
                    {
                        final RssSize size = RssSize.parse(value);
                        if (null == size)
                        {
                            return failed(text, token, key + " must be a size, e.g. 3g or 512m, or a percentage " +
                                "of the cgroup memory limit from 1% to 100%");
                        }
                        if ("rss_dump".equals(key))
                        {
                            b.rssDump = size;
                        }
                        else
                        {
                            b.rssStep = size;
                        }
                        break;
                    }
                    default:
                        return failed(text, token, "unknown key '" + OptionValues.quote(key) + "'");
                }
            }
        }

        return new AgentOptions(b, null, text);
    }

    private static AgentOptions failed(final String text, final String token, final String why)
    {
        final String message = "bad agent option '" + OptionValues.quote(token) + "' in '" +
            OptionValues.quote(text) + "': " + why + ". Accepted: " + ACCEPTED + ". page-owner stays off.";
        return new AgentOptions(new Builder(), message, text);
    }

    /**
     * The capacity the owner table gives a {@code max_records}: the next power of two, at least
     * {@link #MAX_RECORDS_MIN}.
     *
     * @param asked from 1 to {@link #MAX_RECORDS_MAX}.
     * @return the records the table holds.
     */
    static int tableCapacity(final int asked)
    {
        final int atLeast = Math.max(asked, MAX_RECORDS_MIN);
        return Integer.bitCount(atLeast) == 1 ? atLeast : Integer.highestOneBit(atLeast) << 1;
    }

    private static void setSwitch(final Builder b, final String key, final boolean on)
    {
        if ("oom_dump".equals(key))
        {
            b.oomDump = on;
        }
        else
        {
            b.dumpOnExit = on;
        }
    }

    /** The one syntax of every switch's value, as {@code on} and {@code off} themselves. */
    private static Boolean parseSwitch(final String value)
    {
        switch (value)
        {
            case "on":
                return Boolean.TRUE;
            case "off":
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    /**
     * Whether tracking is on.
     *
     * @return true for {@code on}.
     */
    public boolean enabled()
    {
        return enabled;
    }

    /**
     * Frames kept per stack.
     *
     * @return the depth.
     */
    public int depth()
    {
        return depth;
    }

    /**
     * Where woven classes are cached: empty for the default directory, {@code off} for no cache.
     *
     * @return the directory, empty or {@code off}.
     */
    public String cache()
    {
        return cache;
    }

    /**
     * Default dump path for triggers that name none.
     *
     * @return the path pattern.
     */
    public String dumpPath()
    {
        return dumpPath;
    }

    /**
     * Capacity of the owner table.
     *
     * @return live records at most.
     */
    public int maxRecords()
    {
        return maxRecords;
    }

    /**
     * The agent's log level.
     *
     * @return off, warn, info or debug.
     */
    public String logLevel()
    {
        return logLevel;
    }

    /**
     * The signal that triggers a dump.
     *
     * @return e.g. {@code USR1}, or {@code none}.
     */
    public String signal()
    {
        return signal;
    }

    /**
     * Whether a dump is written at JVM shutdown.
     *
     * @return true for {@code dump_on_exit}.
     */
    public boolean dumpOnExit()
    {
        return dumpOnExit;
    }

    /**
     * Whether a dump is written when direct memory runs out.
     *
     * @return true unless {@code oom_dump=off}.
     */
    public boolean oomDump()
    {
        return oomDump;
    }

    /**
     * The period of periodic dumps.
     *
     * @return milliseconds, 0 for none.
     */
    public long intervalMillis()
    {
        return intervalMillis;
    }

    /**
     * How many periodic dumps are kept on disk.
     *
     * @return the count.
     */
    public int keep()
    {
        return keep;
    }

    /**
     * Live tracked bytes above which a JMX notification is sent.
     *
     * @return bytes, 0 for none.
     */
    public long notifyBytes()
    {
        return notifyBytes;
    }

    /**
     * The mean number of bytes allocated between two sampled allocations.
     *
     * @return bytes, 0 for full mode (every allocation recorded with its stack).
     */
    public long sampleBytes()
    {
        return sampleBytes;
    }

    /**
     * The resident memory at which a dump is written once ({@code rss_dump}), before the OOM killer can
     * strike.
     *
     * @return the size, {@link RssSize#NONE} for none.
     */
    public RssSize rssDump()
    {
        return rssDump;
    }

    /**
     * The further growth of resident memory after which the next {@code rss_dump} dump is written.
     *
     * @return the size, {@link RssSize#NONE} for the default, a tenth of {@link #rssDump()}.
     */
    public RssSize rssStep()
    {
        return rssStep;
    }

    /**
     * Why the options were rejected.
     *
     * @return the one-line message, or null if they parsed.
     */
    public String error()
    {
        return error;
    }

    /**
     * What was accepted but may not be what was meant: a key given twice (the last one is used), a
     * {@code max_records} the table rounds up. The agent prints them, one line each, unless {@code log=off}.
     *
     * @return the warnings, in the order of the tokens; empty if none.
     */
    public List<String> warnings()
    {
        return warnings;
    }

    /**
     * The string the options were parsed from.
     *
     * @return the text.
     */
    public String text()
    {
        return text;
    }

    /**
     * The options as the agent runs with them.
     *
     * @return e.g. {@code on,depth=16,dump=page_owner-%p.txt,max_records=1048576,log=warn,signal=USR1,...}.
     */
    public String describe()
    {
        return (enabled ? "on" : "off") + ",depth=" + depth + ",dump=" + dumpPath + ",max_records=" + maxRecords +
            ",log=" + logLevel + ",signal=" + signal + ",dump_on_exit=" + (dumpOnExit ? "on" : "off") +
            ",oom_dump=" + (oomDump ? "on" : "off") + (intervalMillis > 0 ? ",interval=" + intervalMillis + "ms" : "") +
            ",keep=" + keep + (notifyBytes > 0 ? ",notify_bytes=" + notifyBytes : "") +
            (sampleBytes > 0 ? ",sample=" + sampleBytes : "") +
            (RssSize.NONE != rssDump ? ",rss_dump=" + rssDump : "") +
            (RssSize.NONE != rssStep ? ",rss_step=" + rssStep : "") + (cache.isEmpty() ? "" : ",cache=" + cache);
    }
}
