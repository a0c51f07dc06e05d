package io.pageowner.analysis;

import io.pageowner.analysis.parse.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads option values the way the kernel's {@code page_owner_sort} reads them: comma lists, numbers by strtol's
 * rules, and text as the raw bytes the records are compared in.
 */
final class OptionValues
{
    private OptionValues()
    {
    }

    /**
     * The constant of an enum whose name in lower case is the value.
     *
     * @param type     of the enum.
     * @param value    as given.
     * @param option   for the message.
     * @param expected names, for the message.
     * @param <T>      the enum.
     * @return the constant.
     * @throws UsageException if none has that name.
     */
    static <T extends Enum<T>> T parseEnum(
        final Class<T> type, final String value, final String option, final String expected) throws UsageException
    {
        for (final T constant : type.getEnumConstants())
        {
            if (constant.name().toLowerCase(Locale.ROOT).equals(value))
            {
                return constant;
            }
        }
        throw new UsageException(option + ": expected " + expected + ", got '" + value + "'", false);
    }

    /**
     * Split on commas like the kernel's {@code explode}: every comma separates, so empty items are kept.
     */
    static String[] explode(final String value)
    {
        return value.split(",", -1);
    }

    /**
     * Parse a comma list of numbers with the kernel's strtol rules: leading white space and a sign are allowed,
     * nothing may follow the digits, and the value is truncated to a 32-bit pid_t.
     */
    static int[] parseNumbers(final String value, final String what) throws UsageException
    {
        final String[] items = explode(value);
        final int[] numbers = new int[items.length];
        for (int i = 0; i < items.length; i++)
        {
            final String item = items[i];
            int p = 0;
            while (p < item.length() && isCSpace(item.charAt(p)))
            {
                p++;
            }
            boolean negative = false;
            if (p < item.length() && (item.charAt(p) == '-' || item.charAt(p) == '+'))
            {
                negative = item.charAt(p) == '-';
                p++;
            }
            final byte[] bytes = item.getBytes(StandardCharsets.ISO_8859_1);
            final int digitsStart = p;
            p = Bytes.digitsEnd(bytes, digitsStart, bytes.length);
            // NOTE: strtol fails past LONG_MAX; the parser's unsigned results from there on are negative.
            final long magnitude = Bytes.parseUnsigned(bytes, digitsStart, p);
            if (p == digitsStart || p != item.length() || magnitude < 0)
            {
                throw new UsageException("wrong/invalid " + what + " in from the command line:" + value, false);
            }
            numbers[i] = (int)(negative ? -magnitude : magnitude);
        }
        return numbers;
    }

    private static boolean isCSpace(final char c)
    {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == '\f';
    }

    /**
     * The sorter reads records as ISO-8859-1 so every byte is one char; command line text is matched against
     * them after the same mapping of its UTF-8 bytes.
     */
    static String asRawBytes(final String text)
    {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /**
     * An age such as {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code 250ms}, {@code 10us} or
     * {@code 1500000ns}, as ns. A number needs its unit (a bare {@code 30} would be read as ns by some and seconds by
     * others), except 0.
     *
     * @param value  as typed.
     * @param option the option's name, for the message.
     * @return the age in ns.
     * @throws UsageException if it is not an age.
     */
    static long parseAge(final String value, final String option) throws UsageException
    {
        final String text = value.trim();
        int end = 0;
        while (end < text.length() && Character.isDigit(text.charAt(end)))
        {
            end++;
        }
        final String unit = text.substring(end);
        if (end == 0 || end > 18)
        {
            throw new UsageException("wrong argument after " + option + " option:" + value + " (an age such as " +
                "30s, 5m, 2h, 1d, 250ms or 1500ns)", false);
        }
        final long number = Long.parseLong(text.substring(0, end));
        final long scale;
        switch (unit)
        {
            case "ns":
                scale = 1L;
                break;
            case "us":
                scale = 1_000L;
                break;
            case "ms":
                scale = 1_000_000L;
                break;
            case "s":
                scale = 1_000_000_000L;
                break;
            case "m":
                scale = 60_000_000_000L;
                break;
            case "h":
                scale = 3_600_000_000_000L;
                break;
            case "d":
                scale = 86_400_000_000_000L;
                break;
            case "":
                if (number == 0)
                {
                    return 0;
                }
                throw new UsageException("wrong argument after " + option + " option:" + value + " (give a unit: " +
                    value + "s, " + value + "m, " + value + "ns, ...)", false);
            default:
                throw new UsageException("wrong argument after " + option + " option:" + value + " (unknown unit '" +
                    unit + "'; units: ns, us, ms, s, m, h, d)", false);
        }
        try
        {
            return Math.multiplyExact(number, scale);
        }
        catch (final ArithmeticException ex)
        {
            throw new UsageException("wrong argument after " + option + " option:" + value + " (too large)", false);
        }
    }
}
