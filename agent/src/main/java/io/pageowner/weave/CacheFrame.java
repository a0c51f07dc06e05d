package io.pageowner.weave;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Adler32;
import java.util.zip.CRC32;

/**
 * How a {@link WovenCache} entry's file is framed: magic and format first, a CRC32 of everything before it
 * last, and the helpers that read entries in place, without streams (they run in the interpreter at start).
 */
final class CacheFrame
{
    /**
     * 2: the original bytes as their length, CRC32 and Adler-32, no longer in full; 3: a class entry's flags byte
     * (woven bytes, a pool's note) where a boolean was.
     */
    static final int FORMAT = 3;
    /** Magic and format, before an entry's content. */
    static final int FRAME_HEAD = 8;
    /** A class entry's flags: woven bytes follow. */
    static final int CHANGED = 1;
    /** A class entry's flags: a note follows the bytes, if any. */
    static final int NOTED = 2;

    private CacheFrame()
    {
    }

    /**
     * What an entry keeps of the original bytes the JVM handed the transformer: their length, CRC32 and Adler-32,
     * two checksums of different construction, both computed natively. A warm start used to compare the original
     * bytes in full (~110 KiB for the five JDK classes, byte for byte in the interpreter, and hashed the same way
     * for the file name): 4-8 ms of it. An entry also holds the JDK's identity (home, versions, VM), compared
     * exactly: another JDK build's class is never taken, and a rebuilt JDK of the same version and home would
     * have to agree in length and in both 32-bit sums.
     */
    static final class Original
    {
        final int length;
        final int crc;
        final int adler;

        Original(final byte[] bytes)
        {
            final CRC32 crc32 = new CRC32();
            crc32.update(bytes, 0, bytes.length);
            final Adler32 adler32 = new Adler32();
            adler32.update(bytes, 0, bytes.length);
            length = bytes.length;
            crc = (int)crc32.getValue();
            adler = (int)adler32.getValue();
        }
    }

    /**
     * Checks an entry's frame: magic, format and the CRC32 at its end.
     *
     * @param all   the entry's file, or null.
     * @param magic the kind of entry expected.
     * @return where its content ends (it starts at {@link #FRAME_HEAD}), or -1 if the frame does not hold.
     */
    static int contentEnd(final byte[] all, final int magic)
    {
        if (null == all || all.length < FRAME_HEAD + 8)
        {
            return -1;
        }
        final int end = all.length - 8;
        if (int32(all, 0) != magic || int32(all, 4) != FORMAT)
        {
            return -1;
        }
        final CRC32 crc = new CRC32();
        crc.update(all, 0, end);
        return ((long)int32(all, end) << 32 | (int32(all, end + 4) & 0xffffffffL)) == crc.getValue() ? end : -1;
    }

    static int int32(final byte[] bytes, final int at)
    {
        return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8 |
            bytes[at + 3] & 0xff;
    }

    /**
     * A string as {@link DataOutputStream#writeUTF} writes it, length first.
     */
    static byte[] modifiedUtf8(final String text)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length() + 2);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeUTF(text);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        return bytes.toByteArray();
    }

    static byte[] frame(final int magic, final byte[] content)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(content.length + 16);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeInt(magic);
            out.writeInt(FORMAT);
            out.write(content);
            final CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        return bytes.toByteArray();
    }

    /**
     * The end of a class entry, after its name, JDK and sums: its flags, then the woven bytes and the note each
     * flag says follow, each as a length and its bytes.
     *
     * @param all the entry's file.
     * @param at  where the flags byte is.
     * @param end where the content ends (before the CRC).
     * @return the entry, or null if the rest is not exactly that.
     */
    static WovenCache.Woven classTail(final byte[] all, final int at, final int end)
    {
        final int flags = all[at];
        int next = at + 1;
        byte[] woven = null;
        if (0 != (flags & CHANGED))
        {
            final int length = blockLength(all, next, end);
            if (length < 0)
            {
                return null;
            }
            woven = Arrays.copyOfRange(all, next + 4, next + 4 + length);
            next += 4 + length;
        }
        String note = null;
        if (0 != (flags & NOTED))
        {
            final int length = blockLength(all, next, end);
            if (length < 0)
            {
                return null;
            }
            note = new String(all, next + 4, length, StandardCharsets.UTF_8);
            next += 4 + length;
        }
        return next == end ? new WovenCache.Woven(woven, note) : null;
    }

    /**
     * The length of a block (a length, then that many bytes) that starts at an offset, if it fits before the end.
     *
     * @param all  the entry's file.
     * @param next where the block's length is.
     * @param end  where the content ends.
     * @return the block's length, or -1 if the length or the bytes do not fit.
     */
    private static int blockLength(final byte[] all, final int next, final int end)
    {
        // NOTE: compared as what is left, so that a garbled length near 2^31 cannot overflow past the check.
        final int length = end - next < 4 ? -1 : int32(all, next);
        return length < 0 || length > end - next - 4 ? -1 : length;
    }
}
