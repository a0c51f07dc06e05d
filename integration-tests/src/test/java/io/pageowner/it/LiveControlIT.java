package io.pageowner.it;

import io.pageowner.it.apps.ControlProbe;
import io.pageowner.it.apps.StartProbe;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dumps by signal, period, exit and out-of-memory; tracking paused and resumed over JMX under load;
 * the live-stacks view; the live-bytes notification; and what every trigger does with a path it
 * cannot write.
 */
class LiveControlIT
{
    @Test
    void shouldDumpOnSignalAndSurviveASignalStorm() throws Exception
    {
        final Path dir = freshDir("signal");
        final Path truth = dir.resolve("truth");
        final ForkedJvm.Result result = ForkedJvm.main(ControlProbe.class)
            .agent("on,dump=" + dir + "/po-%t.txt")
            .args("signal", truth.toString(), "20")
            .run()
            .assertSuccess();
        final List<String> lines = Files.readAllLines(truth);
        assertTrue(lines.contains("SIGNAL_HANDLED true"), lines.toString());
        final long dumps = Long.parseLong(value(lines, "DUMPS"));
        assertTrue(dumps >= 1 && dumps <= 20, "a storm coalesces into a few dumps: " + dumps);
        final List<Path> files = list(dir, "po-");
        assertFalse(files.isEmpty());
        for (final Path file : files)
        {
            final Dump dump = Dump.parse(file);
            assertFalse(dump.trailer().isEmpty(), "complete file " + file);
            assertLive(dump, lines, "signalLeak");
        }
        assertTrue(list(dir, ".po-").isEmpty(), "no temporary file left");
        assertTrue(result.stderr().contains("signal SIGUSR1: wrote " + dir + "/po-"), result.stderr());
    }

    @Test
    void shouldRecordNothingWhilePausedAndLoseNothingLive() throws Exception
    {
        final Path dir = freshDir("toggle");
        final Path truth = dir.resolve("truth");
        final Path dumpFile = dir.resolve("toggle.dump");
        ForkedJvm.main(ControlProbe.class).agent("on")
            .args("toggle", truth.toString(), dumpFile.toString()).run().assertSuccess();
        final List<String> lines = Files.readAllLines(truth);
        final Dump dump = Dump.parse(dumpFile);
        assertLive(dump, lines, "beforePause");
        assertLive(dump, lines, "afterResume");
        assertEquals("false", value(lines, "ENABLED_WHILE_OFF"));
        int unrecorded = 0;
        for (final String line : lines)
        {
            if (line.startsWith("UNRECORDED "))
            {
                unrecorded++;
                final Dump.Record record = dump.at(Long.parseLong(line.split(" ")[1]));
                assertTrue(
                    null == record || !record.hasFrame("ControlProbe.whilePaused"), "recorded while off: " + record);
            }
        }
        assertEquals(10, unrecorded);
        assertTrue(value(lines, "SUMMARY").contains("while_off="), value(lines, "SUMMARY"));
        assertFalse(value(lines, "SUMMARY").contains("while_off=0 "), value(lines, "SUMMARY"));
        assertEquals("0", value(lines, "SUPPRESSED"));
    }

