package io.pageowner.agent;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A jar held in memory whose entries are read one at a time, by name: the shaded Byte Buddy, which the
 * build nests in page-owner.jar as one entry so that every start, which opens the outer jar's directory,
 * reads ~560 entries instead of 3 650 (see {@link AgentLoader}).
 * <p>
 * Only what the build writes is read: stored or deflated entries, no ZIP64. The bytes stay compressed in
 * memory (~3 MB); an entry is inflated when its class is defined, once.
 */
final class NestedJar
{
    private static final int END_SIGNATURE = 0x06054b50;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int END_SIZE = 22;
    private static final int CENTRAL_SIZE = 46;
    private static final int LOCAL_SIZE = 30;
    private static final int STORED = 0;
    private static final int DEFLATED = 8;
    /** No class or resource of the nested jar comes near this; a garbled size above it is refused, not allocated. */
    static final int MAX_ENTRY_SIZE = 16 << 20;

    private final byte[] bytes;
    private final Map<String, Integer> centralOffsets;

    private NestedJar(final byte[] bytes, final Map<String, Integer> centralOffsets)
    {
        this.bytes = bytes;
        this.centralOffsets = centralOffsets;
    }

    /**
     * Reads a jar's central directory.
     *
     * @param bytes the whole jar.
     * @return the jar.
     * @throws ZipException if it is not a jar this class reads.
     */
    static NestedJar of(final byte[] bytes) throws ZipException
    {
        int end = bytes.length - END_SIZE;
        while (end >= 0 && END_SIGNATURE != int32(bytes, end))
        {
            end--;
        }
        if (end < 0)
        {
            throw new ZipException("no end of central directory");
        }
        final int count = int16(bytes, end + 10);
        int at = int32(bytes, end + 16);
        final Map<String, Integer> offsets = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++)
        {
            if (at < 0 || (long)at + CENTRAL_SIZE > bytes.length || CENTRAL_SIGNATURE != int32(bytes, at))
            {
                throw new ZipException("bad central directory entry " + i);
            }
            final int nameLength = int16(bytes, at + 28);
            if ((long)at + CENTRAL_SIZE + nameLength > bytes.length)
            {
                throw new ZipException("bad name length in central directory entry " + i);
            }
            final String name = new String(bytes, at + CENTRAL_SIZE, nameLength, StandardCharsets.UTF_8);
            offsets.put(name, at);
            at += CENTRAL_SIZE + nameLength + int16(bytes, at + 30) + int16(bytes, at + 32);
        }
        return new NestedJar(bytes, offsets);
    }

    /**
     * Reads one entry.
     *
     * @param name the entry's name, such as {@code a/b/C.class}.
     * @return its bytes, or null if the jar has no such entry.
     * @throws ZipException if the entry cannot be read.
     */
    byte[] read(final String name) throws ZipException
    {
        final Integer central = centralOffsets.get(name);
        if (null == central)
        {
            return null;
        }
        final int method = int16(bytes, central + 10);
        final int compressedSize = int32(bytes, central + 20);
        final int size = int32(bytes, central + 24);
        final int local = int32(bytes, central + 42);
        if (local < 0 || (long)local + LOCAL_SIZE > bytes.length || LOCAL_SIGNATURE != int32(bytes, local))
        {
            throw new ZipException("bad local header: " + name);
        }
        final int data = local + LOCAL_SIZE + int16(bytes, local + 26) + int16(bytes, local + 28);
        // NOTE: long sums: a garbled offset near 2^31 must not wrap round past the checks.
        if (compressedSize < 0 || size < 0 || size > MAX_ENTRY_SIZE || (long)data + compressedSize > bytes.length)
        {
            throw new ZipException("bad sizes: " + name);
        }
        final byte[] content = new byte[size];
        if (STORED == method && compressedSize == size)
        {
            System.arraycopy(bytes, data, content, 0, size);
            return content;
        }
        if (DEFLATED != method)
        {
            throw new ZipException("unknown method " + method + ": " + name);
        }
        final Inflater inflater = new Inflater(true);
        try
        {
            inflater.setInput(bytes, data, compressedSize);
            int done = 0;
            while (done < size)
            {
                final int n = inflater.inflate(content, done, size - done);
                if (0 == n && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary()))
                {
                    break;
                }
                done += n;
            }
            if (done != size)
            {
                throw new ZipException("short entry: " + name);
            }
            return content;
        }
        catch (final DataFormatException ex)
        {
            throw new ZipException("corrupt entry " + name + ": " + ex.getMessage());
        }
        finally
        {
            inflater.end();
        }
    }

    private static int int16(final byte[] bytes, final int at)
    {
        return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8;
    }

    private static int int32(final byte[] bytes, final int at)
    {
        return int16(bytes, at) | int16(bytes, at + 2) << 16;
    }
}
