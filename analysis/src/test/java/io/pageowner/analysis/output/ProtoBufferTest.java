package io.pageowner.analysis.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The wire encoding against the worked examples of the protocol buffers encoding guide; PprofToolTest proves the
 * whole profile in {@code go tool pprof}.
 */
class ProtoBufferTest
{
    private static byte[] bytes(final int... values)
    {
        final byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++)
        {
            b[i] = (byte)values[i];
        }
        return b;
    }

    @Test
    void shouldEncodeTheGuidesExamples()
    {
        final ProtoBuffer varint = new ProtoBuffer();
        varint.int64(1, 150);
        assertArrayEquals(bytes(0x08, 0x96, 0x01), varint.toByteArray());

        final ProtoBuffer string = new ProtoBuffer();
        string.string(2, "testing");
        assertArrayEquals(bytes(0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67), string.toByteArray());

        final ProtoBuffer nested = new ProtoBuffer();
        nested.message(3, varint);
        assertArrayEquals(bytes(0x1a, 0x03, 0x08, 0x96, 0x01), nested.toByteArray());

        final ProtoBuffer packed = new ProtoBuffer();
        packed.packed(4, new long[]{ 3, 270, 86942, 99 }, 3);
        assertArrayEquals(bytes(0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05), packed.toByteArray());
    }

    @Test
    void shouldWriteNegativeInt64InTenBytesAndLeaveDefaultsOut()
    {
        final ProtoBuffer negative = new ProtoBuffer();
        negative.int64(2, -1);
        assertArrayEquals(bytes(0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
            negative.toByteArray());
        assertEquals(10, ProtoBuffer.varintLength(-1));
        assertEquals(1, ProtoBuffer.varintLength(0));
        assertEquals(2, ProtoBuffer.varintLength(128));
        assertEquals(9, ProtoBuffer.varintLength(Long.MAX_VALUE));

        final ProtoBuffer defaults = new ProtoBuffer();
        defaults.int64(1, 0);
        defaults.bool(2, false);
        defaults.packed(3, new long[]{ 1 }, 0);
        assertEquals(0, defaults.size());
        defaults.string(4, "");
        assertArrayEquals(bytes(0x22, 0x00), defaults.toByteArray(), "an empty string of a repeated field is written");
    }

    @Test
    void shouldGrowPastItsFirstBuffer()
    {
        final ProtoBuffer big = new ProtoBuffer();
        final long[] values = new long[1000];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = 1L << 62;
        }
        big.packed(1, values, values.length);
        // key, a two-byte length (9000), then 1000 values of nine bytes
        assertEquals(1 + 2 + 9000, big.size());
    }
}
