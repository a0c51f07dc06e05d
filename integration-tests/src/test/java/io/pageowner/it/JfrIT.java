package io.pageowner.it;

import io.pageowner.it.apps.IdleProbe;
import io.pageowner.it.apps.JfrProbe;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JFR end to end: a probe recorded with {@code -XX:StartFlightRecording} and the {@code page-owner.jfc} that the jar
 * prints ({@code java -jar page-owner.jar jfc}) beside the JDK's default settings; the file read with the JDK's
 * {@link RecordingFile} and printed by the JDK's own {@code jfr} tool. Without a recording, the agent loads nothing of
 * {@code jdk.jfr} beyond what the platform MBean server loads by itself; without the module, it says so once.
 */
class JfrIT
{
    private static final String ALLOCATION = "io.pageowner.OffHeapAllocation";
    private static final String USAGE = "io.pageowner.OffHeapUsage";
    private static final String SUMMARY = "io.pageowner.OffHeapSummary";
    private static final Pattern JFR_CLASS =
        Pattern.compile("\\[class,load\\] (jdk\\.jfr\\.[\\w.$]+?)(\\$\\$Lambda|/| )");
    private static final Pattern OUR_JFR_CLASS = Pattern.compile("\\[class,load\\] (io\\.pageowner\\.jfr\\.\\w+)");

    private static Path recordingFile;
    private static Truth truth;
    private static List<RecordedEvent> events;

    @BeforeAll
    static void record() throws Exception
    {
        final Path work = ForkedJvm.workDir().resolve("jfr");
        Files.createDirectories(work);
        final Path jfc = work.resolve("page-owner.jfc");
        Files.writeString(jfc, ForkedJvm.cli("jfc").run().assertSuccess().stdout());
        recordingFile = work.resolve("probe.jfr");
        final Path truthFile = work.resolve("probe.truth");
        Files.deleteIfExists(recordingFile);
        Files.deleteIfExists(truthFile);
        ForkedJvm.main(JfrProbe.class)
            .agent("on")
            .jvmArgs("-XX:StartFlightRecording=filename=" + recordingFile + ",settings=default,settings=" + jfc)
            .args(truthFile.toString(), "record", work.resolve("mapped.bin").toString())
            .run().assertSuccess();
        truth = Truth.read(truthFile);
        events = RecordingFile.readAllEvents(recordingFile);
    }

    @Test
    void shouldRecordEachKnownAllocationWithItsKindSizeAddressAndTheProbesMethodInItsStack()
    {
        final List<String[]> known = truth.all("ALLOC");
        assertEquals(5, known.size(), "three direct buffers, one Unsafe block, one mapping");
        for (final String[] alloc : known)
        {
            final long address = Long.parseLong(alloc[1]);
            final List<RecordedEvent> at = named(ALLOCATION).stream()
                .filter(event -> event.getLong("address") == address).collect(Collectors.toList());
            assertEquals(1, at.size(), "allocation events at " + String.join(" ", alloc) + ": " + at);
            final RecordedEvent event = at.get(0);
            assertEquals(alloc[0], event.getString("kind"), event.toString());
            assertEquals(Long.parseLong(alloc[2]), event.getLong("size"), event.toString());
            assertFalse(event.getBoolean("pooled"), event.toString());
            assertEquals("main", event.getThread().getJavaName(), event.toString());
            final List<String> methods = event.getStackTrace().getFrames().stream()
                .map(RecordedFrame::getMethod).map(m -> m.getType().getName() + "." + m.getName())
                .collect(Collectors.toList());
            final String site = "MAPPED".equals(alloc[0]) ? "mapAndAwaitUsageEvent" : "allocateKnownBlocks";
            assertTrue(methods.contains(JfrProbe.class.getName() + "." + site), methods.toString());
        }
    }

