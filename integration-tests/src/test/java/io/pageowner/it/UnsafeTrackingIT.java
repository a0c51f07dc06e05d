package io.pageowner.it;

import io.pageowner.it.apps.UnsafeProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The walking skeleton end to end: a JVM with {@code -javaagent:page-owner.jar=on} allocates known
 * blocks, frees some, dumps over JMX, and the dump holds exactly the live blocks with the right
 * sizes, page spans, orders, thread and stack.
 */
class UnsafeTrackingIT
{
    private static Dump dump;
    private static List<String> truth;
    private static ForkedJvm.Result result;

    @BeforeAll
    static void runProbe() throws Exception
    {
        final Path work = ForkedJvm.workDir();
        final Path dumpFile = work.resolve("unsafe-probe.dump");
        final Path truthFile = work.resolve("unsafe-probe.truth");
        Files.deleteIfExists(dumpFile);
        Files.deleteIfExists(truthFile);
        result = ForkedJvm.main(UnsafeProbe.class)
            .agent("on")
            .args(dumpFile.toString(), truthFile.toString())
            .run()
            .assertSuccess();
        dump = Dump.parse(dumpFile);
        truth = Files.readAllLines(truthFile);
    }

    @Test
    void shouldHoldExactlyTheLiveBlocksWithSizesSpansAndStacks()
    {
        final long threadId = Long.parseLong(value("THREAD").split(" ")[0]);
        final String threadName = value("THREAD").split(" ", 2)[1];
        int live = 0;
        for (final String line : truth)
        {
            final String[] f = line.split(" ");
            if ("LIVE".equals(f[0]))
            {
                live++;
                final long address = Long.parseLong(f[1]);
                final long bytes = Long.parseLong(f[2]);
                final Dump.Record record = dump.at(address);
                assertNotNull(record, "live block " + line + " missing from the dump");
                assertEquals(bytes, record.bytes, record.toString());
                final long pages = ((address + bytes - 1) >>> 12) - (address >>> 12) + 1;
                assertEquals(pages, record.pages, record.toString());
                assertEquals(address >>> 12, record.firstPage, record.toString());
                assertEquals(64 - Long.numberOfLeadingZeros(pages - 1), record.order, "order of " + record);
                assertTrue(1L << record.order >= pages && (record.order == 0 || 1L << (record.order - 1) < pages));
                assertEquals(threadId, record.pid, record.toString());
                assertEquals(threadName, record.comm, record.toString());
                assertEquals(ProcessHandle.current().pid() > 0, record.tgid > 0);
                assertTrue(record.hasFrame("io.pageowner.it.apps.UnsafeProbe." + f[3] + "(UnsafeProbe.java:"),
                    "stack of " + line + " lacks the allocating method: " + record);
                assertTrue(record.frames.get(0).startsWith("jdk.internal.misc.Unsafe."),
                    "innermost frame is the allocator: " + record);
                assertTrue(record.frames.size() <= 16, "default depth is 16: " + record);
            }
            else if ("FREED".equals(f[0]))
            {
                final Dump.Record record = dump.at(Long.parseLong(f[1]));
                assertTrue(null == record || !record.hasFrame("UnsafeProbe." + f[3]),
                    "freed block still in the dump: " + record);
            }
        }
        assertEquals(4, live);
    }

    @Test
    void shouldRecordReallocWithItsKindAndTheReallocStack()
    {
        final String line = truth.stream().filter(l -> l.endsWith("growThenKeep")).findFirst().orElseThrow();
        final Dump.Record record = dump.at(Long.parseLong(line.split(" ")[1]));
        assertNotNull(record);
        assertEquals("REALLOC", record.kinds);
        assertEquals(0x10, record.mask);
        assertTrue(record.frames.get(0).startsWith("jdk.internal.misc.Unsafe.reallocateMemory"), record.toString());
    }

