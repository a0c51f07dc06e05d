package io.pageowner.table;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnerRecordTest
{
    private static final long PAGE_ALIGNED = 0x7f00_0000_0000L;

    @ParameterizedTest
    @CsvSource({
        "1, 1, 0",
        "4096, 1, 0",
        "4097, 2, 1",
        "8192, 2, 1",
        "12288, 3, 2",
        "16384, 4, 2",
        "16385, 5, 3",
        "10485760, 2560, 12",
        "0, 1, 0"
    })
    void shouldComputePageCountAndOrderOfPageAlignedBlock(final long size, final long pages, final int order)
    {
        final OwnerRecord record = new OwnerRecord().set(PAGE_ALIGNED, size, 0, 0, 0, 0, 12);

        assertEquals(pages, record.pageCount());
        assertEquals(order, record.order());
        assertEquals(PAGE_ALIGNED >>> 12, record.firstPage());
        assertEquals((PAGE_ALIGNED >>> 12) + pages - 1, record.lastPage());
    }

    @Test
    void shouldCountPageCrossedByBlockStartingNearEndOfPage()
    {
        final OwnerRecord record = new OwnerRecord().set(PAGE_ALIGNED + 4000, 200, 0, 0, 0, 0, 12);

        assertEquals(2, record.pageCount());
        assertEquals(1, record.order());
        assertEquals(record.firstPage() + 1, record.lastPage());
    }

    @Test
    void shouldKeepOnePageForBlockEndingOnLastByteOfPage()
    {
        final OwnerRecord record = new OwnerRecord().set(PAGE_ALIGNED + 4000, 96, 0, 0, 0, 0, 12);

        assertEquals(1, record.pageCount());
        assertEquals(PAGE_ALIGNED + 4095, record.lastAddress());
    }

    @Test
    void shouldComputeOrderAsCeilingOfLog2()
    {
        assertEquals(0, OwnerRecord.order(1));
        assertEquals(1, OwnerRecord.order(2));
        assertEquals(2, OwnerRecord.order(3));
        assertEquals(2, OwnerRecord.order(4));
        assertEquals(3, OwnerRecord.order(5));
        assertEquals(10, OwnerRecord.order(1024));
        assertEquals(11, OwnerRecord.order(1025));
    }

    @Test
    void shouldContainExactlyItsBytes()
    {
        final OwnerRecord record = new OwnerRecord().set(1000, 24, 0, 0, 0, 0, 12);

        assertFalse(record.contains(999));
        assertTrue(record.contains(1000));
        assertTrue(record.contains(1023));
        assertFalse(record.contains(1024));
    }

    @Test
    void shouldNotWrapAroundTopOfAddressSpace()
    {
        final OwnerRecord record = new OwnerRecord().set(-16L, 64, 0, 0, 0, 0, 12);

        assertEquals(-1L, record.lastAddress());
        assertTrue(record.contains(-1L));
        assertFalse(record.contains(0));
        assertEquals(1, record.pageCount());
    }

    @Test
    void shouldCopyAllFields()
    {
        final OwnerRecord source = new OwnerRecord().set(1, 2, 3, 4, 5, 6, 14);
        final OwnerRecord copy = new OwnerRecord().copyFrom(source);

        assertEquals(1, copy.address());
        assertEquals(2, copy.size());
        assertEquals(3, copy.timestampNs());
        assertEquals(4, copy.threadRef());
        assertEquals(5, copy.stackId());
        assertEquals(6, copy.kind());
        assertEquals(14, copy.pageShift());
    }
}
