package io.pageowner.dump;

import io.pageowner.record.Kind;
import io.pageowner.table.OwnerTable;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryFiguresTest
{
    @Test
    void shouldReadKilobyteLinesOfProcFiles()
    {
        final String status = "Name:\tjava\nVmPeak:\t 4000 kB\nVmRSS:\t  123456 kB\nThreads:\t12\n";
        assertEquals(123456L * 1024, MemoryFigures.kilobytes(status, "VmRSS"));
        assertEquals(12, MemoryFigures.kilobytes(status, "Threads"));
        assertEquals(-1, MemoryFigures.kilobytes(status, "Rss"));
        assertEquals(-1, MemoryFigures.kilobytes(null, "VmRSS"));
        assertEquals(-1, MemoryFigures.kilobytes("VmRSS: lots kB\n", "VmRSS"));
        final String rollup =
            "55d0-7ffd ---p 00000000 00:00 0 [rollup]\nRss:  2048 kB\nPss:  1024 kB\nAnonymous: 512 kB\n";
        assertEquals(2048L * 1024, MemoryFigures.kilobytes(rollup, "Rss"));
        assertEquals(512L * 1024, MemoryFigures.kilobytes(rollup, "Anonymous"));
    }

    @Test
    void shouldReportThisProcessAndItsBufferPools()
    {
        final Map<String, Long> process = MemoryFigures.processMemory();
        assertTrue(process.getOrDefault("VmRSS", 0L) > 1024 * 1024, process.toString());
        final ByteBuffer buffer = ByteBuffer.allocateDirect(12345);
        final Map<String, Long> pools = MemoryFigures.jdkBufferPools();
        assertTrue(pools.get("direct.count") >= 1, pools.toString());
        assertTrue(pools.get("direct.totalCapacity") >= buffer.capacity(), pools.toString());
        assertTrue(pools.containsKey("direct.memoryUsed") && pools.containsKey("mapped.count"), pools.toString());
    }

    @Test
    void shouldReadTheFiguresTheBufferPoolMXBeansShow()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(4321);
        final Map<String, Long> expected = new java.util.LinkedHashMap<>();
        for (final String name : MemoryFigures.POOLS)
        {
            for (final java.lang.management.BufferPoolMXBean pool :
                java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class))
            {
                if (name.equals(pool.getName()))
                {
                    expected.put(name + ".count", pool.getCount());
                    expected.put(name + ".totalCapacity", pool.getTotalCapacity());
                    expected.put(name + ".memoryUsed", pool.getMemoryUsed());
                }
            }
        }
        assertEquals(expected, MemoryFigures.jdkBufferPools());
        assertEquals(4321, buffer.capacity());
    }

    @Test
    void shouldReadTheDirectPoolAloneAndAnEmptyMappedOneWhenNoMappingCanExist()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(2345);
        final Map<String, Long> both = MemoryFigures.jdkBufferPools(true);
        final Map<String, Long> direct = MemoryFigures.jdkBufferPools(false);
        assertEquals(both.keySet(), direct.keySet(), "the same figures, in the same order");
        for (final String figure : new String[]{ "count", "totalCapacity", "memoryUsed" })
        {
            assertEquals(both.get("direct." + figure), direct.get("direct." + figure), figure);
            assertEquals(0L, direct.get("mapped." + figure), figure);
        }
        assertTrue(direct.get("direct.totalCapacity") >= buffer.capacity(), direct.toString());
    }

    @Test
    void shouldTotalLiveRecordsPerKindBit()
    {
        try (OwnerTable table = new OwnerTable(16, 12))
        {
            table.insert(0x10000, 100, 0, 0, 0, Kind.UNSAFE);
            table.insert(0x20000, 200, 0, 0, 0, Kind.DIRECT);
            table.insert(0x30000, 300, 0, 0, 0, Kind.DIRECT | Kind.NIO_TEMP);
            table.insert(0x40000, 400, 0, 0, 0, Kind.MAPPED);
            final KindTotals totals = KindTotals.scan(table);
            assertEquals(2, totals.records(Kind.DIRECT));
            assertEquals(500, totals.bytes(Kind.DIRECT));
            assertEquals(1, totals.records(Kind.NIO_TEMP));
            assertEquals(0, totals.records(Kind.ARENA));
            assertEquals(
                "{UNSAFE=1, DIRECT=2, MAPPED=1, ARENA=0, REALLOC=0, NIO_TEMP=1, POOLED=0, POOL_CHUNK=0, TOOL=0}",
                totals.recordsByName().toString());
            assertEquals(
                "{UNSAFE=100, DIRECT=500, MAPPED=400, ARENA=0, REALLOC=0, NIO_TEMP=300, POOLED=0, POOL_CHUNK=0, " +
                "TOOL=0}",
                totals.bytesByName().toString());
        }
    }
}
