package io.pageowner.it;

import io.pageowner.it.apps.CliProbe;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar page-owner.jar on <pid>} against a probe JVM started without the agent: the agent
 * is loaded dynamically and tracks from then on, blocks allocated before are not in the dump, and
 * their frees are counted as {@code before_start}. On 21+ JEP 451's warning appears on the probe's
 * stderr unless it runs with {@code -XX:+EnableDynamicAgentLoading} (21 to 25 only warn).
 */
class CliOnIT
{
    private static final Pattern ALREADY_HELD = Pattern.compile(
        "\n {2}the JVM already held direct (\\d+) buffers?, (\\d+) bytes; mapped \\d+ buffers?, \\d+ bytes");
    private static final String JEP_451_WARNING = "WARNING: A Java agent has been loaded dynamically (";

    @Test
    void shouldLoadTheAgentWithoutAWarningWhenTheJvmAllowsDynamicAgents() throws Exception
    {
        loadIntoAJvmStartedWithoutTheAgent(true);
    }

    @Test
    void shouldTrackAfterOnEvenWhereJep451Warns() throws Exception
    {
        loadIntoAJvmStartedWithoutTheAgent(false);
    }

    @Test
    void shouldStartInAJvmLaunchedWithoutAnyJvmOption() throws Exception
    {
        // NOTE: such a JVM reports its arguments as null, which once stopped the agent from starting.
        final Path dir = ForkedJvm.workDir().resolve("cli-on").resolve("bare");
        try (ForkedJvm.Background probe = ForkedJvm.main(CliProbe.class).withoutJvmOptions().directory(dir).start())
        {
            probe.awaitLine("READY");
            final String pid = Long.toString(probe.pid());
            final ForkedJvm.Result on = CliIT.cliIn(dir, "on", pid).assertSuccess();
            assertTrue(on.stdout().startsWith("page-owner loaded into " + pid + " "), on.stdout());
            assertTrue(on.stdout().contains("\noptions: on,"), on.stdout());
            final ForkedJvm.Result status = CliIT.cliIn(dir, "status", pid).assertSuccess();
            assertTrue(status.stdout().contains("enabled:           true"), status.stdout());
            assertEquals(0, probe.stop().exitCode());
        }
    }

    @Test
    void shouldReportAJvmThatRefusesDynamicAgents() throws Exception
    {
        final Path dir = ForkedJvm.workDir().resolve("cli-on").resolve("refused");
        refusedBy(dir, "-XX:-EnableDynamicAgentLoading", (pid, stderr) ->
        {
            assertTrue(stderr.startsWith("page-owner: " + pid + " refused to load page-owner: "), stderr);
            assertTrue(stderr.contains("it was started with -XX:-EnableDynamicAgentLoading; restart it with " +
                "-javaagent:" + ForkedJvm.agentJar() + "=on"), stderr);
            assertEquals(3, CliIT.cliIn(dir, "status", pid).exitCode());
        });
    }

    @Test
    void shouldRefuseAJvmWithoutAttachAndNeverMakeItPrintAThreadDump() throws Exception
    {
        // NOTE: such a JVM answers SIGQUIT with a thread dump on its stdout; the command must not send it one.
        final Path dir = ForkedJvm.workDir().resolve("cli-on").resolve("no-attach");
        final ForkedJvm.Result end = refusedBy(dir, "-XX:+DisableAttachMechanism", (pid, stderr) ->
        {
            assertTrue(stderr.startsWith("page-owner: cannot attach to " + pid + ": "), stderr);
            assertTrue(stderr.contains("(started with -XX:+DisableAttachMechanism?)"), stderr);
            assertFalse(Files.exists(dir.resolve(".attach_pid" + pid)), "the trigger file is left behind");
        });
        assertFalse(end.stdout().contains("Full thread dump"), end.stdout());
    }

    @Test
    void shouldAttachWhereAnEarlierProcessWithThePidLeftItsSocket() throws Exception
    {
        // NOTE: a JVM killed before it could remove /tmp/.java_pid<pid> (by the OOM killer, say) leaves it for the
        // next process given that pid, as a container's JVM is at every restart: no listener answers on it.
        final Path dir = ForkedJvm.workDir().resolve("cli-on").resolve("stale-socket");
        try (ForkedJvm.Background probe = ForkedJvm.main(CliProbe.class).directory(dir).start())
        {
            probe.awaitLine("READY");
            final String pid = Long.toString(probe.pid());
            final Path stale = staleSocket(probe.pid());
            try
            {
                final ForkedJvm.Result on = CliIT.cliIn(dir, "on", pid).assertSuccess();
                assertTrue(on.stdout().startsWith("page-owner loaded into " + pid), on.stdout());
                assertTrue(Files.getLastModifiedTime(stale).toInstant().isAfter(Instant.now().minusSeconds(600)),
                    "the earlier process's file replaced by this JVM's socket");
                assertEquals(0, CliIT.cliIn(dir, "status", pid).exitCode());
            }
            finally
            {
                final ForkedJvm.Result end = probe.stop();
                assertEquals(0, end.exitCode(), end.stdout() + end.stderr());
                Files.deleteIfExists(stale);
            }
        }
    }

