package io.pageowner.dump;

import io.pageowner.record.Kind;
import io.pageowner.table.OwnerTable;
import org.junit.jupiter.api.Test;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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
        final List<Map<String, Long>> read =
            whileStill(MemoryFiguresTest::mxBeanFigures, MemoryFigures::jdkBufferPools);
        assertEquals(read.get(0), read.get(1));
        assertEquals(4321, buffer.capacity());
    }

    @Test
    void shouldReadTheDirectPoolAloneAndAnEmptyMappedOneWhenNoMappingCanExist()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(2345);
        final List<Map<String, Long>> read =
            whileStill(() -> MemoryFigures.jdkBufferPools(true), () -> MemoryFigures.jdkBufferPools(false));
        final Map<String, Long> both = read.get(0);
        final Map<String, Long> direct = read.get(1);
        assertEquals(both.keySet(), direct.keySet(), "the same figures, in the same order");
        for (final String figure : new String[]{ "count", "totalCapacity", "memoryUsed" })
        {
            assertEquals(both.get("direct." + figure), direct.get("direct." + figure), figure);
            assertEquals(0L, direct.get("mapped." + figure), figure);
        }
        assertTrue(direct.get("direct.totalCapacity") >= buffer.capacity(), direct.toString());
    }

    private static Map<String, Long> mxBeanFigures()
    {
        final Map<String, Long> figures = new LinkedHashMap<>();
        for (final String name : MemoryFigures.POOLS)
        {
            for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
            {
                if (name.equals(pool.getName()))
                {
                    figures.put(name + ".count", pool.getCount());
                    figures.put(name + ".totalCapacity", pool.getTotalCapacity());
                    figures.put(name + ".memoryUsed", pool.getMemoryUsed());
                }
            }
        }
        return figures;
    }

    /**
     * Reads the first figures, the second, then the first again, until the first two readings of the first agree:
     * the JDK's cleaner thread frees unreachable direct buffers of earlier tests whenever it runs, and a free between
     * two readings would make them differ by chance.
     */
    private static List<Map<String, Long>> whileStill(
        final Supplier<Map<String, Long>> first, final Supplier<Map<String, Long>> second)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final Map<String, Long> before = first.get();
            final Map<String, Long> read = second.get();
            if (before.equals(first.get()))
            {
                return List.of(before, read);
            }
        }
        throw new AssertionError("the buffer pools never held still for three readings");
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
