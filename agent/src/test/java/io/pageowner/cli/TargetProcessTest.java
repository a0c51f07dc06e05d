package io.pageowner.cli;

import io.pageowner.analysis.ExitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class TargetProcessTest
{
    private static final String JVM_STATUS = String.join("\n",
        "Name:\tjava",
        "Pid:\t4242",
        "NSpid:\t4242\t7",
        "SigBlk:\t0000000000000000",
        "SigIgn:\t0000000000000000",
        "SigCgt:\t2000000181005ccf",
        "");

    @Test
    void shouldSeeSigQuitCaughtInAJvmsStatus()
    {
        assertTrue(TargetProcess.catchesSigQuit(JVM_STATUS));
    }

    @Test
    void shouldSeeSigQuitNotCaughtInASleepsStatus()
    {
        assertFalse(TargetProcess.catchesSigQuit(
            "Name:\tsleep\nSigIgn:\t0000000000000004\nSigCgt:\t0000000000000000\n"));
        assertFalse(TargetProcess.catchesSigQuit("SigCgt:\t0000000000010000\n"), "only SIGCHLD");
    }

    @Test
    void shouldLeaveTheDecisionToAttachWhenTheMaskIsUnreadable()
    {
        assertTrue(TargetProcess.catchesSigQuit("Name:\tx\n"));
        assertTrue(TargetProcess.catchesSigQuit("SigCgt:\tzz\n"));
    }

    @Test
    void shouldFindThePidInsideTheContainersNamespace()
    {
        assertEquals(7, TargetProcess.namespacePid(JVM_STATUS, 4242));
        assertEquals(4242, TargetProcess.namespacePid("NSpid:\t4242\n", 1));
        assertEquals(99, TargetProcess.namespacePid("Name:\told kernel\n", 99));
    }

    @Test
    void shouldRefuseItsOwnJvm()
    {
        final CliException ex =
            assertThrows(CliException.class, () -> TargetProcess.check(ProcessHandle.current().pid()));
        assertEquals(ExitStatus.FAILURE, ex.exitStatus());
        assertTrue(ex.getMessage().endsWith("is this command's own JVM"), ex.getMessage());
    }

    @Test
    void shouldSayThereIsNoSuchProcess() throws Exception
    {
        final Process process = new ProcessBuilder("true").start();
        process.waitFor();
        final long gone = process.pid();
        final CliException ex = assertThrows(CliException.class, () -> TargetProcess.check(gone));
        assertEquals(ExitStatus.FAILURE, ex.exitStatus());
        assertTrue(ex.getMessage().startsWith("no process " + gone), ex.getMessage());
    }

    @Test
    void shouldRefuseAProcessThatSigQuitWouldKillAndLeaveItRunning() throws Exception
    {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc");
        final Process sleep = new ProcessBuilder("sleep", "30").start();
        try
        {
            // NOTE: until the child has exec'd sleep it is a copy of this JVM's launch helper and can show the
            // parent's caught signals (SIGQUIT among them): wait for the exec, or the check may rightly let it by.
            final Path comm = Path.of("/proc", Long.toString(sleep.pid()), "comm");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!"sleep".equals(Files.readString(comm).strip()) && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            final CliException ex = assertThrows(CliException.class, () -> TargetProcess.check(sleep.pid()));
            assertEquals(ExitStatus.FAILURE, ex.exitStatus());
            assertTrue(ex.getMessage().startsWith("process " + sleep.pid() + " (/"), ex.getMessage());
            assertTrue(ex.getMessage().contains("is not a JVM ready for attach"), ex.getMessage());
            assertFalse(sleep.waitFor(200, TimeUnit.MILLISECONDS), "still running");
        }
        finally
        {
            sleep.destroyForcibly().waitFor();
        }
    }

    @Test
    void shouldTakeASocketOlderThanItsProcessForAnEarlierProcesss() throws Exception
    {
        final long self = ProcessHandle.current().pid();
        final Instant started = ProcessHandle.current().info().startInstant().orElse(null);
        assumeTrue(null != started, "the platform gives a process's start");
        final Path socket = Files.createTempFile("java_pid", "");
        try
        {
            Files.setLastModifiedTime(socket, FileTime.from(started.minus(Duration.ofHours(1))));
            assertTrue(TargetProcess.predates(socket, self), "an hour older than the process");
            Files.setLastModifiedTime(socket, FileTime.from(Instant.now()));
            assertFalse(TargetProcess.predates(socket, self), "made since the process started");
            Files.setLastModifiedTime(socket, FileTime.from(started.minusMillis(500)));
            assertFalse(TargetProcess.predates(socket, self), "within the margin the start's precision needs");
            Files.setLastModifiedTime(socket, FileTime.from(started.minus(Duration.ofHours(1))));
            assertFalse(TargetProcess.predates(socket.resolveSibling("none"), self), "no file");
            final Process process = new ProcessBuilder("true").start();
            process.waitFor();
            assertFalse(TargetProcess.predates(socket, process.pid()), "no process");
        }
        finally
        {
            Files.deleteIfExists(socket);
        }
    }

    @Test
    void shouldRefuseAProcessThatSigQuitWouldKillThoughASocketOfAnEarlierProcessHasItsPid() throws Exception
    {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc");
        final Process sleep = new ProcessBuilder("sleep", "30").start();
        final Path socket = Path.of("/proc", Long.toString(sleep.pid()), "root/tmp/.java_pid" + sleep.pid());
        try
        {
            final Path comm = Path.of("/proc", Long.toString(sleep.pid()), "comm");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!"sleep".equals(Files.readString(comm).strip()) && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            if (!Files.exists(socket))
            {
                Files.createFile(socket);
            }
            Files.setLastModifiedTime(socket, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
            // NOTE: a socket of the JVM's own would let the check by (attaching then sends no signal); an earlier
            // process's must not, or attaching would signal the sleep and kill it.
            final CliException ex = assertThrows(CliException.class, () -> TargetProcess.check(sleep.pid()));
            assertTrue(ex.getMessage().contains("is not a JVM ready for attach"), ex.getMessage());
            assertFalse(sleep.waitFor(200, TimeUnit.MILLISECONDS), "still running");
        }
        finally
        {
            Files.deleteIfExists(socket);
            sleep.destroyForcibly().waitFor();
        }
    }
}
