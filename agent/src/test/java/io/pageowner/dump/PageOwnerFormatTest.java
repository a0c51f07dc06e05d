package io.pageowner.dump;

import io.pageowner.depot.StackCapture;
import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.record.Kind;
import io.pageowner.record.MappedFiles;
import io.pageowner.table.LiveSizes;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageOwnerFormatTest
{
    // NOTE: a LiveSizes is never freed, in the agent either; one for the whole class keeps the leak to 1 MiB.
    private static final LiveSizes LIVE_SIZES = new LiveSizes(1);

    private final OwnerTable table = new OwnerTable(16, 12);
    private final StackDepot stacks = new StackDepot(16);
    private final ThreadDepot threads = new ThreadDepot(16);
    private final MappedFiles mappedFiles = new MappedFiles();
    private final PageOwnerFormat format = new PageOwnerFormat(stacks, threads, 4242, mappedFiles, DumpMode.FULL);

    @AfterEach
    void close()
    {
        table.close();
    }

    @Test
    void shouldNameTheFileAndOffsetOfAMapping()
    {
        final int stack = stacks.intern(StackCapture.create(16, null, null).capture());
        final int thread = threads.intern(1, "main");
        table.insert(0x7f0000002000L, 10904, 5L, thread, stack, Kind.MAPPED);
        mappedFiles.put(0x7f0000002000L, "/data/x.bin", 4096);
        final String text = formatted(0x7f0000002000L);
        assertTrue(text.startsWith("Page allocated via order 2, mask 0x4(MAPPED), pid 1, tgid 4242 (main), ts 5 ns\n" +
            "PFN 0x7f0000002 type Mapped Block " + (0x7f0000002L >>> 9) + " type Mapped " +
            "Flags 0x0(address=0x7f0000002000|bytes=10904|pages=3|file=/data/x.bin|offset=4096)\n"), text);
    }

    @Test
    void shouldLeaveOutWhatIsNotKnownOfAMapping()
    {
        table.insert(0x7f0000002000L, 4096, 5L, threads.intern(1, "main"), 0, Kind.MAPPED);
        assertTrue(formatted(0x7f0000002000L).contains("|pages=1)\n"));
        mappedFiles.put(0x7f0000002000L, null, 8192);
        assertTrue(formatted(0x7f0000002000L).contains("|pages=1|offset=8192)\n"));
        mappedFiles.put(0x7f0000002000L, "/x", -1);
        assertTrue(formatted(0x7f0000002000L).contains("|pages=1|file=/x)\n"));
        mappedFiles.remove(0x7f0000002000L);
        assertTrue(formatted(0x7f0000002000L).contains("|pages=1)\n"));
    }

    @Test
    void shouldEscapeWhatWouldBreakThePfnLineOrNameAnAllocator()
    {
        assertEquals("/data/x.bin", escaped("/data/x.bin"));
        assertEquals("/a%20b/%28x%29%7cy%25z", escaped("/a b/(x)|y%z"));
        assertEquals("%43MA/%73lab", escaped("CMA/slab"));
        assertEquals("x%43MA%43MAy", escaped("xCMACMAy"));
        assertEquals("CM/sla/cma/SLAB", escaped("CM/sla/cma/SLAB"));
        assertEquals("%09%0a%0d%7f", escaped("\t\n\r\u007f"));
        assertEquals("%c2%85%e2%80%a8%e3%80%80", escaped("\u0085\u2028\u3000"));
        assertEquals("/données/日本.bin", escaped("/données/日本.bin"));
        // NOTE: an escape ending in C followed by MA must not make a CMA: escapes are lower case.
        assertEquals("%7cMA", escaped("|MA"));
        for (final String path : new String[]{ "|MA", "(CMA)", "%CMA", "s|lab", "C\nMA", "CCMMAA", "sslabb" })
        {
            final String result = escaped(path);
            assertFalse(result.contains("CMA") || result.contains("slab"), path + " -> " + result);
            assertTrue(result.matches("([^|()%\\s]|%[0-9a-f]{2})*"), path + " -> " + result);
        }
    }

    @Test
    void shouldWeighEachRecordOfASampledDumpLast()
    {
        final PageOwnerFormat sampled =
            new PageOwnerFormat(stacks, threads, 4242, mappedFiles, DumpMode.sampled(65536, LIVE_SIZES));
        table.insert(0x7f0000002000L, 4096, 5L, threads.intern(1, "main"), 0, Kind.MAPPED);
        mappedFiles.put(0x7f0000002000L, "/x", 0);
        final OwnerRecord record = new OwnerRecord();
        assertTrue(table.ownerOf(0x7f0000002000L, record));
        final StringBuilder sb = new StringBuilder();
        sampled.append(record, sb);
        // NOTE: 1 / (1 - exp(-4096 / 65536)) = 16.5052...
        assertTrue(sb.toString().contains("|pages=1|file=/x|offset=0|weight=16.505)\n"), sb.toString());
        assertFalse(formatted(0x7f0000002000L).contains("weight"), "full mode has no weights");
    }

    @Test
    void shouldComputeWeightsAsTheInverseOfTheSamplingProbability()
    {
        assertEquals(1 / (1 - Math.exp(-1)), PageOwnerFormat.weight(65536, 65536), 1e-12);
        // NOTE: far below the interval the weight is about interval / size, kept precise by expm1.
        assertEquals(524288.5, PageOwnerFormat.weight(1, 524288), 1e-3);
        assertEquals(1.0, PageOwnerFormat.weight(1L << 40, 4096));
        assertEquals(524288.5, PageOwnerFormat.weight(0, 524288), 1e-3, "a 0-byte block weighs as a 1-byte one");
        assertEquals("1.000", decimal(1.0));
        assertEquals("16.510", decimal(16.5104));
        assertEquals("2.005", decimal(2.0049999));
        assertEquals("524288.500", decimal(524288.5));
    }

    private static String decimal(final double value)
    {
        final StringBuilder sb = new StringBuilder();
        PageOwnerFormat.appendDecimal(value, sb);
        return sb.toString();
    }

    private String formatted(final long address)
    {
        final OwnerRecord record = new OwnerRecord();
        assertTrue(table.ownerOf(address, record));
        final StringBuilder sb = new StringBuilder();
        format.append(record, sb);
        return sb.toString();
    }

    private static String escaped(final String path)
    {
        final StringBuilder sb = new StringBuilder();
        PageOwnerFormat.appendEscaped(path, sb);
        return sb.toString();
    }
}
