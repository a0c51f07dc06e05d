package io.pageowner.it;

import io.pageowner.it.apps.CliProbe;
import io.pageowner.it.apps.LeakProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code java -jar page-owner.jar dump|status|off|on|list <pid>} against a probe JVM started with
 * {@code -javaagent:page-owner.jar=on}, each command a separate JVM of the JDK under test, run in
 * another directory than the probe's. Loading the agent into a JVM started without it is
 * {@link CliOnIT}.
 */
class CliIT
{
    private static Path probeDir;
    private static Path cliDir;
    private static ForkedJvm.Background probe;
    private static List<String> startBlocks;

    @BeforeAll
    static void startProbe() throws Exception
    {
        final Path work = ForkedJvm.workDir().resolve("cli");
        probeDir = work.resolve("probe");
        cliDir = work.resolve("user");
        Files.createDirectories(probeDir);
        Files.createDirectories(cliDir);
        probe = ForkedJvm.main(CliProbe.class)
            .agent("on,dump=" + probeDir.resolve("default-%p.txt"))
            .directory(probeDir)
            .start();
        probe.awaitLine("READY");
        startBlocks = live(probe, 0, "leakAtStart");
        assertEquals(3, startBlocks.size());
    }

    @AfterAll
    static void stopProbe() throws Exception
    {
        if (null != probe)
        {
            final ForkedJvm.Result result = probe.stop();
            probe.close();
            assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
            assertFalse(result.stderr().contains("[page-owner]"), result.stderr());
        }
    }

    @Test
    void shouldDumpTheProbesLiveBlocksFromItsCallSiteIntoTheUsersDirectory() throws Exception
    {
        final Path file = cliDir.resolve("leak-" + probe.pid() + ".txt");
        Files.deleteIfExists(file);
        final ForkedJvm.Result result = cli("dump", pid(), "leak-%p.txt").assertSuccess();

        assertEquals("", result.stderr());
        final String summary = result.stdout().strip();
        assertEquals(1, summary.lines().count(), summary);
        assertTrue(summary.startsWith("wrote " + file + ": records "), summary);
        assertFalse(Files.exists(probeDir.resolve(file.getFileName())), "relative to the command's directory");

        final Dump dump = Dump.parse(file);
        for (final String line : startBlocks)
        {
            final String[] f = line.split(" ");
            final Dump.Record record = dump.at(Long.parseLong(f[1]));
            assertNotNull(record, line + " missing from " + file);
            assertEquals(Long.parseLong(f[2]), record.bytes, record.toString());
            assertTrue(record.hasFrame("io.pageowner.it.apps.CliProbe.leakAtStart(CliProbe.java:"), record.toString());
        }
        assertTrue(summary.contains("records " + dump.records().size() + ","), summary);
    }

    @Test
    void shouldMarkWhatItsOwnAttachAndCallsLeaveInTheTargetAsTheTools() throws Exception
    {
        cli("status", pid()).assertSuccess();
        final Path file = cliDir.resolve("own-" + probe.pid() + ".txt");
        Files.deleteIfExists(file);
        cli("dump", pid(), file.getFileName().toString()).assertSuccess();

        // NOTE: the JMX connection's thread reads each request into an NIO temporary buffer that it keeps, and the
        // JVM's attach listener (which starts the JMX agent) may load and cache buffers too: marked, never hidden.
        int tools = 0;
        int unmarkedRmi = 0;
        for (final Dump.Record record : Dump.parse(file).records())
        {
            final boolean servesTools = record.comm.startsWith("RMI TCP") || "Attach Listener".equals(record.comm);
            if (record.kinds.contains("TOOL"))
            {
                tools++;
                assertTrue(servesTools, record.toString());
            }
            else
            {
                // NOTE: an RMI connection thread that only carried RMI's own calls (the client's distributed GC
                // calls, which open a second connection when the first is busy) never calls the MBean, so its read
                // buffer cannot be told from another JMX client's and stays unmarked (seen once, on JDK 21).
                assertFalse("Attach Listener".equals(record.comm), record.toString());
                unmarkedRmi += servesTools ? 1 : 0;
            }
        }
        assertTrue(tools >= 1, "the JMX connection's buffer is there, marked");

        final Path sorted = cliDir.resolve("own-sorted.txt");
        ForkedJvm.cli("sort", "--kind", "^TOOL", "--cull", "name", file.toString(), sorted.toString()).timeout(60)
            .run().assertSuccess();
        final String text = Files.readString(sorted);
        assertTrue(text.contains("task_comm_name: main"), text);
        assertFalse(text.contains("Attach Listener"), text);
        assertTrue(unmarkedRmi > 0 || !text.contains("RMI TCP"), text);
    }

