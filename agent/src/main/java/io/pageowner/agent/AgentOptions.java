package io.pageowner.agent;

import java.util.Locale;

/**
 * The agent's options, given as one comma-separated string after {@code -javaagent:page-owner.jar=}
 * (or to {@code agentmain}): bare words {@code on} and {@code off}, and {@code key=value} pairs.
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
    /** Largest accepted capacity of the owner table. */
    public static final int MAX_RECORDS_MAX = 1 << 28;
    /** Default dump path; {@code %p} is replaced by the process id. */
    public static final String DUMP_DEFAULT = "page_owner-%p.txt";

    /** The accepted tokens, for error messages and the README. */
    public static final String ACCEPTED =
        "on, off, depth=<1-" + DEPTH_MAX + ">, dump=<path>, max_records=<n, k or m suffix>, log=<off|warn|info|debug>";

    private final boolean enabled;
    private final int depth;
    private final String dumpPath;
    private final int maxRecords;
    private final String logLevel;
    private final String error;
    private final String text;

    private AgentOptions(
        final boolean enabled,
        final int depth,
        final String dumpPath,
        final int maxRecords,
        final String logLevel,
        final String error,
        final String text)
    {
        this.enabled = enabled;
        this.depth = depth;
        this.dumpPath = dumpPath;
        this.maxRecords = maxRecords;
        this.logLevel = logLevel;
        this.error = error;
        this.text = text;
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
        boolean enabled = false;
        int depth = DEPTH_DEFAULT;
        String dumpPath = DUMP_DEFAULT;
        int maxRecords = MAX_RECORDS_DEFAULT;
        String logLevel = "warn";

        if (!text.isEmpty())
        {
            for (final String rawToken : text.split(",", -1))
            {
                final String token = rawToken.trim();
                final int eq = token.indexOf('=');
                if (eq < 0)
                {
                    if ("on".equals(token))
                    {
                        enabled = true;
                    }
                    else if ("off".equals(token))
                    {
                        enabled = false;
                    }
                    else
                    {
                        return failed(text, token, token.isEmpty() ? "empty option" : "unknown option '" + token + "'");
                    }
                    continue;
                }

                final String key = token.substring(0, eq).trim();
                final String value = token.substring(eq + 1).trim();
                switch (key)
                {
                    case "depth":
                    {
                        final long parsed = parseCount(value);
                        if (parsed < 1 || parsed > DEPTH_MAX)
                        {
                            return failed(text, token, "depth must be a whole number from 1 to " + DEPTH_MAX);
                        }
                        depth = (int)parsed;
                        break;
                    }
                    case "max_records":
                    {
                        final long parsed = parseCount(value);
                        if (parsed < 1 || parsed > MAX_RECORDS_MAX)
                        {
                            return failed(
                                text, token, "max_records must be a whole number from 1 to " + MAX_RECORDS_MAX);
                        }
                        maxRecords = (int)parsed;
                        break;
                    }
                    case "dump":
                        if (value.isEmpty())
                        {
                            return failed(text, token, "dump needs a path");
                        }
                        dumpPath = value;
                        break;
                    case "log":
                    {
                        final String level = value.toLowerCase(Locale.ROOT);
                        if (!"off".equals(level) && !"warn".equals(level) && !"info".equals(level) &&
                            !"debug".equals(level))
                        {
                            return failed(text, token, "log must be off, warn, info or debug");
                        }
                        logLevel = level;
                        break;
                    }
                    default:
                        return failed(text, token, "unknown key '" + key + "'");
                }
            }
        }

        return new AgentOptions(enabled, depth, dumpPath, maxRecords, logLevel, null, text);
    }

    private static AgentOptions failed(final String text, final String token, final String why)
    {
        final String message = "bad agent option '" + token + "' in '" + text + "': " + why +
            ". Accepted: " + ACCEPTED + ". page-owner stays off.";
        return new AgentOptions(false, DEPTH_DEFAULT, DUMP_DEFAULT, MAX_RECORDS_DEFAULT, "warn", message, text);
    }

    /**
     * A whole number with an optional k (1024) or m (1024 * 1024) suffix.
     *
     * @param value to parse.
     * @return the number, or -1 if it is not one.
     */
    static long parseCount(final String value)
    {
        if (value.isEmpty())
        {
            return -1;
        }
        long multiplier = 1;
        String digits = value;
        final char last = Character.toLowerCase(value.charAt(value.length() - 1));
        if ('k' == last || 'm' == last)
        {
            multiplier = 'k' == last ? 1024 : 1024 * 1024;
            digits = value.substring(0, value.length() - 1);
        }
        if (digits.isEmpty() || digits.length() > 12)
        {
            return -1;
        }
        long result = 0;
        for (int i = 0; i < digits.length(); i++)
        {
            final char c = digits.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            result = result * 10 + (c - '0');
        }
        return result * multiplier;
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
     * Why the options were rejected.
     *
     * @return the one-line message, or null if they parsed.
     */
    public String error()
    {
        return error;
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
     * @return e.g. {@code on,depth=16,dump=page_owner-%p.txt,max_records=1048576,log=warn}.
     */
    public String describe()
    {
        return (enabled ? "on" : "off") + ",depth=" + depth + ",dump=" + dumpPath + ",max_records=" + maxRecords +
            ",log=" + logLevel;
    }
}