    @Test
    void shouldRefuseAJvmWithoutAttachThoughAnEarlierProcessWithThePidLeftItsSocket() throws Exception
    {
        final Path dir = ForkedJvm.workDir().resolve("cli-on").resolve("no-attach-stale-socket");
        final Path[] stale = new Path[1];
        try
        {
            final ForkedJvm.Result end = refusedBy(dir, "-XX:+DisableAttachMechanism", (pid, stderr) ->
            {
                assertTrue(stderr.startsWith("page-owner: cannot attach to " + pid + ": "), stderr);
                assertTrue(stderr.contains("(started with -XX:+DisableAttachMechanism?)"), stderr);
            }, (pid) -> stale[0] = staleSocket(pid));
            assertFalse(end.stdout().contains("Full thread dump"), end.stdout());
        }
        finally
        {
            if (null != stale[0])
            {
                Files.deleteIfExists(stale[0]);
            }
        }
    }

    /**
     * Leaves the file an earlier process with a pid would have left: {@code /tmp/.java_pid<pid>}, an hour old.
     *
     * @return the file.
     */
    private static Path staleSocket(final long pid) throws Exception
    {
        final Path stale = Path.of("/tmp", ".java_pid" + pid);
        if (!Files.exists(stale))
        {
            Files.createFile(stale);
        }
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        return stale;
    }

    /** What a test checks of a refused {@code on}, while the probe still runs. */
    private interface Refusal
    {
        void check(String pid, String stderr) throws Exception;
    }

    /**
     * Runs {@code on} against a probe started with an option that makes it refuse: one line on stderr, status 2.
     *
     * @return how the probe ended, with its output.
     */
    private static ForkedJvm.Result refusedBy(final Path dir, final String option, final Refusal refusal)
        throws Exception
    {
        return refusedBy(dir, option, refusal, (pid) ->
        {
        });
    }

    /** What a test sets up before a refused {@code on}. */
    private interface Setup
    {
        void before(long pid) throws Exception;
    }

    private static ForkedJvm.Result refusedBy(
        final Path dir, final String option, final Refusal refusal, final Setup setup) throws Exception
    {
        try (ForkedJvm.Background probe = ForkedJvm.main(CliProbe.class).jvmArgs(option).directory(dir).start())
        {
            probe.awaitLine("READY");
            setup.before(probe.pid());
            final String pid = Long.toString(probe.pid());
            final ForkedJvm.Result on = CliIT.cliIn(dir, "on", pid);
            assertEquals(2, on.exitCode(), on.stdout() + on.stderr());
            CliIT.assertOneLine(on);
            refusal.check(pid, on.stderr());
            final ForkedJvm.Result end = probe.stop();
            assertEquals(0, end.exitCode(), end.stdout() + end.stderr());
            return end;
        }
    }