    @Test
    void shouldDumpToTheAgentsDumpPathWhenNoFileIsGiven() throws Exception
    {
        final Path file = probeDir.resolve("default-" + probe.pid() + ".txt");
        Files.deleteIfExists(file);
        final ForkedJvm.Result result = cli("dump", pid()).assertSuccess();
        assertTrue(result.stdout().startsWith("wrote " + file + ": records "), result.stdout());
        assertTrue(Dump.parse(file).records().size() >= startBlocks.size());
    }

    @Test
    void shouldReportTotalsUntrackedCountsAndOptions() throws Exception
    {
        final ForkedJvm.Result result = cli("status", pid()).assertSuccess();
        final String out = result.stdout();
        assertEquals("", result.stderr());
        assertTrue(out.startsWith("page-owner in " + pid() + " (io.pageowner.it.apps.CliProbe, Java "), out);
        assertTrue(out.contains("\nenabled:           true\n"), out);
        final String live = line(out, "live:");
        final long allocations = Long.parseLong(live.split("\\s+")[1]);
        assertTrue(allocations >= startBlocks.size(), live);
        assertTrue(line(out, "live by kind:").matches("live by kind: +UNSAFE \\d+ \\(\\d+ bytes\\), DIRECT .*"), out);
        assertTrue(line(out, "process memory:").startsWith("process memory:    VmRSS "), out);
        assertTrue(line(out, "untracked:").matches(
            "untracked: +\\d+ \\(table_full 0, table_full_bytes 0, before_start \\d+, while_off 0, " +
                "while_off_bytes 0\\)"), out);
        assertTrue(line(out, "agent's own:").endsWith("allocations, never recorded"), out);
        assertEquals("suppressed errors: 0", line(out, "suppressed errors:"));
        assertEquals("stack capture:     backtrace", line(out, "stack capture:"));
        final String advice = line(out, "advice matches:");
        assertTrue(advice.contains("Unsafe.allocateMemory=1, Unsafe.freeMemory=1, Unsafe.reallocateMemory=1"), advice);
        assertFalse(advice.contains("=0"), advice);
        assertEquals("dump signal:       SIGUSR1 (kill -USR1 " + pid() + " writes a dump)", line(out, "dump signal:"));
        assertTrue(line(out, "options:").startsWith("options:           on,depth=16,dump=" +
            probeDir.resolve("default-%p.txt") + ",max_records=1048576,log=warn,"), out);
        assertTrue(line(out, "JVM buffer pools:").matches(
            "JVM buffer pools:  direct \\d+ buffers?, \\d+ bytes; mapped 0 .*"), out);
    }

