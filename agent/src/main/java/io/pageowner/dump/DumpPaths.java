package io.pageowner.dump;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Dump file names from a pattern: {@code %p} is the process id, {@code %t} the local time
 * ({@code 20261124-093015.123}), {@code %%} a percent sign. Every trigger (the {@code dump=} option,
 * JMX, the command line) is expanded once, by the agent, with {@link #resolve(String, long, Instant)}.
 */
public final class DumpPaths
{
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS").withZone(ZoneId.systemDefault());

    private DumpPaths()
    {
    }

    /**
     * Expands a pattern.
     *
     * @param pattern e.g. {@code /var/tmp/page_owner-%p-%t.txt}.
     * @param pid     the process id.
     * @param now     the time for {@code %t}.
     * @return the path.
     */
    public static Path resolve(final String pattern, final long pid, final Instant now)
    {
        final StringBuilder sb = new StringBuilder(pattern.length() + 32);
        for (int i = 0; i < pattern.length(); i++)
        {
            final char c = pattern.charAt(i);
            if ('%' == c && i + 1 < pattern.length())
            {
                final char next = pattern.charAt(i + 1);
                if ('p' == next)
                {
                    sb.append(pid);
                    i++;
                    continue;
                }
                if ('t' == next)
                {
                    sb.append(TIME.format(now));
                    i++;
                    continue;
                }
                if ('%' == next)
                {
                    sb.append('%');
                    i++;
                    continue;
                }
            }
            sb.append(c);
        }
        return Path.of(sb.toString());
    }

    /**
     * A pattern that expands to exactly a path: for a path already expanded (by the command line, which
     * shows the user the file it asks for) on its way to the agent, which expands every path it is given.
     *
     * @param path already expanded.
     * @return the path with each {@code %} doubled.
     */
    public static String literal(final String path)
    {
        return path.replace("%", "%%");
    }
}
