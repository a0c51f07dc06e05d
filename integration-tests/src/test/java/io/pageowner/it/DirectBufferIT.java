package io.pageowner.it;

import io.pageowner.it.apps.DirectProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ByteBuffer.allocateDirect} end to end: each call site's live records, after frees by
 * {@code invokeCleaner} and by the GC, with kind {@code DIRECT}; slices, duplicates and views never
 * counted; a marker never outliving a throwing {@code allocateDirect}; NIO's temporary buffers
 * marked and attributed to the I/O call; and the tracked totals equal to the JDK's direct pool.
 */
class DirectBufferIT
{
    private static Dump dump;
    private static Truth truth;
    private static ForkedJvm.Result result;
    private static Path dumpFile;

    @BeforeAll
    static void runProbe() throws Exception
    {
        final ForkedJvm.Probed run = ForkedJvm.main(DirectProbe.class)
            // NOTE: the probe runs into MaxDirectMemorySize on purpose; the dump that triggers is LiveControlIT's
            // subject.
            .agent("on,oom_dump=off")
            .jvmArgs("-XX:MaxDirectMemorySize=64m")
            .runProbe("direct", ForkedJvm.workDir().toString());
        dumpFile = run.dumpFile();
        result = run.result();
        dump = run.dump();
        truth = run.truth();
    }

    @Test
    void shouldHoldEachCallSitesLiveDirectBuffersAfterCleanerAndGcFrees()
    {
        assertSites(dump, truth, "keepDirect", "cleanDirect", "dropDirect");
        for (final String[] live : truth.all("LIVE"))
        {
            final Dump.Record record = dump.at(Long.parseLong(live[1]));
            assertNotNull(record, "no record at the buffer's address: " + String.join(" ", live));
            assertEquals(Long.parseLong(live[2]), record.bytes, record.toString());
            assertEquals("DIRECT", record.kinds, record.toString());
            assertEquals(0x2, record.mask, record.toString());
            assertTrue(record.frames.get(0).startsWith("jdk.internal.misc.Unsafe.allocateMemory("), record.toString());
            assertTrue(record.hasFrame("java.nio.ByteBuffer.allocateDirect("), record.toString());
        }
    }

    @Test
    void shouldNeverCountSlicesDuplicatesOrViews()
    {
        // NOTE: the probe keeps six views of each kept buffer; only the buffers themselves are records.
        final long direct = dump.records().stream().filter(r -> r.hasKind("DIRECT")).count();
        final long expected = 5 + 2 + 2 + (ForkedJvm.jdkVersion() < 24 ? 1 : 0);
        assertEquals(
            expected, direct, "DIRECT records: kept, cleaned, dropped survivors (+ NIO's temporary buffer on 17)");
    }

    @Test
    void shouldNotLabelTheNextAllocationAfterAThrowingAllocateDirect()
    {
        final Dump.Record raw = dump.at(truth.longs("RAW")[0]);
        assertNotNull(raw, "raw allocation after the failed allocateDirect calls missing");
        assertEquals("UNSAFE", raw.kinds, raw.toString());
        assertEquals(4321, raw.bytes);
        assertTrue(raw.hasFrame("DirectProbe.rawAfterFailedDirect("), raw.toString());
        assertFalse(raw.hasFrame("allocateDirect"), raw.toString());
    }