    @Test
    void shouldListTheProbeAndMarkItself() throws Exception
    {
        final ForkedJvm.Result result = cli("list").assertSuccess();
        final String out = result.stdout();
        assertTrue(out.lines().anyMatch(l -> l.equals(pid() + " io.pageowner.it.apps.CliProbe")), out);
        assertEquals(1, out.lines().filter(l -> l.endsWith("   (this command)")).count(), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("page-owner.jar list   (this command)")), out);
    }

    @Test
    void shouldStopRecordingWhileOffAndResumeOnOn() throws Exception
    {
        final Path dir = ForkedJvm.workDir().resolve("cli").resolve("off");
        try (ForkedJvm.Background target = ForkedJvm.main(CliProbe.class).agent("on").directory(dir).start())
        {
            target.awaitLine("READY");
            final String pid = Long.toString(target.pid());

            final ForkedJvm.Result off = cli("off", pid).assertSuccess();
            assertTrue(off.stdout().startsWith("page-owner paused in " + pid + " "), off.stdout());
            assertTrue(cli("status", pid).assertSuccess().stdout().contains("\nenabled:           false (paused"));
            assertTrue(cli("off", pid).assertSuccess().stdout().startsWith("page-owner is already off in " + pid));
            final List<String> whileOff = command(target, "leak whileOff", "leakWhileOff");
            final String paused = cli("status", pid).assertSuccess().stdout();
            // NOTE: while paused, every thread's allocations count as while_off, and the JMX connection's thread of
            // a status call may take an NIO temporary buffer then (seen once, 8 KiB, on JDK 21): the probe's two
            // blocks are there, and anything more is whole further allocations.
            final Matcher untracked = Pattern.compile("while_off (\\d+), while_off_bytes (\\d+)\\)")
                .matcher(line(paused, "untracked:"));
            assertTrue(untracked.find(), paused);
            final long extraCount = Long.parseLong(untracked.group(1)) - 2;
            final long extraBytes = Long.parseLong(untracked.group(2)) - 60_003;
            assertTrue(extraCount >= 0 && extraBytes >= extraCount && (extraCount == 0) == (extraBytes == 0), paused);

            final ForkedJvm.Result on = cli("on", pid).assertSuccess();
            assertTrue(on.stdout().startsWith("page-owner resumed in " + pid + " "), on.stdout());
            final List<String> afterResume = command(target, "leak afterResume", "leakAfterResume");

            final Path file = cliDir.resolve("off-on.txt");
            cli("dump", pid, file.toString()).assertSuccess();
            final Dump dump = Dump.parse(file);
            for (final String line : whileOff)
            {
                assertNull(dump.at(Long.parseLong(line.split(" ")[1])), "allocated while off, yet recorded: " + line);
            }
            for (final Dump.Record record : dump.records())
            {
                assertFalse(record.hasFrame("leakWhileOff"), "allocated while off, yet recorded: " + record);
            }
            for (final String line : afterResume)
            {
                final Dump.Record record = dump.at(Long.parseLong(line.split(" ")[1]));
                assertNotNull(record, "allocated after on, not recorded: " + line);
                assertTrue(record.hasFrame("CliProbe.leakAfterResume("), record.toString());
            }
            assertEquals("", target.stderr());
        }
    }

    @Test
    void shouldTellTheGrowthSinceABaselineAsDiffOfTwoDumpsTells() throws Exception
    {
        final Path dir = ForkedJvm.workDir().resolve("cli").resolve("baseline");
        try (ForkedJvm.Background target = ForkedJvm.main(CliProbe.class).agent("on").directory(dir).start())
        {
            target.awaitLine("READY");
            final String pid = Long.toString(target.pid());
            final ForkedJvm.Result none = cli("diff", pid);
            assertEquals(2, none.exitCode(), none.stderr());
            assertEquals("page-owner: no baseline in " + pid + ": take one first (baseline() over JMX, or java -jar " +
                "page-owner.jar baseline " + pid + ")", none.stderr().strip());

            final ForkedJvm.Result baseline = cli("baseline", pid).assertSuccess();
            assertTrue(baseline.stdout().startsWith("baseline of "), baseline.stdout());
            final Path old = cliDir.resolve("baseline-old.txt");
            cli("dump", pid, old.toString()).assertSuccess();
            final List<String> grown = command(target, "leak afterOn", "leakAfterOn");
            final Path now = cliDir.resolve("baseline-new.txt");
            cli("dump", pid, now.toString()).assertSuccess();
            final String live = cli("diff", pid).assertSuccess().stdout();
            final Path liveFile = cliDir.resolve("baseline-live.txt");
            assertTrue(cli("diff", pid, liveFile.toString()).assertSuccess().stdout().startsWith("wrote " + liveFile));
            final String files = cli("diff", "--kind", "^TOOL", old.toString(), now.toString()).assertSuccess()
                .stdout();

            assertEquals(2, grown.size());
            assertTrue(live.startsWith("# diff baseline (taken at ts "), live);
            assertTrue(live.matches("(?s).*\n\\+1 times, \\+\\d+ pages, \\+20001 bytes, new:\n.*"), live);
            assertTrue(live.matches("(?s).*\n\\+1 times, \\+\\d+ pages, \\+20002 bytes, new:\n.*"), live);
            assertTrue(live.contains("CliProbe.leakAfterOn(CliProbe.java:"), live);
            // NOTE: the same blocks as diff of dumps taken next to the baseline and the diff, the tool's own left out
            // of both (with --kind, diff also names each group's kind).
            assertEquals(files.substring(files.indexOf("\n\n") + 2).replaceAll(", kind: [A-Z_|]+", ""),
                live.substring(live.indexOf("\n\n") + 2), "diff " + old + " " + now);
            final String written = Files.readString(liveFile);
            assertEquals(live.substring(live.indexOf("\n\n")), written.substring(written.indexOf("\n\n")),
                "to stdout or to a file");

            final String top = cli("top", pid).assertSuccess().stdout();
            assertTrue(top.matches("(?s)# top \\d+ of \\d+ stacks by bytes in process " + pid + ", taken at .*"), top);
            assertTrue(cli("top", pid, "2").assertSuccess().stdout().startsWith("# top 2 of "));
            // NOTE: the first application frame of each of the probe's blocks is its helper, live().
            assertTrue(top.contains("io.pageowner.it.apps.CliProbe.live(CliProbe.java:"), top);
            assertTrue(top.contains("1.00 MiB"), "the 1 MiB buffer: " + top);
            assertEquals("", target.stderr());
        }
    }

    @Test
    void shouldNameTheLeakOfARunningJvmAndNotItsFlatBlockOrChurn() throws Exception
    {
        final Path dir = ForkedJvm.workDir().resolve("cli").resolve("leaks");
        try (ForkedJvm.Background target = ForkedJvm.main(LeakProbe.class).agent("on").directory(dir).start())
        {
            target.awaitLine("READY");
            final String pid = Long.toString(target.pid());
            final ForkedJvm.Result result = cli("leaks", pid, "--every", "2s", "--for", "6s").assertSuccess();
            final String out = result.stdout();

            assertTrue(out.startsWith("# leaks over 4 dumps, process " + pid + ", "), out);
            final String[] blocks = out.split("\n\n");
            assertTrue(blocks.length >= 2 && blocks[1].contains("LeakProbe.leak(LeakProbe.java:"), out);
            assertFalse(out.contains("LeakProbe.flat(") || out.contains("LeakProbe.churn("), out);
            assertTrue(result.stderr().contains("dump 4 of 4"), result.stderr());
            final ForkedJvm.Result wrong = cli("leaks", pid, "--every", "5");
            assertEquals(1, wrong.exitCode(), wrong.stderr());
            assertOneLine(wrong);
        }
    }

    @Test
    void shouldExplainAWrongCommandLineInOneLine() throws Exception
    {
        for (final String[] args : new String[][]{
            { "status", "abc" }, { "dump" }, { "status", "-5" }, { "off", "1", "2" }, { "on", "1", "depht=3" } })
        {
            final ForkedJvm.Result result = cli(args);
            assertEquals(1, result.exitCode(), String.join(" ", args) + ": " + result.stderr());
            assertOneLine(result);
        }
    }

    @Test
    void shouldExplainAProcessThatCannotBeAttached() throws Exception
    {
        final Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        final ForkedJvm.Result noProcess = cli("status", Long.toString(gone.pid()));
        assertEquals(2, noProcess.exitCode(), noProcess.stderr());
        assertEquals("page-owner: no process " + gone.pid() + " (`list` shows the JVMs you can attach to)",
            noProcess.stderr().strip());

        final Process sleep = new ProcessBuilder("sleep", "60").start();
        try
        {
            // NOTE: before its exec the child still shows this JVM's caught signals; wait until it is sleep.
            final Path comm = Path.of("/proc", Long.toString(sleep.pid()), "comm");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!"sleep".equals(Files.readString(comm).strip()) && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            final long start = System.nanoTime();
            final ForkedJvm.Result notJava = cli("on", Long.toString(sleep.pid()));
            assertEquals(2, notJava.exitCode(), notJava.stderr());
            assertOneLine(notJava);
            assertTrue(notJava.stderr().contains("is not a JVM ready for attach"), notJava.stderr());
            assertFalse(sleep.waitFor(100, TimeUnit.MILLISECONDS), "the process must survive");
            // NOTE: the attach timeout this guards against is 10 s; a loaded host may take a few to start the CLI.
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(9) + 500_000_000L,
                "no 10 s attach timeout");
        }
        finally
        {
            sleep.destroyForcibly().waitFor();
        }
    }

    @Test
    void shouldExplainAnUnwritableDumpAndShowTheTraceOnlyWithDebug() throws Exception
    {
        final ForkedJvm.Result plain = cli("dump", pid(), "no-such-dir/x.txt");
        assertEquals(2, plain.exitCode(), plain.stderr());
        assertOneLine(plain);
        assertEquals("page-owner: cannot write dump to " + cliDir.resolve("no-such-dir/x.txt") + ": directory " +
            cliDir.resolve("no-such-dir") + " does not exist (in " + pid() + ")", plain.stderr().strip());

        final ForkedJvm.Result debug = cli("-d", "dump", pid(), "no-such-dir/x.txt");
        assertEquals(2, debug.exitCode());
        assertTrue(debug.stderr().startsWith(plain.stderr()), debug.stderr());
        assertTrue(debug.stderr().contains("\tat "), "a stack trace with -d: " + debug.stderr());
    }

    @Test
    void shouldRefuseAnotherUsersJvm() throws Exception
    {
        final Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(setpriv),
            "needs root and setpriv to run the command as another user");
        final List<String> command = new ArrayList<>(List.of(
            setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
            ForkedJvm.java().toString(), "-jar", ForkedJvm.agentJar().toString(), "status", pid()));
        final Process process = new ProcessBuilder(command).directory(Path.of("/tmp").toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        final String stderr = new String(process.getErrorStream().readAllBytes());
        assertEquals(2, process.exitValue(), stderr);
        assertTrue(stderr.startsWith("page-owner: process " + pid() + " belongs to user root, not "), stderr);
        assertEquals(1, stderr.lines().count(), stderr);
    }

    private static ForkedJvm.Result cli(final String... args) throws Exception
    {
        return cliIn(cliDir, args);
    }

    static ForkedJvm.Result cliIn(final Path dir, final String... args) throws Exception
    {
        return ForkedJvm.cli(args).directory(dir).timeout(60).run();
    }

    static void assertOneLine(final ForkedJvm.Result result)
    {
        assertEquals(1, result.stderr().lines().count(), "one line on stderr: " + result.stderr());
        assertTrue(result.stderr().startsWith("page-owner"), result.stderr());
        assertFalse(result.stderr().contains("Exception"), "no stack trace without -d: " + result.stderr());
        assertEquals("", result.stdout());
    }

    /**
     * Sends a command to the probe and returns the LIVE lines it answered with.
     */
    static List<String> command(final ForkedJvm.Background target, final String command, final String method)
        throws Exception
    {
        final int seen = target.stdoutLines().size();
        target.send(command);
        target.awaitLine("DONE " + command, seen, 60);
        return live(target, seen, method);
    }

    static List<String> live(final ForkedJvm.Background target, final int from, final String method)
    {
        final List<String> lines = target.stdoutLines();
        final List<String> live = new ArrayList<>();
        for (final String line : lines.subList(from, lines.size()))
        {
            if (line.startsWith("LIVE ") && line.endsWith(" " + method))
            {
                live.add(line);
            }
        }
        return live;
    }

    static String line(final String text, final String label)
    {
        return text.lines().filter(l -> l.startsWith(label)).findFirst()
            .orElseThrow(() -> new AssertionError("no '" + label + "' in:\n" + text));
    }

    private static String pid()
    {
        return Long.toString(probe.pid());
    }
}
