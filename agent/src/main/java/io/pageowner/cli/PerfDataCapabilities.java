package io.pageowner.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a HotSpot JVM supports the attach mechanism, as its performance-data file says: the first character of
 * the string counter {@code sun.rt.jvmCapabilities} is {@code 1} unless the JVM was started with
 * {@code -XX:+DisableAttachMechanism}. The JDK's attach client reads the same counter (through jvmstat, which is
 * not exported) and refuses such a JVM before it sends SIGQUIT; {@link AttachHandshake} must do as much, since
 * such a JVM answers SIGQUIT with a thread dump on its own stdout.
 * <p>
 * The file is {@code /tmp/hsperfdata_<user>/<pid>}, a 32-byte prologue (magic {@code 0xcafec0c0} in big-endian
 * bytes, then the byte order of the rest, versions, an accessible flag, sizes, a time stamp, the offset of the
 * first entry and the number of entries) followed by entries (length, name offset, vector length, type, flags,
 * units, variability, data offset: 20 bytes, then the name and data). Anything not as expected answers "unknown".
 */
final class PerfDataCapabilities
{
    /** The counter read. */
    static final String NAME = "sun.rt.jvmCapabilities";

    private static final int MAGIC = 0xcafec0c0;
    private static final int PROLOGUE_BYTES = 32;
    private static final int ENTRY_HEADER_BYTES = 20;
    private static final int MAX_FILE_BYTES = 1 << 20;

    /** What the file says. */
    enum Attach
    {
        /** The capability is set. */
        SUPPORTED,
        /** The JVM was started with {@code -XX:+DisableAttachMechanism}. */
        DISABLED,
        /** No file, an unreadable or unexpected one ({@code -XX:-UsePerfData}, another JVM). */
        UNKNOWN
    }

    private PerfDataCapabilities()
    {
    }

    /**
     * Reads the capability of a process in this pid namespace, through its own view of {@code /tmp}.
     *
     * @param pid the process.
     * @return what its performance-data file says.
     */
    static Attach of(final long pid)
    {
        final Path tmp = Path.of("/proc", Long.toString(pid), "root", "tmp");
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, "hsperfdata_*"))
        {
            for (final Path dir : dirs)
            {
                final Path file = dir.resolve(Long.toString(pid));
                if (Files.isRegularFile(file))
                {
                    final long size = Files.size(file);
                    if (size < PROLOGUE_BYTES || size > MAX_FILE_BYTES)
                    {
                        return Attach.UNKNOWN;
                    }
                    return parse(ByteBuffer.wrap(Files.readAllBytes(file)));
                }
            }
        }
        catch (final IOException | SecurityException ex)
        {
            return Attach.UNKNOWN;
        }
        return Attach.UNKNOWN;
    }

    /**
     * Reads the capability from a performance-data file's bytes.
     *
     * @param data the file, from position 0.
     * @return what it says; {@link Attach#UNKNOWN} if it is not such a file or has no such counter.
     */
    static Attach parse(final ByteBuffer data)
    {
        try
        {
            if (data.limit() < PROLOGUE_BYTES || MAGIC != data.order(ByteOrder.BIG_ENDIAN).getInt(0))
            {
                return Attach.UNKNOWN;
            }
            data.order(0 == data.get(4) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            final int entryOffset = data.getInt(24);
            final int entries = data.getInt(28);
            int at = entryOffset;
            for (int i = 0; i < entries; i++)
            {
                if (at < PROLOGUE_BYTES || at > data.limit() - ENTRY_HEADER_BYTES)
                {
                    return Attach.UNKNOWN;
                }
                final int length = data.getInt(at);
                if (length < ENTRY_HEADER_BYTES || length > data.limit() - at)
                {
                    return Attach.UNKNOWN;
                }
                if (NAME.equals(name(data, at + data.getInt(at + 4), at + length)))
                {
                    final int value = at + data.getInt(at + 16);
                    final int vector = data.getInt(at + 8);
                    if (vector < 1 || value < at || value >= at + length || value >= data.limit())
                    {
                        return Attach.UNKNOWN;
                    }
                    final byte first = data.get(value);
                    return '1' == first ? Attach.SUPPORTED : '0' == first ? Attach.DISABLED : Attach.UNKNOWN;
                }
                at += length;
            }
            return Attach.UNKNOWN;
        }
        catch (final IndexOutOfBoundsException ex)
        {
            return Attach.UNKNOWN;
        }
    }

    private static String name(final ByteBuffer data, final int from, final int end)
    {
        final int limit = Math.min(end, data.limit());
        if (from < 0 || from >= limit)
        {
            return "";
        }
        int to = from;
        while (to < limit && 0 != data.get(to))
        {
            to++;
        }
        final byte[] bytes = new byte[to - from];
        data.get(from, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
