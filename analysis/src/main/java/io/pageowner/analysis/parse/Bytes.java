package io.pageowner.analysis.parse;

import java.nio.charset.StandardCharsets;

/**
 * Small searches over byte ranges, and the one decimal parser; the sorter never decodes a record to find its
 * fields.
 */
public final class Bytes
{
    private Bytes()
    {
    }

    /**
     * ASCII bytes of a string.
     *
     * @param text plain ASCII.
     * @return its bytes.
     */
    public static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Whether a range starts with a pattern.
     *
     * @param buffer  holding the range.
     * @param from    start of the range.
     * @param to      end (exclusive) of the range.
     * @param pattern to look for.
     * @return whether {@code buffer[from..to)} starts with the pattern.
     */
    public static boolean startsWith(final byte[] buffer, final int from, final int to, final byte[] pattern)
    {
        if (to - from < pattern.length)
        {
            return false;
        }
        for (int i = 0; i < pattern.length; i++)
        {
            if (buffer[from + i] != pattern[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * First index of a pattern in a range.
     *
     * @param buffer  holding the range.
     * @param from    start of the range.
     * @param to      end (exclusive) of the range; the whole pattern must lie before it.
     * @param pattern to look for, not empty.
     * @return the index or -1.
     */
    public static int indexOf(final byte[] buffer, final int from, final int to, final byte[] pattern)
    {
        final byte first = pattern[0];
        final int last = to - pattern.length;
        outer:
        for (int i = from; i <= last; i++)
        {
            if (buffer[i] == first)
            {
                for (int j = 1; j < pattern.length; j++)
                {
                    if (buffer[i + j] != pattern[j])
                    {
                        continue outer;
                    }
                }
                return i;
            }
        }
        return -1;
    }

    /**
     * Last index of a pattern in a range.
     *
     * @param buffer  holding the range.
     * @param from    start of the range.
     * @param to      end (exclusive) of the range; the whole pattern must lie before it.
     * @param pattern to look for, not empty.
     * @return the index or -1.
     */
    public static int lastIndexOf(final byte[] buffer, final int from, final int to, final byte[] pattern)
    {
        final byte first = pattern[0];
        outer:
        for (int i = to - pattern.length; i >= from; i--)
        {
            if (buffer[i] == first)
            {
                for (int j = 1; j < pattern.length; j++)
                {
                    if (buffer[i + j] != pattern[j])
                    {
                        continue outer;
                    }
                }
                return i;
            }
        }
        return -1;
    }

    /**
     * First index of a byte in a range.
     *
     * @param buffer holding the range.
     * @param from   start of the range.
     * @param to     end (exclusive) of the range.
     * @param value  to look for.
     * @return the index or -1.
     */
    public static int indexOf(final byte[] buffer, final int from, final int to, final byte value)
    {
        for (int i = from; i < to; i++)
        {
            if (buffer[i] == value)
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether a byte is an ASCII digit.
     *
     * @param b to test.
     * @return whether it is 0 to 9.
     */
    public static boolean isDigit(final byte b)
    {
        return b >= '0' && b <= '9';
    }

    /**
     * The kernel's regex {@code \[([a-zA-Z0-9_]+)\]}: the first bracketed module name in a range.
     *
     * @param buffer holding the range.
     * @param from   start of the range.
     * @param to     end (exclusive) of the range.
     * @return null if there is none, {@code "vmlinux"} if the first is 64 bytes or longer (the kernel's buffer
     * is too small for it and it falls back), else the name.
     */
    public static String firstModule(final byte[] buffer, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (buffer[i] == '[')
            {
                int j = i + 1;
                while (j < to && isModuleChar(buffer[j]))
                {
                    j++;
                }
                if (j > i + 1 && j < to && buffer[j] == ']')
                {
                    final int length = j - i - 1;
                    return length >= 64 ? "vmlinux" : latin1(buffer, i + 1, j);
                }
            }
        }
        return null;
    }

    private static boolean isModuleChar(final byte b)
    {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_';
    }

    /**
     * A range as a string with one char per byte, which keeps every byte and compares like strcmp.
     *
     * @param buffer holding the range.
     * @param from   start of the range.
     * @param to     end (exclusive) of the range.
     * @return the string.
     */
    public static String latin1(final byte[] buffer, final int from, final int to)
    {
        return new String(buffer, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /**
     * End of the run of decimal digits that starts a range.
     *
     * @param buffer holding the range.
     * @param from   start of the range.
     * @param to     end (exclusive) of the range.
     * @return the index after the last digit, {@code from} if the range does not start with one.
     */
    public static int digitsEnd(final byte[] buffer, final int from, final int to)
    {
        int i = from;
        while (i < to && isDigit(buffer[i]))
        {
            i++;
        }
        return i;
    }

    /**
     * The sorter's one number parser: an unsigned decimal, read the way the kernel's sorter reads a timestamp
     * with strtoull: an empty, 25-or-more-digit or out-of-range value gives {@code (u64)-1}. Callers that want a
     * signed {@code long} take a negative result as out of range.
     *
     * @param buffer holding the digits.
     * @param from   start of the digits.
     * @param to     end (exclusive) of the digits.
     * @return the value as an unsigned long.
     */
    public static long parseUnsigned(final byte[] buffer, final int from, final int to)
    {
        if (to == from || to - from >= 25)
        {
            return -1L;
        }
        long value = 0;
        if (to - from <= 18)
        {
            for (int i = from; i < to; i++)
            {
                value = value * 10 + (buffer[i] - '0');
            }
            return value;
        }
        for (int i = from; i < to; i++)
        {
            final int digit = buffer[i] - '0';
            if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - digit, 10)) > 0)
            {
                return -1L;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