    @Test
    void shouldReportTheMappingInTheUsageAndTheJdkPoolInTheSummary()
    {
        final String[] seen = truth.all("SEEN").get(0);
        assertEquals(List.of("MAPPED", "1", String.valueOf(3 * 4096)), List.of(seen),
            "what the probe saw live on its stream");
        final List<RecordedEvent> mapped = named(USAGE).stream()
            .filter(event -> "MAPPED".equals(event.getString("kind")) && 3 * 4096 == event.getLong("bytes"))
            .collect(Collectors.toList());
        assertFalse(mapped.isEmpty(), "no MAPPED usage event in the file");
        assertEquals(1, mapped.get(0).getLong("allocations"));
        final List<RecordedEvent> summaries = named(SUMMARY);
        assertFalse(summaries.isEmpty(), "no summary event");
        // NOTE: the JDK's mapped pool is the probe's one mapping once it exists; page-owner's summary carries it.
        assertTrue(summaries.stream().anyMatch(event -> 3 * 4096 == event.getLong("mappedMemoryUsed") &&
            1 == event.getLong("mappedCount")), "no summary with the probe's mapping in the JDK's pool");
        for (final RecordedEvent summary : summaries)
        {
            assertTrue(summary.getLong("rss") > 0, summary.toString());
            assertTrue(summary.getLong("bytes") >= 3 * 100_000, "the direct buffers are held: " + summary);
            assertEquals(0, summary.getLong("sampleBytes"));
        }
    }

    @Test
    void shouldShowTheAllocationsInTheJdksJfrTool() throws Exception
    {
        final Path jfr = ForkedJvm.java().resolveSibling("jfr");
        final Path out = ForkedJvm.workDir().resolve("jfr").resolve("print.txt");
        final Process process = new ProcessBuilder(jfr.toString(), "print", "--stack-depth", "64", "--events",
            ALLOCATION, recordingFile.toString())
            .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "jfr print did not finish");
        final String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), text);
        for (final String[] alloc : truth.all("ALLOC"))
        {
            final String address = "address = 0x" + Long.toHexString(Long.parseLong(alloc[1])).toUpperCase();
            final int at = text.indexOf(address);
            assertTrue(at > 0, address + " not in jfr print's output");
            final int start = text.lastIndexOf(ALLOCATION + " {", at);
            final int end = text.indexOf("\n}", at);
            final String event = text.substring(start, end);
            assertTrue(event.contains("kind = \"" + alloc[0] + "\""), event);
            assertTrue(event.contains("JfrProbe."), event);
        }
    }

    @Test
    void shouldLoadNothingOfJfrWithoutARecording() throws Exception
    {
        final Path work = ForkedJvm.workDir().resolve("jfr");
        final ForkedJvm.Result agent = ForkedJvm.main(JfrProbe.class).agent("on").jvmArgs("-Xlog:class+load=info")
            .args(work.resolve("plain-agent.truth").toString(), "plain").run().assertSuccess();
        final ForkedJvm.Result none = ForkedJvm.main(JfrProbe.class).jvmArgs("-Xlog:class+load=info")
            .args(work.resolve("plain-none.truth").toString(), "plain").run().assertSuccess();
        final Set<String> withAgent = classes(JFR_CLASS, agent.stdout());
        final Set<String> without = classes(JFR_CLASS, none.stdout());
        assertFalse(without.isEmpty(), "the platform MBean server loads some of jdk.jfr itself");
        final Set<String> extra = new TreeSet<>(withAgent);
        extra.removeAll(without);
        assertEquals(Set.of(), extra, "jdk.jfr classes the agent loaded beyond the platform MBean server's");
        assertEquals(Set.of("io.pageowner.jfr.JfrGate"), classes(OUR_JFR_CLASS, agent.stdout()));
        assertNotNull(truth, "the recorded run ran too");
    }

    @Test
    void shouldSayOnceThatThereIsNoJfrWithoutTheModule() throws Exception
    {
        // NOTE: as a jlinked runtime without jdk.jfr: the boot layer is limited to what the agent and probe need.
        final ForkedJvm.Result result = ForkedJvm.main(IdleProbe.class).agent("on,log=info")
            .jvmArgs("--limit-modules", "java.base,java.instrument,java.management,jdk.unsupported")
            .args("await").run().assertSuccess();
        final long lines = result.stderr().lines().filter(line -> line.contains("jdk.jfr")).count();
        assertEquals(1, lines, result.stderr());
        assertTrue(result.stderr().contains("[page-owner] no module jdk.jfr in this runtime: no JFR events"),
            result.stderr());
        assertTrue(result.stdout().contains("RESULT 42"), result.stdout());
    }

    private static List<RecordedEvent> named(final String name)
    {
        return events.stream()
            .filter(event -> name.equals(event.getEventType().getName())).collect(Collectors.toList());
    }

    private static Set<String> classes(final Pattern pattern, final String log)
    {
        final Set<String> names = new TreeSet<>();
        final Matcher matcher = pattern.matcher(log);
        while (matcher.find())
        {
            names.add(matcher.group(1));
        }
        return names;
    }
}