    @Test
    void shouldWriteLiveStacksWhoseTotalsMatchTheDump() throws Exception
    {
        final Path dir = freshDir("stacks");
        final Path truth = dir.resolve("truth");
        final Path dumpFile = dir.resolve("full.dump");
        final Path stacksFile = dir.resolve("stacks.txt");
        ForkedJvm.main(ControlProbe.class).agent("on")
            .args("stacks", truth.toString(), dumpFile.toString(), stacksFile.toString()).run().assertSuccess();
        final List<String> lines = Files.readAllLines(truth);
        final Dump dump = Dump.parse(dumpFile);
        assertLive(dump, lines, "stackOne");
        assertLive(dump, lines, "stackTwo");

        final Map<String, Long> fromDump = new HashMap<>();
        long dumpPages = 0;
        for (final Dump.Record record : dump.records())
        {
            fromDump.merge(String.join("\n", record.frames), 1L << record.order, Long::sum);
            dumpPages += 1L << record.order;
        }
        final Map<String, Long> fromStacks = new HashMap<>();
        long stackPages = 0;
        final List<String> frames = new ArrayList<>();
        for (final String line : Files.readAllLines(stacksFile))
        {
            if (line.startsWith(" "))
            {
                frames.add(line.substring(1));
            }
            else if (line.startsWith("nr_base_pages: "))
            {
                final long pages = Long.parseLong(line.substring("nr_base_pages: ".length()));
                fromStacks.put(String.join("\n", frames), pages);
                stackPages += pages;
                frames.clear();
            }
            else
            {
                assertEquals("", line);
            }
        }
        assertEquals(dumpPages, stackPages);
        assertEquals(fromDump, fromStacks);
        final String one = fromStacks.keySet().stream().filter(k -> k.contains("ControlProbe.stackOne")).findFirst()
            .orElseThrow();
        assertEquals(7L * 4, fromStacks.get(one));
        for (final String line : Files.readAllLines(Path.of(stacksFile + ".t4")))
        {
            if (line.startsWith("nr_base_pages: "))
            {
                assertTrue(Long.parseLong(line.substring(15)) >= 4, line);
            }
        }
    }

    @Test
    void shouldExpandAJmxDumpPathAsTheOptionDoes() throws Exception
    {
        final Path dir = freshDir("jmx-pattern");
        final ForkedJvm.Result result = ForkedJvm.main(StartProbe.class).agent("on")
            .args(dir + "/jmx-%p-%t.txt", dir.resolve("truth").toString(), "1").run().assertSuccess();
        final List<Path> files = list(dir, "jmx-");
        assertEquals(1, files.size(), files.toString());
        final String name = files.get(0).getFileName().toString();
        assertTrue(name.matches("jmx-\\d+-\\d{8}-\\d{6}\\.\\d{3}\\.txt"), name + "; " + result.stdout());
        final String summary = Files.readAllLines(dir.resolve("truth")).get(3);
        assertTrue(summary.startsWith("SUMMARY wrote " + files.get(0).toAbsolutePath() + ": records 1, bytes " +
            StartProbe.BUFFER_BYTES + ","), summary);
    }

    @Test
    void shouldDumpOnExit() throws Exception
    {
        final Path dir = freshDir("exit");
        final Path truth = dir.resolve("truth");
        ForkedJvm.main(ControlProbe.class).agent("on,dump_on_exit,dump=" + dir + "/exit-%p.txt")
            .args("exit", truth.toString()).run().assertSuccess();
        final List<Path> files = list(dir, "exit-");
        assertEquals(1, files.size(), files.toString());
        assertLive(Dump.parse(files.get(0)), Files.readAllLines(truth), "exitLeak");
    }

    @Test
    void shouldDumpBeforeDirectMemoryRunsOut() throws Exception
    {
        final Path dir = freshDir("oom");
        final Path truth = dir.resolve("truth");
        final ForkedJvm.Result result = ForkedJvm.main(ControlProbe.class)
            .agent("on,dump=" + dir + "/oom-%t.txt")
            .jvmArgs("-XX:MaxDirectMemorySize=16m")
            .args("oom", truth.toString()).run().assertSuccess();
        final List<String> lines = Files.readAllLines(truth);
        assertTrue(value(lines, "OOM").startsWith("Cannot reserve"), value(lines, "OOM"));
        final List<Path> files = list(dir, "oom-");
        assertEquals(1, files.size(), files + " " + result.stderr());
        long leaks = 0;
        for (final Dump.Record record : Dump.parse(files.get(0)).records())
        {
            if (record.hasFrame("ControlProbe.oomLeak") && 1024 * 1024 == record.bytes)
            {
                leaks++;
            }
        }
        assertEquals(Long.parseLong(value(lines, "BUFFERS")), leaks, "every buffer that filled direct memory");
        assertTrue(result.stderr().contains("direct buffer memory exhausted"), result.stderr());
    }

