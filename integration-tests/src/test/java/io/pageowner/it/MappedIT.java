package io.pageowner.it;

import io.pageowner.it.apps.MappedProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code FileChannel.map} end to end: each call site's live mappings, after unmaps by the Cleaner
 * (explicit and by GC) and, on 25, by closing or dropping arenas; each record spans the page-aligned
 * region actually mapped and names the file, escaped, and the file offset of its first byte.
 */
class MappedIT
{
    /** {@link MappedProbe#FILE_NAME} as the dump must write it. */
    private static final String ESCAPED_NAME = "map%20%28%43MA%7c%73lab%29%2050%25.bin";

    private static Dump dump;
    private static Truth truth;
    private static ForkedJvm.Result result;

    @BeforeAll
    static void runProbe() throws Exception
    {
        final ForkedJvm.Probed run = ForkedJvm.main(MappedProbe.class)
            .agent("on")
            .runProbe("mapped", ForkedJvm.workDir().toString());
        result = run.result();
        dump = run.dump();
        truth = run.truth();
    }

    @Test
    void shouldHoldEachCallSitesLiveMappings()
    {
        final List<String> sites = ForkedJvm.jdkVersion() >= 22 ?
            List.of("keepMapped", "cleanMapped", "dropMapped", "mapInConfinedArena", "mapInSharedArena",
                "mapInAutoArena", "mapInGlobalArena") :
            List.of("keepMapped", "cleanMapped", "dropMapped");
        for (final String site : sites)
        {
            final List<Dump.Record> records = dump.having("MAPPED", "MappedProbe." + site + "(");
            assertEquals(Integer.parseInt(truth.value("SITE " + site)), records.size(), site + ": " + records);
        }
        assertEquals(truth.all("LIVE").size(), dump.records().stream().filter(r -> r.hasKind("MAPPED")).count());
    }

    @Test
    void shouldSpanThePageAlignedRegionAndNameTheFileAndOffset()
    {
        final long page = truth.longs("PAGE")[0];
        final Path file = Path.of(truth.value("FILE"));
        final String directory = file.getParent().toString();
        assertTrue(directory.matches("[A-Za-z0-9/._-]+"), "the test needs a plain work directory: " + directory);
        final String expectedFile = directory + "/" + ESCAPED_NAME;
        for (final String[] live : truth.all("LIVE"))
        {
            final long address = Long.parseLong(live[1]);
            final long position = Long.parseLong(live[2]);
            final long size = Long.parseLong(live[3]);
            final long pagePosition = position % page;
            final Dump.Record record = dump.at(address - pagePosition);
            assertNotNull(record, "no record at the page-aligned start of " + String.join(" ", live));
            assertEquals("MAPPED", record.kinds, record.toString());
            assertEquals(0x4, record.mask);
            assertEquals(size + pagePosition, record.bytes, record.toString());
            assertEquals(((record.address + record.bytes - 1) / page) - record.address / page + 1, record.pages);
            assertEquals(expectedFile, record.flags.get("file"), record.toString());
            assertEquals(Long.toString(position - pagePosition), record.flags.get("offset"), record.toString());
            assertTrue(record.hasFrame("MappedProbe." + live[0] + "("), record.toString());
            assertTrue(
                record.frames.get(0).startsWith("sun.nio.ch.FileChannelImpl$Unmapper.<init>("), record.toString());
            assertTrue(record.hasFrame("sun.nio.ch.FileChannelImpl.map("), record.toString());
        }
    }

    @Test
    void shouldRecordAMappingWhosePositionIsNotPageAligned()
    {
        final String[] unaligned = truth.all("LIVE").get(0);
        assertEquals("5000", unaligned[2]);
        final Dump.Record record = dump.at(Long.parseLong(unaligned[1]) - 904);
        assertNotNull(record);
        assertEquals(10904, record.bytes, "10000 requested + 904 into the page at 4096");
        assertEquals("4096", record.flags.get("offset"));
        assertEquals(3, record.pages);
    }

    @Test
    void shouldAgreeWithTheJdkMappedBufferPool()
    {
        final long[] tracked = truth.longs("TRACKED");
        final long[] pool = truth.longs("POOL");
        assertEquals(pool[0], tracked[0], "MAPPED records vs the mapped pool's count");
        assertEquals(pool[2], tracked[1], "MAPPED bytes vs the mapped pool's memory used");
        assertEquals("records " + tracked[0] + ", bytes " + tracked[1], dump.trailer("kind MAPPED:"));
    }

    @Test
    void shouldSuppressNothing()
    {
        assertEquals("0", truth.value("SUPPRESSED"));
        assertFalse(result.stderr().contains("[page-owner]"), result.stderr());
    }
}