    @Test
    void shouldMarkNioTemporaryBuffersAndKeepTheIoCallInTheirStack()
    {
        final String kinds = ForkedJvm.jdkVersion() < 24 ? "DIRECT|NIO_TEMP" : "UNSAFE|NIO_TEMP";
        final List<Dump.Record> temp = dump.having("NIO_TEMP", "DirectProbe.writeThroughStream(");
        assertEquals(1, temp.size(), "the main thread's cached temporary buffer: " + temp);
        final Dump.Record record = temp.get(0);
        assertEquals(kinds, record.kinds, record.toString());
        assertEquals(Long.parseLong(truth.value("SITE writeThroughStream").split(" ")[1]), record.bytes);
        assertTrue(record.hasFrame("sun.nio.ch.Util.getTemporaryDirectBuffer("), record.toString());
        assertTrue(record.hasFrame("sun.nio.ch.FileChannelImpl.write("), "the I/O call: " + record);
        assertTrue(record.frames.size() <= 16, record.toString());
        assertEquals(0, dump.having(null, "DirectProbe.writeThroughChannel(").size(),
            "a temporary buffer of a thread that ended is freed with its cache");
        assertEquals(1, dump.records().stream().filter(r -> r.hasKind("NIO_TEMP")).count());
    }

    @Test
    void shouldAgreeWithTheJdkDirectBufferPool()
    {
        final long[] tracked = truth.longs("TRACKED");
        final long[] pool = truth.longs("POOL");
        assertEquals(pool[0], tracked[0], "DIRECT records vs the direct pool's count");
        assertEquals(pool[2], tracked[1], "DIRECT bytes vs the direct pool's memory used");
        assertEquals(pool[1], tracked[1], "without page alignment, capacity = memory used");
        assertEquals(truth.value("POOL"), truth.value("MBEAN_POOL"));
        assertEquals("records " + tracked[0] + ", bytes " + tracked[1], dump.trailer("kind DIRECT:"));
        assertEquals("count " + pool[0] + ", capacity " + pool[1] + ", used " + pool[2],
            dump.trailer("jdk buffer pool direct:"));
        assertTrue(truth.value("PROCESS").contains("VmRSS="), truth.value("PROCESS"));
        assertTrue(dump.trailer("process:").startsWith("VmRSS "), dump.trailer("process:"));
        assertTrue(dump.trailer("not seen by page-owner:").contains("JNI"));
    }

    @Test
    void shouldLetTheSorterSelectByKind() throws Exception
    {
        final String direct = sort("DIRECT");
        assertTrue(direct.contains("DirectProbe.keepDirect("), direct);
        assertFalse(direct.contains("DirectProbe.rawAfterFailedDirect("), direct);
        final String temp = sort("NIO_TEMP");
        assertTrue(temp.contains("DirectProbe.writeThroughStream("), temp);
        assertFalse(temp.contains("DirectProbe.keepDirect("), temp);
    }

    @Test
    void shouldSuppressNothing()
    {
        assertEquals("0", truth.value("SUPPRESSED"));
        assertFalse(result.stderr().contains("[page-owner]"), result.stderr());
    }

    /**
     * Checks each {@code SITE <method> <live> <bytes>} line: exactly that many records whose stack
     * has the method, each of that size and with the page span of its address range.
     */
    static void assertSites(final Dump dump, final Truth truth, final String... methods)
    {
        for (final String method : methods)
        {
            final String[] site = truth.value("SITE " + method).split(" ");
            final List<Dump.Record> records = dump.having(null, "DirectProbe." + method + "(");
            assertEquals(Integer.parseInt(site[0]), records.size(), method + ": " + records);
            for (final Dump.Record record : records)
            {
                assertEquals(Long.parseLong(site[1]), record.bytes, record.toString());
                assertEquals(((record.address + record.bytes - 1) >>> 12) - (record.address >>> 12) + 1, record.pages,
                    record.toString());
                assertEquals("DIRECT", record.kinds, record.toString());
            }
        }
    }

    private static String sort(final String kind) throws Exception
    {
        final Path out = dumpFile.resolveSibling("direct-" + kind + ".sorted");
        final Process process = new ProcessBuilder(ForkedJvm.java().toString(), "-jar", ForkedJvm.agentJar().toString(),
            "sort", "--kind", kind, dumpFile.toString(), out.toString())
            .redirectErrorStream(true)
            .start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "sort did not finish");
        assertEquals(0, process.exitValue(), output);
        return Files.readString(out);
    }
}
