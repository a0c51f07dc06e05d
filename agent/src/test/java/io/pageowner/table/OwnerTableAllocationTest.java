package io.pageowner.table;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnerTableAllocationTest
{
    private static final int PAGE_SHIFT = 12;
    private static final int OPERATIONS = 200_000;
    private static final long BASE = 0x7f00_0000_0000L;
    private static final long MIB = 1024 * 1024;
    private static final long ALLOCATION_BUDGET_BYTES = 1024;

    private final com.sun.management.ThreadMXBean threadMXBean =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private final OwnerRecord record = new OwnerRecord();
    private final CountingConsumer consumer = new CountingConsumer();

    @Test
    void shouldAvoidAllocationOnHotPath()
    {
        assertTrue(threadMXBean.isThreadAllocatedMemorySupported());
        threadMXBean.setThreadAllocatedMemoryEnabled(true);

        try (OwnerTable table = new OwnerTable(1 << 14, PAGE_SHIFT))
        {
            populate(table);
            for (int warmUp = 0; warmUp < 5; warmUp++)
            {
                exercise(table);
            }

            final long before = threadMXBean.getCurrentThreadAllocatedBytes();
            final long startNs = System.nanoTime();
            final long checksum = exercise(table);
            final long durationNs = System.nanoTime() - startNs;
            final long allocated = threadMXBean.getCurrentThreadAllocatedBytes() - before;

            assertTrue(checksum > 0);
            assertTrue(allocated < ALLOCATION_BUDGET_BYTES, "allocated bytes: " + allocated);
            System.out.printf(
                "OwnerTable: %d insert+remove pairs, %d ownerOf, 2 forEach in %.1f ms (%d B allocated)%n",
                OPERATIONS, OPERATIONS, durationNs / 1e6, allocated);
        }
    }

    private static void populate(final OwnerTable table)
    {
        final long[] sizes = {16, 100, 4096, 20_000, 300_000, 3 * MIB};
        for (int i = 0; i < 4096; i++)
        {
            assertTrue(table.insert(BASE + (i * 4 * MIB), sizes[i % sizes.length], i, i, i, i) >= 0);
        }
    }

    private long exercise(final OwnerTable table)
    {
        long checksum = 0;
        for (int i = 0; i < OPERATIONS; i++)
        {
            final long address = BASE + ((i & 4095) * 4 * MIB) + (2 * MIB) + ((i & 63) * 64);
            if (table.insert(address, 48 + (i & 1023), i, i, i, i) >= 0 && table.remove(address, record))
            {
                checksum += record.size();
            }
        }

        for (int i = 0; i < OPERATIONS; i++)
        {
            final long address = BASE + ((i & 4095) * 4 * MIB) + (i & 8191);
            if (table.ownerOf(address, record))
            {
                checksum += record.stackId();
            }
        }

        consumer.count = 0;
        table.forEach(record, consumer);
        table.forEachOwnerOfPage((BASE + (5 * 4 * MIB)) >>> PAGE_SHIFT, record, consumer);
        assertEquals(4097, consumer.count);

        return checksum;
    }

    static final class CountingConsumer implements OwnerTableReader.RecordConsumer
    {
        long count;

        public void accept(final OwnerRecord record)
        {
            count++;
        }
    }
}
