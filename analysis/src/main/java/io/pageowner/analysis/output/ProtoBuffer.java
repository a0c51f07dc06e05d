package io.pageowner.analysis.output;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable buffer that encodes protocol buffer fields: varints (wire type 0), length-delimited fields (wire type
 * 2: bytes, strings, nested messages) and packed repeated varints; all {@code profile.proto} needs. A nested
 * message is encoded into a buffer of its own and then appended with {@link #message(int, ProtoBuffer)}, since its
 * length comes first.
 * <p>
 * NOTE: hand-written rather than a protobuf library, which would add a runtime of over a megabyte to the agent's jar
 * for the three wire rules used here; the real reader, {@code go tool pprof}, checks the result in the tests.
 */
final class ProtoBuffer
{
    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;

    private byte[] bytes = new byte[256];
    private int size;

    /**
     * Forget what was written, keeping the storage.
     */
    void clear()
    {
        size = 0;
    }

    /**
     * Bytes written so far.
     *
     * @return the encoded length.
     */
    int size()
    {
        return size;
    }

    /**
     * A varint field, left out when 0 as proto3 does for a default value.
     *
     * @param field number.
     * @param value to write; negative values take ten bytes, as int64 does.
     */
    void int64(final int field, final long value)
    {
        if (value != 0)
        {
            key(field, VARINT);
            varint(value);
        }
    }

    /**
     * A bool field, left out when false.
     *
     * @param field number.
     * @param value to write.
     */
    void bool(final int field, final boolean value)
    {
        int64(field, value ? 1 : 0);
    }

    /**
     * A string field, always written (an element of a repeated string may be empty). Each char is one byte: the
     * analysis reads dumps as ISO-8859-1, so this gives back the dump's own bytes.
     *
     * @param field number.
     * @param value one char per byte.
     */
    void string(final int field, final String value)
    {
        final byte[] raw = value.getBytes(StandardCharsets.ISO_8859_1);
        key(field, LENGTH_DELIMITED);
        varint(raw.length);
        append(raw, 0, raw.length);
    }

    /**
     * A nested message field, always written.
     *
     * @param field   number.
     * @param message encoded.
     */
    void message(final int field, final ProtoBuffer message)
    {
        key(field, LENGTH_DELIMITED);
        varint(message.size);
        append(message.bytes, 0, message.size);
    }

    /**
     * A packed repeated varint field, left out when empty.
     *
     * @param field  number.
     * @param values to write.
     * @param count  how many of them.
     */
    void packed(final int field, final long[] values, final int count)
    {
        if (count == 0)
        {
            return;
        }
        int length = 0;
        for (int i = 0; i < count; i++)
        {
            length += varintLength(values[i]);
        }
        key(field, LENGTH_DELIMITED);
        varint(length);
        for (int i = 0; i < count; i++)
        {
            varint(values[i]);
        }
    }

    /**
     * Write what was encoded.
     *
     * @param out to write to.
     * @throws IOException if writing fails.
     */
    void writeTo(final OutputStream out) throws IOException
    {
        out.write(bytes, 0, size);
    }

    /**
     * The encoded bytes, for tests.
     *
     * @return a copy.
     */
    byte[] toByteArray()
    {
        return Arrays.copyOf(bytes, size);
    }

    private void key(final int field, final int wireType)
    {
        varint(((long)field << 3) | wireType);
    }

    private void varint(final long value)
    {
        ensure(10);
        long v = value;
        while ((v & ~0x7FL) != 0)
        {
            bytes[size++] = (byte)((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        bytes[size++] = (byte)v;
    }

    static int varintLength(final long value)
    {
        // NOTE: 7 bits a byte; a negative value has bit 63 set and takes ten.
        final int bits = 64 - Long.numberOfLeadingZeros(value | 1);
        return (bits + 6) / 7;
    }

    private void append(final byte[] from, final int offset, final int length)
    {
        ensure(length);
        System.arraycopy(from, offset, bytes, size, length);
        size += length;
    }

    private void ensure(final int more)
    {
        if (size + more > bytes.length)
        {
            final long wanted = Math.max((long)bytes.length * 2, (long)size + more);
            if (wanted > Integer.MAX_VALUE - 16)
            {
                throw new IllegalStateException("protocol buffer message over 2 GiB");
            }
            bytes = Arrays.copyOf(bytes, (int)wanted);
        }
    }
}
