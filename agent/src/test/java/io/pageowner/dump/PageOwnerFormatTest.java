package io.pageowner.dump;

import io.pageowner.depot.StackCapture;
import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.instrument.Kind;
import io.pageowner.instrument.MappedFiles;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageOwnerFormatTest
{
    private final OwnerTable table = new OwnerTable(16, 12);
    private final StackDepot stacks = new StackDepot(16);
    private final ThreadDepot threads = new ThreadDepot(16);
    private final MappedFiles mappedFiles = new MappedFiles();
    private final PageOwnerFormat format = new PageOwnerFormat(stacks, threads, 4242, mappedFiles);

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