    @Test
    void shouldSayWhyTheOutOfMemoryDumpCouldNotBeWritten() throws Exception
    {
        final Path dir = freshDir("oom-badpath");
        final Path truth = dir.resolve("truth");
        final String bad = dir.resolve("missing").resolve("oom.txt").toString();
        final ForkedJvm.Result result = ForkedJvm.main(ControlProbe.class)
            .agent("on,dump=" + bad)
            .jvmArgs("-XX:MaxDirectMemorySize=16m")
            .args("oom", truth.toString()).run().assertSuccess();
        assertTrue(result.stderr().contains("[page-owner] direct memory exhausted: cannot write dump to " + bad +
            ": directory " + dir.resolve("missing") + " does not exist; tracking goes on"), result.stderr());
        assertTrue(value(Files.readAllLines(truth), "OOM").startsWith("Cannot reserve"));
    }

    @Test
    void shouldKeepOnlyTheNewestPeriodicDumps() throws Exception
    {
        final Path dir = freshDir("interval");
        ForkedJvm.main(ControlProbe.class).agent("on,interval=200ms,keep=3,dump=" + dir + "/p-%t.txt")
            .args("sleep", dir.resolve("truth").toString(), "2500").run().assertSuccess();
        final List<Path> files = list(dir, "p-");
        assertEquals(3, files.size(), files.toString());
        for (final Path file : files)
        {
            assertLive(Dump.parse(file), Files.readAllLines(dir.resolve("truth")), "sleepLeak");
        }
    }

    @Test
    void shouldSayWhyEachTriggerCouldNotWriteAndKeepTracking() throws Exception
    {
        final Path dir = freshDir("badpath");
        final Path truth = dir.resolve("truth");
        final String bad = dir.resolve("missing").resolve("po.txt").toString();
        final ForkedJvm.Result result = ForkedJvm.main(ControlProbe.class)
            .agent("on,dump_on_exit,interval=300ms,dump=" + bad)
            .args("badpath", truth.toString(), dir.resolve("good.dump").toString()).run().assertSuccess();
        final String why = ": cannot write dump to " + bad + ": directory " + dir.resolve("missing") +
            " does not exist; tracking goes on";
        for (final String trigger : new String[]{ "signal SIGUSR1", "interval", "exit" })
        {
            assertTrue(result.stderr().contains("[page-owner] " + trigger + why), trigger + ": " + result.stderr());
        }
        final List<String> lines = Files.readAllLines(truth);
        assertEquals("true", value(lines, "ENABLED"));
        assertLive(Dump.parse(dir.resolve("good.dump")), lines, "afterFailures");
    }

    @Test
    void shouldRemoveTheAdviceAndPutItBack() throws Exception
    {
        final Path dir = freshDir("detach");
        final Path truth = dir.resolve("truth");
        final Path dumpFile = dir.resolve("detach.dump");
        ForkedJvm.main(ControlProbe.class).agent("on")
            .args("detach", truth.toString(), dumpFile.toString()).run().assertSuccess();
        final List<String> lines = Files.readAllLines(truth);
        assertTrue(value(lines, "DETACH").startsWith("advice removed, table kept"), value(lines, "DETACH"));
        assertEquals("true", value(lines, "DETACHED"));
        assertEquals("false", value(lines, "DETACHED_AFTER"));
        final Dump dump = Dump.parse(dumpFile);
        assertLive(dump, lines, "beforeDetach");
        assertLive(dump, lines, "afterReattach");
        for (final String line : lines)
        {
            if (line.startsWith("UNRECORDED "))
            {
                final Dump.Record record = dump.at(Long.parseLong(line.split(" ")[1]));
                assertTrue(null == record || !record.hasFrame("ControlProbe.whileDetached"), "recorded: " + record);
            }
        }
        // NOTE: two new sites in the cycles (the pair freed at once, and the kept block); before stacks
        // were kept by text, every cycle added each stack through Unsafe again.
        assertTrue(Long.parseLong(value(lines, "DISTINCT_GROWTH")) <= 3,
            ControlProbe.DETACH_CYCLES + " detach cycles added stacks: " + value(lines, "DISTINCT_GROWTH"));
        assertTrue(value(lines, "CLEAR").contains("records cleared"), value(lines, "CLEAR"));
        assertTrue(Long.parseLong(value(lines, "LIVE_AFTER_CLEAR")) <= 2, value(lines, "LIVE_AFTER_CLEAR"));
        assertEquals("0", value(lines, "SUPPRESSED"));
    }

