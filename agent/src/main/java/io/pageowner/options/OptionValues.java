package io.pageowner.options;

import java.util.Locale;

/**
 * The values the agent's options take: sizes, counts, durations and signal names, and how an error
 * quotes what the user gave. Parsing only, on {@code java.base} alone, like {@link AgentOptions}.
 */
final class OptionValues
{
    /** Longest part of a bad option string an error quotes, so a huge token is not echoed whole. */
    static final int QUOTE_MAX = 80;

    /**
     * Text as an error quotes it: whole if short, else its start and its length.
     *
     * @param text given by the user.
     * @return at most {@link #QUOTE_MAX} characters of it, and a note of what was cut.
     */
    static String quote(final String text)
    {
        return text.length() <= QUOTE_MAX ? text :
            text.substring(0, QUOTE_MAX) + "...(" + text.length() + " characters)";
    }

    /**
     * Why a signal may not be used for dumps.
     *
     * @param name without the SIG prefix, upper case.
     * @return the reason, or null if it may.
     */
    static String refusedSignal(final String name)
    {
        switch (name)
        {
            case "NONE":
            case "USR1":
            case "WINCH":
            case "URG":
            case "PWR":
            case "CONT":
            case "TTIN":
            case "TTOU":
            case "PROF":
            case "IO":
                return null;
            case "USR2":
                return "HotSpot uses SIGUSR2 to suspend and resume threads; taking it silently breaks that " +
                    "(JDK-8288556). Use USR1, WINCH or URG";
            case "HUP":
            case "INT":
            case "TERM":
                return "SIG" + name + " runs the JVM's shutdown hooks; use USR1, WINCH or URG";
            case "":
                return "signal needs a name, e.g. USR1, or none";
            case "QUIT":
            case "ILL":
            case "TRAP":
            case "ABRT":
            case "IOT":
            case "BUS":
            case "FPE":
            case "KILL":
            case "SEGV":
            case "PIPE":
            case "ALRM":
            case "STKFLT":
            case "CHLD":
            case "STOP":
            case "TSTP":
            case "XCPU":
            case "XFSZ":
            case "VTALRM":
            case "POLL":
            case "SYS":
                return "SIG" + name + " is used by the JVM or cannot be caught; use USR1, WINCH or URG";
            default:
                return name.matches("[A-Z0-9]+") ? "there is no signal SIG" + quote(name) + "; use USR1, WINCH or URG" :
                    "'" + quote(name) + "' is not a signal name";
        }
    }

    /**
     * A duration such as {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}; a bare number is seconds.
     *
     * @param value to parse.
     * @return milliseconds, or -1 if it is not a duration.
     */
    static long parseDurationMillis(final String value)
    {
        final String v = value.toLowerCase(Locale.ROOT);
        long unit = 1000;
        String digits = v;
        if (v.endsWith("ms"))
        {
            unit = 1;
            digits = v.substring(0, v.length() - 2);
        }
        else if (v.endsWith("s"))
        {
            digits = v.substring(0, v.length() - 1);
        }
        else if (v.endsWith("m"))
        {
            unit = 60_000;
            digits = v.substring(0, v.length() - 1);
        }
        else if (v.endsWith("h"))
        {
            unit = 3_600_000;
            digits = v.substring(0, v.length() - 1);
        }
        final long n = parseCount(digits);
        return n < 0 || n > 1_000_000_000L ? -1 : n * unit;
    }

    /**
     * A size in bytes with an optional k, m or g suffix (powers of 1024).
     *
     * @param value to parse.
     * @return bytes, or -1 if it is not a size.
     */
    static long parseBytes(final String value)
    {
        if (value.toLowerCase(Locale.ROOT).endsWith("g"))
        {
            final long n = parseCount(value.substring(0, value.length() - 1));
            return n < 0 ? -1 : n << 30;
        }
        return parseCount(value);
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

    private OptionValues()
    {
    }
}
