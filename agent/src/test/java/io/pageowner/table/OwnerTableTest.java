package io.pageowner.table;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnerTableTest
{
    private static final int PAGE_SHIFT = 12;
    private static final long PAGE = 1L << PAGE_SHIFT;
    private static final long BASE = 0x7f12_3456_0000L;
    private static final long MIB = 1024 * 1024;

    private final OwnerTable table = new OwnerTable(1024, PAGE_SHIFT);
    private final OwnerRecord record = new OwnerRecord();

    @AfterEach
    void after()
    {
        table.close();
    }

    @Test
    void shouldComputePageShiftOfPageSize()
    {
        assertEquals(12, OwnerTable.pageShift(4096));
        assertEquals(16, OwnerTable.pageShift(65536));
        assertThrows(IllegalArgumentException.class, () -> OwnerTable.pageShift(4095));
        assertThrows(IllegalArgumentException.class, () -> OwnerTable.pageShift(0));
    }

    @Test
    void shouldRoundCapacityUpToPowerOfTwo()
    {
        try (OwnerTable other = new OwnerTable(1000, PAGE_SHIFT))
        {
            assertEquals(1024, other.capacity());
        }
        try (OwnerTable other = new OwnerTable(1, PAGE_SHIFT))
        {
            assertEquals(OwnerTable.MIN_CAPACITY, other.capacity());
        }
        assertThrows(IllegalArgumentException.class, () -> new OwnerTable(0, PAGE_SHIFT));
        assertThrows(IllegalArgumentException.class, () -> new OwnerTable(OwnerTableDescriptor.MAX_CAPACITY + 1, 12));
    }

    @Test
    void shouldInsertAndFindRecordByStartAddress()
    {
        final int slot = table.insert(BASE, 64, 123L, 7, 42, 3);

        assertTrue(slot >= 0);
        assertTrue(table.ownerOf(BASE, record));
        assertRecord(record, BASE, 64, 123L, 7, 42, 3);
        assertEquals(1, table.liveCount());
        assertEquals(64, table.liveBytes());
        assertEquals(1, table.livePages());
    }

    @Test
    void shouldRemoveRecordAndCopyItOut()
    {
        table.insert(BASE, 64, 123L, 7, 42, 0xFFFF);

        assertTrue(table.remove(BASE, record));
        assertRecord(record, BASE, 64, 123L, 7, 42, 0xFFFF);
        assertFalse(table.ownerOf(BASE, record));
        assertEquals(0, table.liveCount());
        assertEquals(0, table.liveBytes());
        assertEquals(0, table.livePages());
        assertFalse(table.remove(BASE, null));
    }

    @Test
    void shouldReturnFalseWhenRemovingUnknownAddress()
    {
        assertFalse(table.remove(BASE, record));
        table.insert(BASE, 4096, 1, 1, 1, 1);

        assertFalse(table.remove(BASE + 8, record));
        assertFalse(table.remove(BASE - 4096, null));
        assertEquals(1, table.liveCount());
    }

    @Test
    void shouldFindOwnerOfInteriorAddress()
    {
        final long size = 10 * MIB;
        final long address = BASE + 16;
        table.insert(address, size, 5, 6, 7, 8);

        assertTrue(table.ownerOf(address + (size / 2), record));
        assertEquals(address, record.address());
        assertTrue(table.ownerOf(address + 1, record));
        assertEquals(address, record.address());
    }

    @Test
    void shouldFindOwnerOfLastByteButNotOneBytePastEnd()
    {
        final long size = 3 * PAGE + 100;
        table.insert(BASE, size, 5, 6, 7, 8);

        assertTrue(table.ownerOf(BASE + size - 1, record));
        assertEquals(BASE, record.address());
        assertFalse(table.ownerOf(BASE + size, record));
        assertFalse(table.ownerOf(BASE - 1, record));
    }

    @Test
    void shouldFindOwnersOfEveryLevelAmongNeighbours()
    {
        final long[] sizes = {1, 255, 256, 4096, 8192, 8193, 300_000, 9 * MIB, 300 * MIB};
        final long[] addresses = new long[sizes.length];
        long address = BASE;
        for (int i = 0; i < sizes.length; i++)
        {
            addresses[i] = address;
            table.insert(address, sizes[i], i, i, i, i);
            address += sizes[i] + 8;
        }

        for (int i = 0; i < sizes.length; i++)
        {
            for (final long probe :
                new long[]{ addresses[i], addresses[i] + sizes[i] / 2, addresses[i] + sizes[i] - 1 })
            {
                assertTrue(table.ownerOf(probe, record), "probe " + probe);
                assertEquals(addresses[i], record.address());
                assertEquals(sizes[i], record.size());
            }
            assertFalse(table.ownerOf(addresses[i] + sizes[i] + 1, record));
        }

        for (int i = 0; i < sizes.length; i++)
        {
            assertTrue(table.remove(addresses[i], record));
            assertEquals(sizes[i], record.size());
            assertFalse(table.ownerOf(addresses[i] + sizes[i] / 2, record));
        }
        assertEquals(0, table.liveCount());
    }

    @Test
    void shouldFindAllSmallRecordsSharingPage()
    {
        final long page = BASE >>> PAGE_SHIFT;
        final Set<Long> expected = new HashSet<>();
        for (int i = 0; i < 64; i++)
        {
            final long address = BASE + (i * 64L);
            table.insert(address, 48, i, i, i, i);
            expected.add(address);
        }
        table.insert(BASE + PAGE, 64, 0, 0, 0, 0);
        table.insert(BASE - 64, 64, 0, 0, 0, 0);

        final Set<Long> seen = new HashSet<>();
        final int count = table.forEachOwnerOfPage(page, (r) -> assertTrue(seen.add(r.address())));

        assertEquals(64, count);
        assertEquals(expected, seen);
    }

    @Test
    void shouldFindSmallAndLargeOwnersOfPage()
    {
        final long page = (BASE >>> PAGE_SHIFT) + 100;
        final long pageStart = page << PAGE_SHIFT;
        table.insert(BASE, 2 * MIB, 0, 0, 0, 0);
        table.insert(pageStart - 10, 20, 0, 0, 0, 0);
        table.insert(pageStart + 100, 8, 0, 0, 0, 0);
        table.insert(pageStart + PAGE - 1, 1, 0, 0, 0, 0);
        table.insert(pageStart + PAGE, 1, 0, 0, 0, 0);
        table.insert(pageStart - 10, 20, 0, 0, 0, 0);

        final List<Long> seen = new ArrayList<>();
        final int count = table.forEachOwnerOfPage(page, (r) -> seen.add(r.address()));

        assertEquals(4, count);
        assertEquals(Set.of(BASE, pageStart - 10, pageStart + 100, pageStart + PAGE - 1), new HashSet<>(seen));
        assertEquals(0, table.forEachOwnerOfPage(page + 1000, (r) -> {}));
    }

    @Test
    void shouldComputePagesOfRecordsLikePageOwnerSort()
    {
        final long[][] cases = {
            {BASE, 1, 1, 0},
            {BASE + PAGE, 4096, 1, 0},
            {BASE + 2 * PAGE, 4097, 2, 1},
            {BASE + 8 * PAGE, 3 * 4096, 3, 2},
            {BASE + 16 * PAGE, 10 * MIB, 2560, 12},
            {BASE + 4000 * PAGE + 4000, 200, 2, 1},
        };
        long pages = 0;
        for (final long[] c : cases)
        {
            table.insert(c[0], c[1], 0, 0, 0, 0);
            pages += c[2];
        }

        for (final long[] c : cases)
        {
            assertTrue(table.ownerOf(c[0], record));
            assertEquals(c[2], record.pageCount(), "pages of size " + c[1]);
            assertEquals(c[3], record.order(), "order of size " + c[1]);
        }
        assertEquals(pages, table.livePages());
    }

    @Test
    void shouldReturnMinusOneWhenFullWithoutCorruption()
    {
        final int capacity = table.capacity();
        final Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < capacity; i++)
        {
            final int slot = table.insert(BASE + i * 128L, 100, i, i, i, i);
            assertTrue(slot >= 0 && slot < capacity);
            assertTrue(slots.add(slot));
        }

        assertEquals(-1, table.insert(BASE - 4096, 100, 0, 0, 0, 0));
        assertEquals(-1, table.insert(BASE + capacity * 128L, 100, 0, 0, 0, 0));
        assertEquals(capacity, table.liveCount());
        assertEquals(capacity * 100L, table.liveBytes());

        for (int i = 0; i < capacity; i++)
        {
            assertTrue(table.ownerOf(BASE + i * 128L + 50, record));
            assertRecord(record, BASE + i * 128L, 100, i, i, i, i);
        }
        assertEquals(capacity, table.forEach((r) -> {}));

        assertTrue(table.remove(BASE + 128, null));
        assertTrue(table.insert(BASE - 4096, 100, 0, 0, 0, 0) >= 0);
        assertEquals(-1, table.insert(BASE - 8192, 100, 0, 0, 0, 0));
    }

    @Test
    void shouldReplaceRecordWithSameStartAddressWhenFull()
    {
        for (int i = 0; i < table.capacity(); i++)
        {
            table.insert(BASE + i * 128L, 100, i, i, i, i);
        }

        assertTrue(table.insert(BASE, 50, 9, 9, 9, 9) >= 0);
        assertEquals(1, table.staleReplaced());
        assertEquals(table.capacity(), table.liveCount());
        assertTrue(table.ownerOf(BASE, record));
        assertRecord(record, BASE, 50, 9, 9, 9, 9);
    }

    @Test
    void shouldReplaceDuplicateStartAddressAndCountIt()
    {
        table.insert(BASE, 64, 1, 1, 1, 1);
        table.insert(BASE, 128, 2, 2, 2, 2);

        assertEquals(1, table.staleReplaced());
        assertEquals(1, table.liveCount());
        assertEquals(128, table.liveBytes());
        assertTrue(table.ownerOf(BASE + 100, record));
        assertRecord(record, BASE, 128, 2, 2, 2, 2);

        table.insert(BASE, 5 * MIB, 3, 3, 3, 3);

        assertEquals(2, table.staleReplaced());
        assertEquals(1, table.liveCount());
        assertEquals(5 * MIB, table.liveBytes());
        assertEquals(1, table.forEach((r) -> assertEquals(5 * MIB, r.size())));

        table.insert(BASE, 16, 4, 4, 4, 4);

        assertEquals(3, table.staleReplaced());
        assertFalse(table.ownerOf(BASE + 100, record));
        assertTrue(table.remove(BASE, record));
        assertEquals(16, record.size());
        assertFalse(table.remove(BASE, record));
        assertEquals(0, table.liveCount());
    }

    @Test
    void shouldForgetFreedRecordsAtOnce()
    {
        final Map<Long, Long> live = new HashMap<>();
        for (int i = 0; i < 200; i++)
        {
            final long address = BASE + i * 3 * PAGE;
            final long size = 1 + (i * 997L) % (2 * PAGE);
            table.insert(address, size, i, i, i, i);
            live.put(address, size);
        }

        for (int i = 0; i < 200; i += 2)
        {
            final long address = BASE + i * 3 * PAGE;
            assertTrue(table.remove(address, null));
            live.remove(address);
            assertFalse(table.ownerOf(address, record));
            assertEquals(0, table.forEachOwnerOfPage(address >>> PAGE_SHIFT, (r) -> {}));
        }

        final Map<Long, Long> seen = new HashMap<>();
        assertEquals(100, table.forEach((r) -> seen.put(r.address(), r.size())));
        assertEquals(live, seen);
        assertEquals(100, table.liveCount());
        assertEquals(live.values().stream().mapToLong(Long::longValue).sum(), table.liveBytes());
    }

    @Test
    void shouldReuseFreedSlots()
    {
        for (int round = 0; round < 10; round++)
        {
            for (int i = 0; i < table.capacity(); i++)
            {
                assertNotEquals(-1, table.insert(BASE + i * 64L, 64, round, i, i, i));
            }
            for (int i = 0; i < table.capacity(); i++)
            {
                assertTrue(table.remove(BASE + i * 64L, record));
                assertEquals(round, record.timestampNs());
            }
        }
        assertEquals(0, table.liveCount());
        assertEquals(0, table.forEach((r) -> {}));
    }

    @Test
    void shouldMatchModelUnderRandomOperationsInCollidingBuckets()
    {
        for (long seed = 0; seed < 40; seed++)
        {
            final SplittableRandom random = new SplittableRandom(seed);
            try (OwnerTable small = new OwnerTable(16, PAGE_SHIFT))
            {
                final Map<Long, Long> model = new HashMap<>();
                final long[] addresses = new long[40];
                for (int i = 0; i < addresses.length; i++)
                {
                    addresses[i] = BASE + (random.nextLong(64) * PAGE) + (random.nextInt(16) * 256L) + 16;
                }

                for (int op = 0; op < 2000; op++)
                {
                    final long address = addresses[random.nextInt(addresses.length)];
                    if (random.nextBoolean())
                    {
                        final long size = random.nextInt(3) == 0 ?
                            random.nextLong(1, 4 * MIB) : random.nextLong(0, 200);
                        if (small.insert(address, size, size, 1, 2, 3) >= 0)
                        {
                            model.put(address, size);
                        }
                        else if (!small.ownerOf(address, record) || record.address() != address)
                        {
                            model.remove(address);
                        }
                    }
                    else
                    {
                        final Long size = model.remove(address);
                        assertEquals(null != size, small.remove(address, record), "seed " + seed + " op " + op);
                        if (null != size)
                        {
                            assertEquals(size, record.size());
                        }
                    }
                    assertEquals(model.size(), small.liveCount(), "seed " + seed + " op " + op);
                }

                final Map<Long, Long> seen = new HashMap<>();
                small.forEach((r) -> seen.put(r.address(), r.size()));
                assertEquals(model, seen, "seed " + seed);
                assertEquals(model.values().stream().mapToLong(Long::longValue).sum(), small.liveBytes());
                for (final Map.Entry<Long, Long> e : model.entrySet())
                {
                    final long last = OwnerRecord.lastAddress(e.getKey(), e.getValue());
                    assertTrue(small.ownerOf(last, record));
                    assertTrue(record.contains(last) && model.containsKey(record.address()));
                    final long page = last >>> PAGE_SHIFT;
                    final long owners = model.entrySet().stream()
                        .filter((o) -> (o.getKey() >>> PAGE_SHIFT) <= page &&
                            (OwnerRecord.lastAddress(o.getKey(), o.getValue()) >>> PAGE_SHIFT) >= page)
                        .count();
                    assertEquals(owners, small.forEachOwnerOfPage(page, (r) -> {}));
                }
            }
        }
    }

    @Test
    void shouldFindEveryRecordOfChainsSharingBucketsInFullSmallTable()
    {
        try (OwnerTable small = new OwnerTable(OwnerTable.MIN_CAPACITY, PAGE_SHIFT))
        {
            // More keys than buckets (capacity / RECORDS_PER_BUCKET), so chains must hold several keys each.
            final int count = small.capacity();
            final long[] addresses = new long[count];
            final long[] sizes = new long[count];
            for (int i = 0; i < count; i++)
            {
                addresses[i] = BASE + (i * 3 * PAGE) + ((i % 4) * 256L) + 8;
                sizes[i] = 0 == i % 5 ? 2 * MIB + i : 40 + i;
                assertTrue(small.insert(addresses[i], sizes[i], i, i, i, i) >= 0);
            }
            assertEquals(-1, small.insert(BASE - PAGE, 1, 0, 0, 0, 0));

            final boolean[] live = new boolean[count];
            java.util.Arrays.fill(live, true);
            final int[] order = { 7, 0, 15, 3, 10, 1, 12, 5, 14, 2, 9, 4, 11, 6, 13, 8 };
            for (final int victim : order)
            {
                for (int i = 0; i < count; i++)
                {
                    if (live[i])
                    {
                        assertTrue(small.ownerOf(addresses[i] + sizes[i] - 1, record), "record " + i);
                        if (record.address() == addresses[i])
                        {
                            assertRecord(record, addresses[i], sizes[i], i, i, i, i);
                        }
                        else
                        {
                            // Only a large record may overlap a later one; then the other one must be live.
                            assertTrue(record.contains(addresses[i] + sizes[i] - 1));
                        }
                    }
                }
                assertTrue(small.remove(addresses[victim], record));
                assertRecord(record, addresses[victim], sizes[victim], victim, victim, victim, victim);
                assertFalse(small.remove(addresses[victim], record));
                live[victim] = false;
            }
            assertEquals(0, small.liveCount());
            assertEquals(0, small.forEach((r) -> {}));
        }
    }

    @Test
    void shouldStayCorrectWhenLargeRecordCountOfHomeBucketSaturates()
    {
        final int large = OwnerTableDescriptor.BUCKET_LARGE_COUNT_MAX + 9;
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < large; i++)
            {
                assertTrue(table.insert(BASE + i * 8L, MIB + i, round, i, i, i) >= 0);
            }
            table.insert(BASE + 4, 4, 0, 0, 0, 0);

            assertEquals(large + 1, table.liveCount());
            assertTrue(table.ownerOf(BASE + MIB / 2, record));
            assertEquals(large + 1, table.forEachOwnerOfPage(BASE >>> PAGE_SHIFT, (r) -> {}));
            assertFalse(table.remove(BASE + 1, record));

            for (int i = large - 1; i >= 0; i--)
            {
                assertTrue(table.remove(BASE + i * 8L, record));
                assertEquals(MIB + i, record.size());
                assertEquals(round, record.timestampNs());
            }
            assertTrue(table.remove(BASE + 4, record));
            assertEquals(0, table.liveCount());
            assertFalse(table.ownerOf(BASE + MIB / 2, record));
        }
    }

    @Test
    void shouldReadRecordBySlot()
    {
        final int slot = table.insert(BASE, 10, 11, 12, 13, 14);

        assertTrue(table.read(slot, record));
        assertRecord(record, BASE, 10, 11, 12, 13, 14);
        assertFalse(table.read(slot + 1, record));
        assertFalse(table.read(-1, record));
        assertFalse(table.read(table.capacity(), record));
    }

    @Test
    void shouldHandleZeroSizeAsOneByte()
    {
        table.insert(BASE + 100, 0, 1, 1, 1, 1);

        assertTrue(table.ownerOf(BASE + 100, record));
        assertFalse(table.ownerOf(BASE + 101, record));
        assertEquals(1, table.livePages());
    }

    @Test
    void shouldKeepFootprintWithinBudgetPerRecord()
    {
        try (OwnerTable large = new OwnerTable(1 << 20, PAGE_SHIFT))
        {
            final int segmentLength = OwnerTableDescriptor.segmentLength(large.capacity());
            assertEquals(8192 * OwnerTableDescriptor.RECORD_LENGTH, segmentLength);
            final long index = OwnerTableDescriptor.requiredLength(large.capacity());
            assertEquals(
                OwnerTableDescriptor.FIXED_LENGTH + (128 * 8) + ((long)OwnerTableDescriptor.BUCKET_LENGTH << 19),
                index);
            assertEquals(0, large.segmentsAllocated());
            assertEquals(index + 64, large.footprintBytes(), "only the index at start");

            for (int i = 0; i < 10_000; i++)
            {
                assertTrue(large.insert(BASE + i * 64L, 48, i, i, i, i) >= 0);
            }
            assertEquals(2, large.segmentsAllocated());
            assertEquals(index + 64 + (2L * segmentLength), large.footprintBytes());

            for (int i = 0; i < 10_000; i++)
            {
                assertTrue(large.remove(BASE + i * 64L, null));
            }
            for (int i = 0; i < 10_000; i++)
            {
                assertTrue(large.insert(BASE + MIB + i * 64L, 48, i, i, i, i) >= 0);
            }
            assertEquals(2, large.segmentsAllocated(), "freed slots are reused before new segments");

            final double perSlotAtCapacity =
                (index + 64 + ((long)large.capacity() * OwnerTableDescriptor.RECORD_LENGTH)) / (double)large.capacity();
            assertTrue(
                perSlotAtCapacity <= OwnerTableDescriptor.BYTES_PER_RECORD + 0.01, "per slot: " + perSlotAtCapacity);
        }

        final OwnerTable full = new OwnerTable(OwnerTable.MIN_CAPACITY, PAGE_SHIFT);
        for (int i = 0; i < full.capacity(); i++)
        {
            assertTrue(full.insert(BASE + i * 64L, 48, i, i, i, i) >= 0);
        }
        assertEquals(1, full.segmentsAllocated());
        assertEquals(OwnerTableDescriptor.requiredLength(full.capacity()) + 64 +
            (long)OwnerTableDescriptor.RECORD_LENGTH * full.capacity(), full.footprintBytes());
        full.close();
        assertEquals(0, full.footprintBytes());
        assertEquals(0, full.segmentsAllocated());
    }

    @Test
    void shouldKeepLargestSizeAndEveryKindBitInOneWord()
    {
        final long maxSize = OwnerTableDescriptor.MAX_SIZE;
        assertEquals((1L << 48) - 1, maxSize);
        assertEquals(0xFFFF, OwnerTableDescriptor.MAX_KIND);

        final int slot = table.insert(0, maxSize, 1, 2, 3, 0xFFFF);
        assertTrue(slot >= 0);
        assertTrue(table.read(slot, record));
        assertRecord(record, 0, maxSize, 1, 2, 3, 0xFFFF);
        assertTrue(table.ownerOf(maxSize - 1, record));
        assertFalse(table.ownerOf(maxSize, record));
        assertEquals(maxSize, table.liveBytes());

        table.insert(BASE, 1, 4, 5, 6, 0x8000);
        table.insert(BASE + 64, 2, 4, 5, 6, 0);
        table.insert(BASE + 128, 3, 4, 5, 6, 0x1_0021);
        assertTrue(table.ownerOf(BASE, record));
        assertEquals(0x8000, record.kind());
        assertEquals(1, record.size());
        assertTrue(table.ownerOf(BASE + 64, record));
        assertEquals(0, record.kind());
        assertEquals(2, record.size());
        assertTrue(table.remove(BASE + 128, record));
        assertEquals(0x21, record.kind(), "bits above 16 are dropped, as the unsigned 16-bit kind says");
        assertEquals(3, record.size());

        assertTrue(table.remove(0, record));
        assertRecord(record, 0, maxSize, 1, 2, 3, 0xFFFF);
        assertEquals(0, table.oversizeRejected());
    }

    @Test
    void shouldRejectSizeAboveMaximumWithoutTouchingTheTable()
    {
        table.insert(BASE, 100, 1, 1, 1, 1);
        final long liveBytes = table.liveBytes();

        assertEquals(-1, table.insert(BASE, OwnerTableDescriptor.MAX_SIZE + 1, 2, 2, 2, 2));
        assertEquals(-1, table.insert(BASE + MIB, Long.MAX_VALUE, 2, 2, 2, 2));
        assertEquals(-1, table.insert(BASE + 2 * MIB, -1, 2, 2, 2, 2));

        assertEquals(3, table.oversizeRejected());
        assertEquals(0, table.staleReplaced());
        assertEquals(1, table.liveCount());
        assertEquals(liveBytes, table.liveBytes());
        assertTrue(table.ownerOf(BASE + 50, record));
        assertRecord(record, BASE, 100, 1, 1, 1, 1);
        assertFalse(table.ownerOf(BASE + MIB, record));
        assertFalse(table.remove(BASE + 2 * MIB, record));
        assertEquals(1, table.forEach((r) -> assertEquals(BASE, r.address())));
    }

    @Test
    void shouldCloseIdempotently()
    {
        table.insert(BASE, 10, 11, 12, 13, 14);
        table.close();
        table.close();

        assertTrue(table.isClosed());
    }

    private static void assertRecord(
        final OwnerRecord record,
        final long address,
        final long size,
        final long timestampNs,
        final int threadRef,
        final int stackId,
        final int kind)
    {
        assertEquals(address, record.address());
        assertEquals(size, record.size());
        assertEquals(timestampNs, record.timestampNs());
        assertEquals(threadRef, record.threadRef());
        assertEquals(stackId, record.stackId());
        assertEquals(kind, record.kind());
        assertEquals(PAGE_SHIFT, record.pageShift());
    }
}