    @Test
    void shouldAnswerOwnerOfForAnyAddressInsideABlock()
    {
        final String large = truth.stream().filter(l -> l.endsWith("leakLargeTable")).findFirst().orElseThrow();
        final long address = Long.parseLong(large.split(" ")[1]);
        final String middle = value("OWNER_MIDDLE");
        assertTrue(middle.startsWith("Page allocated via order 4, mask 0x1(UNSAFE)"), middle);
        assertTrue(middle.contains("address=0x" + Long.toHexString(address) + "|bytes=41083|pages="), middle);
        assertTrue(middle.contains("UnsafeProbe.leakLargeTable("), middle);
        assertTrue(value("OWNER_LAST_BYTE").contains("address=0x" + Long.toHexString(address) + "|"));
        assertFalse(value("OWNER_PAST_END").contains("leakLargeTable"), value("OWNER_PAST_END"));
    }

    @Test
    void shouldFindEveryAllocationSharingAPage()
    {
        final String[] neighbours = value("NEIGHBOURS").split(" ");
        final String owners = value("PAGE_OWNERS");
        for (final String address : neighbours)
        {
            assertTrue(owners.contains("address=0x" + Long.toHexString(Long.parseLong(address)) + "|bytes=48|"), owners);
        }
        assertTrue(owners.split("Page allocated via").length - 1 >= 2, owners);
    }

    @Test
    void shouldExplainAnUnwritableDumpPathAndKeepTracking()
    {
        final String bad = value("BAD_PATH");
        assertTrue(bad.startsWith("java.io.IOException: cannot write dump to "), bad);
        assertTrue(bad.contains("no-such-dir/x.dump: directory ") && bad.endsWith("no-such-dir does not exist"), bad);
        // NOTE: the dump taken after the failure holds every live block (checked above).
        assertEquals(4, truth.stream().filter(l -> l.startsWith("LIVE ")).count());
    }

    @Test
    void shouldCaptureStacksFromTheBacktraceOnThisJdk()
    {
        assertEquals("backtrace", value("CAPTURE"));
        assertTrue(dump.trailer().get(1).contains("capture backtrace"), dump.trailer().get(1));
    }

    @Test
    void shouldMatchEveryAdviceOnThisJdk()
    {
        assertEquals("{Bits.reserveMemory=1, Unsafe.allocateMemory=1, Unsafe.freeMemory=1, Unsafe.reallocateMemory=1}", value("ADVICE"));
    }

    @Test
    void shouldNeverRecordTheAgentItselfNorSuppressErrors()
    {
        for (final Dump.Record record : dump.records())
        {
            if (record.hasFrame("io.pageowner.agent") || record.hasFrame("io.pageowner.instrument") ||
                record.hasFrame("io.pageowner.dump") || record.hasFrame("io.pageowner.jmx") ||
                record.hasFrame("io.pageowner.shaded") || record.hasFrame("PageOwnerHooks"))
            {
                fail("the agent recorded itself: " + record);
            }
        }
        assertEquals("0", value("SUPPRESSED"));
        for (final Dump.Record record : dump.records())
        {
            assertTrue(!"page-owner".equals(record.comm), "the agent's thread recorded: " + record);
        }
        assertFalse(result.stderr().contains("[page-owner]"), result.stderr());
    }

    @Test
    void shouldSummariseAndEndWithATrailerTheKernelSorterIgnores()
    {
        final String summary = value("SUMMARY");
        assertTrue(summary.startsWith("wrote "), summary);
        assertTrue(summary.contains("records " + dump.records().size() + ","), summary);
        assertFalse(dump.trailer().isEmpty());
        assertTrue(dump.trailer().get(0).startsWith("# page-owner: records " + dump.records().size()), dump.trailer().get(0));
    }

    private static String value(final String key)
    {
        for (final String line : truth)
        {
            if (line.startsWith(key + " "))
            {
                return line.substring(key.length() + 1);
            }
            if (line.equals(key))
            {
                return "";
            }
        }
        throw new AssertionError("no " + key + " in the ground truth");
    }
}
