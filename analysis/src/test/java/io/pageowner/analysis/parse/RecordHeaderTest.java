package io.pageowner.analysis.parse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RecordHeaderTest
{
    private static RecordHeader parse(final String line)
    {
        final byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
        final RecordHeader header = new RecordHeader(bytes, 0);
        assertNull(header.parse(), line);
        return header;
    }

    private static String error(final String line)
    {
        final byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
        final String error = new RecordHeader(bytes, 0).parse();
        assertTrue(null != error, "should be refused: " + line);
        return error;
    }

    @Test
    void shouldParseOurHeader()
    {
        final RecordHeader h = parse(
            "Page allocated via order 2, mask 0x11(UNSAFE|REALLOC), pid 1, tgid 48213 (main), ts  ns");
        assertEquals(2, h.order);
        assertEquals(4, h.pages);
        assertEquals("UNSAFE|REALLOC", h.kind);
        assertArrayEquals(new String[]{ "UNSAFE", "REALLOC" }, h.kindNames);
        assertEquals(1, h.pid);
        assertEquals(48213, h.tgid);
        assertEquals("main", h.comm);
        assertEquals(h.bytes.length - 3, h.tsOffset);
    }

    @Test
    void shouldTakeCommToTheLastTsLikeTheKernelsGreedyRegex()
    {
        assertEquals("(sd-pam)", parse(
            "Page allocated via order 0, mask 0x0(), pid 9, tgid 9 ((sd-pam)), ts  ns").comm);
        assertEquals("a), ts 5 ns, (b", parse(
            "Page allocated via order 0, mask 0x0(), pid 9, tgid 9 (a), ts 5 ns, (b), ts  ns").comm);
        assertEquals("Netty (epoll) 1", parse(
            "Page allocated via order 0, mask 0x2(DIRECT), pid 31, tgid 4 (Netty (epoll) 1), ts  ns").comm);
    }

    @Test
    void shouldParseEveryKernelEra()
    {
        final RecordHeader freeTs = parse("Page allocated via order 1, mask 0x52dc0(GFP_KERNEL|__GFP_ZERO), pid 87, " +
            "tgid 87 (kworker/u8:3), ts  ns, free_ts 12 ns");
        assertEquals("kworker/u8:3", freeTs.comm);
        assertEquals(2, freeTs.pages);

        final RecordHeader noTgid = parse("Page allocated via order 0, mask 0x152cc0(GFP_USER), pid 1234, ts  ns, " +
            "free_ts 0 ns");
        assertEquals(1234, noTgid.pid);
        assertEquals(-1, noTgid.tgid);
        assertEquals("", noTgid.comm);

        final RecordHeader old = parse("Page allocated via order 3, mask 0x200da");
        assertEquals(8, old.pages);
        assertEquals(-1, old.pid);
        assertEquals("", old.kind);
        assertEquals(-1, old.tsOffset);

        assertEquals(1, parse("Page allocated via order 0").pages);
        assertEquals("", parse("Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper/0), ts  ns").kind);
    }

    @Test
    void shouldAcceptUnknownFieldsOfLaterKernels()
    {
        final RecordHeader h = parse("Page allocated via order 0, mask 0x2(DIRECT), pid 1, tgid 2 (x), ts  ns, " +
            "node 1, memcg_id 77");
        assertEquals("x", h.comm);
    }

    @Test
    void shouldRefuseHeadersCutShort()
    {
        assertTrue(error("Page allocated via order 2, mask 0x2(DIR").contains("'mask'"));
        assertTrue(error("Page allocated via order 2, mask 0x2(DIRECT), pid 1, tgid 48213 (ma").contains("'tgid'"));
        assertTrue(error("Page allocated via order 2, mask 0x2(DIRECT), pid 1, tgid 48213 (main), ts 8123")
            .contains("'ts'"));
        assertTrue(error("Page allocated via order 2, mask 0x2(DIRECT), pid").contains("truncated field"));
        assertTrue(error("Page allocated via order 2, mask 0x2(DIRECT), pid 1, tg").contains("truncated field"));
        assertTrue(error("Page allocated via order 2, mask 0x2(DIRECT),").contains("expected ', <field> <value>'"));
        assertTrue(error("Page allocated via order ").contains("expected an order"));
        assertTrue(error("Page allocated via order 99, mask 0x2").contains("out of range"));
        assertTrue(error("Page allocated via order 2 mask").contains("expected ', <field> <value>'"));
        assertTrue(error("Page allocated via orders").contains("expected a record header"));
    }

    @Test
    void shouldFindTheTimestampDigits()
    {
        final byte[] line = "Page allocated via order 0, mask 0x0(), pid 1, tgid 1 (a, ts 1 ns), ts 42 ns, free_ts 7 ns"
            .getBytes(StandardCharsets.US_ASCII);
        final int digits = RecordHeader.findTimestamp(line, 0, line.length);
        assertEquals("42", new String(line, digits, 2, StandardCharsets.US_ASCII));
        final byte[] none = "Page allocated via order 0, mask 0x0".getBytes(StandardCharsets.US_ASCII);
        assertEquals(-1, RecordHeader.findTimestamp(none, 0, none.length));
    }

    @Test
    void shouldParseTimestampsLikeStrtoull()
    {
        final byte[] digits = "18446744073709551615184467440737095516160123".getBytes(StandardCharsets.US_ASCII);
        assertEquals(-1L, Bytes.parseUnsigned(digits, 0, 0), "empty");
        assertEquals(-1L, Bytes.parseUnsigned(digits, 0, 20), "u64 max");
        assertEquals(-1L, Bytes.parseUnsigned(digits, 20, 41), "overflow");
        assertEquals(1844674407370955161L, Bytes.parseUnsigned(digits, 0, 19));
        assertEquals(Long.parseUnsignedLong("18446744073709551614"),
            Bytes.parseUnsigned("18446744073709551614".getBytes(StandardCharsets.US_ASCII), 0, 20));
        assertEquals(123, Bytes.parseUnsigned(digits, 41, 44));
    }
}