    private static void loadIntoAJvmStartedWithoutTheAgent(final boolean allowDynamicAgents) throws Exception
    {
        final Path dir = ForkedJvm.workDir().resolve("cli-on").resolve(allowDynamicAgents ? "allowed" : "default");
        final Path classLog = dir.resolve("class-load.log");
        Files.createDirectories(dir);
        Files.deleteIfExists(classLog);
        final ForkedJvm jvm = ForkedJvm.main(CliProbe.class)
            .jvmArgs("-Xlog:class+load=info:file=" + classLog)
            .directory(dir.resolve("probe"));
        if (allowDynamicAgents)
        {
            jvm.jvmArgs("-XX:+EnableDynamicAgentLoading");
        }
        try (ForkedJvm.Background probe = jvm.start())
        {
            probe.awaitLine("READY");
            final String pid = Long.toString(probe.pid());
            final List<String> beforeOn = CliIT.live(probe, 0, "leakAtStart");

            for (final String command : new String[]{ "status", "dump", "off" })
            {
                final ForkedJvm.Result absent = CliIT.cliIn(dir, command, pid);
                assertEquals(3, absent.exitCode(), command + ": " + absent.stdout() + absent.stderr());
                CliIT.assertOneLine(absent);
                assertTrue(absent.stderr().startsWith("page-owner is not loaded in " + pid +
                    " (io.pageowner.it.apps.CliProbe, Java "), absent.stderr());
                assertTrue(
                    absent.stderr().contains("`java -jar page-owner.jar on " + pid + "` loads it"), absent.stderr());
            }

            final ForkedJvm.Result on = CliIT.cliIn(dir, "on", pid).assertSuccess();
            final String out = on.stdout();
            assertTrue(out.startsWith("page-owner loaded into " + pid + " (io.pageowner.it.apps.CliProbe, Java "), out);
            assertTrue(
                out.lines().findFirst().orElseThrow().endsWith(" ms: tracking off-heap allocations from now on"), out);
            assertTrue(out.contains("\nbefore start: allocations made before now are not attributed; their frees are " +
                "counted as untracked (before_start)\n"), out);
            final Matcher held = ALREADY_HELD.matcher(out);
            assertTrue(held.find(), out);
            assertTrue(Long.parseLong(held.group(2)) >= 1 << 20, "the probe's 1 MiB buffer: " + out);
            if (ForkedJvm.jdkVersion() >= 21)
            {
                if (allowDynamicAgents)
                {
                    assertTrue(out.contains("\nJEP 451: " + pid + " runs with -XX:+EnableDynamicAgentLoading, so it " +
                        "printed no warning"), out);
                }
                else
                {
                    assertTrue(out.contains("\nJEP 451: Java " + ForkedJvm.jdkVersion() + " printed \"" +
                        JEP_451_WARNING + "...)\" on " + pid + "'s stderr"), out);
                    assertTrue(out.contains("start the JVM with -XX:+EnableDynamicAgentLoading"), out);
                }
            }
            else
            {
                assertFalse(out.contains("JEP 451"), out);
            }
            assertEquals("", on.stderr());

            final List<String> afterOn = CliIT.command(probe, "leak afterOn", "leakAfterOn");
            assertEquals(2, afterOn.size());
            CliIT.command(probe, "free-start", "none");

            final Path file = dir.resolve("after-on.txt");
            CliIT.cliIn(dir, "dump", pid, file.getFileName().toString()).assertSuccess();
            final Dump dump = Dump.parse(file);
            for (final String line : afterOn)
            {
                final Dump.Record record = dump.at(Long.parseLong(line.split(" ")[1]));
                assertNotNull(record, "allocated after on, missing: " + line);
                assertEquals(Long.parseLong(line.split(" ")[2]), record.bytes);
                assertTrue(
                    record.hasFrame("io.pageowner.it.apps.CliProbe.leakAfterOn(CliProbe.java:"), record.toString());
            }
            for (final String line : beforeOn)
            {
                assertNull(
                    dump.at(Long.parseLong(line.split(" ")[1])), "allocated before on, yet in the dump: " + line);
            }
            for (final Dump.Record record : dump.records())
            {
                assertFalse(record.hasFrame("leakAtStart"), "allocated before on, yet in the dump: " + record);
            }

            final String status = CliIT.cliIn(dir, "status", pid).assertSuccess().stdout();
            final Matcher beforeStart = Pattern.compile("before_start (\\d+)[,)]").matcher(status);
            assertTrue(beforeStart.find(), status);
            assertTrue(Long.parseLong(beforeStart.group(1)) >= 1, "the free of a block from before on: " + status);
            assertTrue(CliIT.cliIn(dir, "on", pid).assertSuccess().stdout()
                .startsWith("page-owner is already on in " + pid));

            final ForkedJvm.Result end = probe.stop();
            assertEquals(0, end.exitCode(), end.stdout() + end.stderr());
            if (!allowDynamicAgents && ForkedJvm.jdkVersion() >= 21)
            {
                assertTrue(end.stderr().contains(JEP_451_WARNING + ForkedJvm.agentJar() + ")"), end.stderr());
            }
            else
            {
                assertEquals("", end.stderr());
            }
        }

        final String classes = Files.readString(classLog);
        assertTrue(classes.contains("] io.pageowner.agent.PageOwnerAgent source: "), "the log works");
        for (final String line : classes.split("\n"))
        {
            assertFalse(line.contains("] io.pageowner.cli.") || line.contains("] io.pageowner.agent.Cli ") ||
                line.contains("] com.sun.tools.attach."), "the command line's classes loaded in the target: " + line);
        }
    }
}