    @Test
    void shouldLeaveASignalTheApplicationHandles() throws Exception
    {
        final Path dir = freshDir("owned-signal");
        final Path truth = dir.resolve("truth");
        final ForkedJvm.Result result = ForkedJvm.main(io.pageowner.it.apps.SignalOwnerProbe.class)
            .jvmArgs("-Djdk.attach.allowAttachSelf=true", "-XX:+EnableDynamicAgentLoading")
            .args(truth.toString(), ForkedJvm.agentJar().toString()).run().assertSuccess();
        final List<String> lines = Files.readAllLines(truth);
        assertEquals("true", value(lines, "APP_HANDLED"));
        assertEquals("false", value(lines, "SIGNAL_HANDLED"));
        assertEquals("0", value(lines, "DUMPS"));
        final String before = value(lines, "BEFORE_START");
        final java.util.regex.Matcher count = java.util.regex.Pattern.compile("direct.count=(\\d+)").matcher(before);
        final java.util.regex.Matcher used =
            java.util.regex.Pattern.compile("direct.memoryUsed=(\\d+)").matcher(before);
        assertTrue(count.find() && used.find(), before);
        assertTrue(Long.parseLong(count.group(1)) >= 3, "the early buffers are counted before start: " + before);
        assertTrue(Long.parseLong(used.group(1)) >= 3 * 64 * 1024, before);
        assertTrue(result.stderr().contains("SIGUSR1 is already handled in this JVM; page-owner left it alone"),
            result.stderr());
    }

    @Test
    void shouldNotifyWhenLiveBytesCrossTheThreshold() throws Exception
    {
        final Path dir = freshDir("notify");
        final Path truth = dir.resolve("truth");
        ForkedJvm.main(ControlProbe.class).agent("on,notify_bytes=2m")
            .args("notify", truth.toString()).run().assertSuccess();
        final List<String> lines = Files.readAllLines(truth);
        assertEquals("true", value(lines, "NOTIFIED"));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("io.pageowner.live.bytes.threshold live tracked " +
            "off-heap bytes ")), lines.toString());
    }

    private static void assertLive(final Dump dump, final List<String> truth, final String phase)
    {
        int found = 0;
        for (final String line : truth)
        {
            final String[] f = line.split(" ");
            if ("LIVE".equals(f[0]) && phase.equals(f[2]))
            {
                final Dump.Record record = dump.at(Long.parseLong(f[1]));
                assertNotNull(record, phase + " block " + f[1] + " missing");
                assertTrue(record.hasFrame("ControlProbe." + phase) || record.hasFrame("ControlProbe.main"),
                    "stack of " + record);
                found++;
            }
        }
        assertTrue(found > 0, "no ground truth for " + phase);
    }

    private static String value(final List<String> lines, final String key)
    {
        return lines.stream().filter(l -> l.startsWith(key + " ")).map(l -> l.substring(key.length() + 1)).findFirst()
            .orElseThrow(() -> new AssertionError("no " + key + " in " + lines));
    }

    private static List<Path> list(final Path dir, final String prefix) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    private static Path freshDir(final String name) throws IOException
    {
        final Path dir = ForkedJvm.workDir().resolve("live-" + name);
        if (Files.exists(dir))
        {
            try (Stream<Path> files = Files.walk(dir))
            {
                for (final Path p : files.sorted((a, b) -> b.compareTo(a)).toList())
                {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        return dir;
    }
}
