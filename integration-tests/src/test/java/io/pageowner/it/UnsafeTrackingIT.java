package io.pageowner.it;

import io.pageowner.it.apps.UnsafeProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

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
        final ForkedJvm.Probed run = ForkedJvm.main(UnsafeProbe.class).agent("on").runProbe("unsafe-probe");
        result = run.result();
        dump = run.dump();
        truth = Files.readAllLines(run.truthFile());
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
                assertEquals(Long.parseLong(value("PID")), record.tgid, "tgid is the probe's process id: " + record);
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
        assertEquals(6, live);
    }

    @Test
    void shouldRecordReallocWithItsKindAndTheReallocStack()
    {
        for (final String method : List.of("growThenKeep", "shrinkThenKeep", "reallocFromNothing"))
        {
            final String line = truth.stream().filter(l -> l.startsWith("LIVE ") && l.endsWith(" " + method))
                .findFirst().orElseThrow();
            final Dump.Record record = dump.at(Long.parseLong(line.split(" ")[1]));
            assertNotNull(record, line);
            assertEquals("REALLOC", record.kinds);
            assertEquals(0x10, record.mask);
            assertEquals(Long.parseLong(line.split(" ")[2]), record.bytes, record.toString());
            assertTrue(record.frames.get(0).startsWith("jdk.internal.misc.Unsafe.reallocateMemory"), record.toString());
            assertEquals(1, dump.having(null, "UnsafeProbe." + method + "(").size(),
                "the old block's record ended when it moved: " + method);
        }
    }

    @Test
    void shouldEndTheRecordOnReallocToZeroAndOnFreeAfterRealloc()
    {
        assertEquals(List.of(), dump.having(null, "UnsafeProbe.reallocToZero("));
        assertEquals(List.of(), dump.having(null, "UnsafeProbe.growThenFree("));
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
            assertTrue(
                owners.contains("address=0x" + Long.toHexString(Long.parseLong(address)) + "|bytes=48|"), owners);
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
        assertEquals(6, truth.stream().filter(l -> l.startsWith("LIVE ")).count());
    }

    @Test
    void shouldCaptureStacksFromTheBacktraceOnThisJdk()
    {
        assertEquals("backtrace", value("CAPTURE"));
        assertTrue(dump.trailer().get(1).contains("capture backtrace"), dump.trailer().get(1));
    }

    @Test
    void shouldMatchEveryAdviceMeantForThisJdk()
    {
        final Map<String, Integer> matches = parseMap(value("ADVICE"), Integer::valueOf);
        final Map<String, String> versions = parseMap(value("ADVICE_VERSIONS"), v -> v);
        final int jdk = ForkedJvm.jdkVersion();
        final Set<String> meant = new TreeSet<>();
        for (final Map.Entry<String, String> entry : versions.entrySet())
        {
            if (meantFor(entry.getValue(), jdk))
            {
                meant.add(entry.getKey());
            }
        }
        assertEquals(meant, matches.keySet(), "installed exactly the advice meant for JDK " + jdk + ": " + versions);
        for (final Map.Entry<String, Integer> entry : matches.entrySet())
        {
            assertTrue(entry.getValue() >= 1, "advice " + entry.getKey() + " matched nothing on JDK " + jdk);
        }
        // NOTE: a hand-kept floor, so that a version range set too narrow cannot hide a path.
        final Set<String> floor = new TreeSet<>(List.of(
            "Unsafe.allocateMemory", "Unsafe.reallocateMemory", "Unsafe.freeMemory", "ByteBuffer.allocateDirect",
            "Util.getTemporaryDirectBuffer", "FileChannelImpl.mapInternal", "FileChannelImpl$Unmapper.<init>",
            "FileChannelImpl$Unmapper.unmap", "Bits.reserveMemory"));
        if (jdk >= 22)
        {
            floor.add("SegmentFactories.allocateNativeSegment");
        }
        else if (jdk == 21)
        {
            floor.add("NativeMemorySegmentImpl.makeNativeSegment");
        }
        assertEquals(floor, matches.keySet());
        assertFalse(result.stderr().contains("matched no method"), result.stderr());
    }

    private static boolean meantFor(final String versions, final int jdk)
    {
        if (versions.endsWith("+"))
        {
            return jdk >= Integer.parseInt(versions.substring(0, versions.length() - 1));
        }
        final String[] range = versions.split("-");
        return jdk >= Integer.parseInt(range[0]) && jdk <= Integer.parseInt(range[range.length - 1]);
    }

    private static <V> Map<String, V> parseMap(final String text, final Function<String, V> value)
    {
        final Map<String, V> result = new TreeMap<>();
        final String body = text.substring(1, text.length() - 1);
        for (final String entry : body.split(", "))
        {
            final int eq = entry.lastIndexOf('=');
            result.put(entry.substring(0, eq), value.apply(entry.substring(eq + 1)));
        }
        return result;
    }

    @Test
    void shouldNeverRecordTheAgentItselfNorSuppressErrors()
    {
        for (final Dump.Record record : dump.records())
        {
            // NOTE: any package of the agent's (runtime, record, table, depot, dump, jmx, shaded...), not
            // only those that exist today; the test's own probes are io.pageowner.it.
            if (record.frames.stream().anyMatch(f -> f.contains("io.pageowner.") && !f.contains("io.pageowner.it.")) ||
                record.hasFrame("PageOwnerHooks"))
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
        assertTrue(dump.trailer().get(0).startsWith("# page-owner: records " + dump.records().size()),
            dump.trailer().get(0));
        for (final String kind : List.of("UNSAFE", "REALLOC"))
        {
            final List<Dump.Record> records = dump.records().stream().filter(r -> r.hasKind(kind)).toList();
            assertEquals("records " + records.size() + ", bytes " + records.stream().mapToLong(r -> r.bytes).sum(),
                dump.trailer("kind " + kind + ":"), "the trailer's per-kind totals are the dump's");
        }
        assertTrue(dump.trailer("process:").matches(
            "VmRSS \\d+ bytes, Rss \\d+ bytes, Anonymous \\d+ bytes, cgroup memory limit (none|\\d+ bytes)"),
            dump.trailer("process:"));
        assertTrue(dump.trailer("jdk buffer pool direct:").startsWith("count "), dump.trailer().toString());
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
