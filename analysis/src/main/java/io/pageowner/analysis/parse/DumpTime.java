package io.pageowner.analysis.parse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * When a dump was taken, from its trailer's {@code # time: ts N ns, wall ISO (epoch_ms M)} line: {@code N} is on the
 * records' {@code ts} clock (ns since the JVM started), so a record's age is {@code N - ts}; {@code M} is the wall
 * clock at the same moment. Dumps by older agents and the kernel's page_owner have no such line.
 */
public final class DumpTime
{
    /**
     * What the line starts with.
     */
    public static final String PREFIX = "# time: ts ";

    private static final int TAIL_BYTES = 1 << 20;

    private final long tsNanos;
    private final long wallMillis;

    /**
     * A dump's time.
     *
     * @param tsNanos    on the records' clock.
     * @param wallMillis wall clock, ms since the epoch, or -1 if the line gave none.
     */
    public DumpTime(final long tsNanos, final long wallMillis)
    {
        this.tsNanos = tsNanos;
        this.wallMillis = wallMillis;
    }

    /**
     * The dump's instant on the records' clock.
     *
     * @return ns, comparable with the records' {@code ts}.
     */
    public long tsNanos()
    {
        return tsNanos;
    }

    /**
     * The wall clock when the dump was taken.
     *
     * @return ms since the epoch, or -1 if unknown.
     */
    public long wallMillis()
    {
        return wallMillis;
    }

    /**
     * Age of a record of this dump: the dump's time less the record's {@code ts}, 0 for a record stamped later.
     *
     * @param timestamp the record's {@code ts} in ns.
     * @return its age in ns.
     */
    public long age(final long timestamp)
    {
        return timestamp < 0 || timestamp >= tsNanos ? 0 : tsNanos - timestamp;
    }

    /**
     * Read a trailer line.
     *
     * @param line a comment line of a dump.
     * @return the time it states, or null if it is not a well-formed time line.
     */
    public static DumpTime parse(final String line)
    {
        if (!line.startsWith(PREFIX))
        {
            return null;
        }
        final int from = PREFIX.length();
        int end = from;
        while (end < line.length() && Character.isDigit(line.charAt(end)) && end - from < 19)
        {
            end++;
        }
        if (end == from || !line.startsWith(" ns", end))
        {
            return null;
        }
        final long ts = Long.parseLong(line.substring(from, end));
        long wall = -1;
        final int epoch = line.indexOf("(epoch_ms ", end);
        if (epoch > 0)
        {
            int digits = epoch + "(epoch_ms ".length();
            final int start = digits;
            while (digits < line.length() && Character.isDigit(line.charAt(digits)) && digits - start < 19)
            {
                digits++;
            }
            if (digits > start)
            {
                wall = Long.parseLong(line.substring(start, digits));
            }
        }
        return new DumpTime(ts, wall);
    }

    /**
     * Find the time line of a dump before its records are read, for the age filters: in the last MiB of a plain
     * file (the trailer is at its end), or else by reading the whole stream.
     *
     * @param path of the dump, if it is a plain file, or null.
     * @param whole opens the whole (decompressed) dump again, when the tail did not hold the line.
     * @return the time, or null if the dump has no time line.
     * @throws IOException if reading fails.
     */
    public static DumpTime find(final Path path, final Opener whole) throws IOException
    {
        if (null != path)
        {
            try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r"))
            {
                final long length = file.length();
                final long from = Math.max(0, length - TAIL_BYTES);
                final byte[] tail = new byte[(int)(length - from)];
                file.seek(from);
                file.readFully(tail);
                final String text = new String(tail, StandardCharsets.ISO_8859_1);
                DumpTime found = null;
                int start = text.indexOf(PREFIX);
                while (start >= 0)
                {
                    if (start == 0 || text.charAt(start - 1) == '\n')
                    {
                        int end = text.indexOf('\n', start);
                        end = end < 0 ? text.length() : end;
                        final DumpTime time = parse(text.substring(start, end).trim());
                        found = null == time ? found : time;
                    }
                    start = text.indexOf(PREFIX, start + 1);
                }
                if (null != found || from == 0)
                {
                    return found;
                }
            }
        }
        DumpTime found = null;
        try (InputStream in = whole.open();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1 << 16))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if (line.startsWith(PREFIX))
                {
                    final DumpTime time = parse(line.trim());
                    found = null == time ? found : time;
                }
            }
        }
        return found;
    }

    /**
     * Opens a dump from its start.
     */
    @FunctionalInterface
    public interface Opener
    {
        /**
         * Open the dump.
         *
         * @return its text, decompressed.
         * @throws IOException if it cannot be opened.
         */
        InputStream open() throws IOException;
    }
}
