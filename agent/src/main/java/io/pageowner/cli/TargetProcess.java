package io.pageowner.cli;

import io.pageowner.analysis.ExitStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks made on a process id before attaching, so that each common mistake gets its own message
 * and none of them costs the attach mechanism's 10 s timeout.
 * <p>
 * The important one is the SIGQUIT check. Attaching to a JVM whose attach listener has not started
 * yet means sending it SIGQUIT, which the JVM catches. Any other process is killed by it (the
 * default action). Newer JDKs look at {@code SigCgt} in {@code /proc/<pid>/status} first
 * (JDK-8279124, openjdk/jdk PR #7003), JDK 17 does not: attaching from 17.0.15 to a process that does
 * not catch SIGQUIT killed it (exit status 131). So we check, on Linux, that the process catches SIGQUIT or already
 * has an attach socket, whatever JDK this command runs on.
 */
final class TargetProcess
{
    /** SIGQUIT is signal 3: bit 2 of the {@code SigCgt} mask. */
    private static final long SIGQUIT_MASK = 1L << (3 - 1);
    /**
     * How much older than its process an attach socket must be to be taken for an earlier process's: a process's
     * start as the JDK reports it is whole seconds of boot time plus clock ticks, so it may be up to a second off.
     */
    static final Duration STALE_MARGIN = Duration.ofSeconds(2);

    private final long pid;
    private final String command;

    private TargetProcess(final long pid, final String command)
    {
        this.pid = pid;
        this.command = command;
    }

    /**
     * Checks that a process id names a JVM of this user that the attach mechanism can reach.
     *
     * @param pid the process id.
     * @return the process.
     * @throws CliException with {@link ExitStatus#FAILURE} naming what is wrong.
     */
    static TargetProcess check(final long pid) throws CliException
    {
        final ProcessHandle self = ProcessHandle.current();
        if (pid == self.pid())
        {
            throw failure(pid + " is this command's own JVM");
        }
        final Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive())
        {
            throw failure("no process " + pid + " (`list` shows the JVMs you can attach to)");
        }
        final ProcessHandle.Info info = handle.get().info();
        final String command = info.command().orElse("");

        final String owner = info.user().orElse(null);
        final String me = self.info().user().orElse(null);
        if (null != owner && null != me && !owner.equals(me) && !isRoot())
        {
            throw failure("process " + pid + " belongs to user " + owner + ", not " + me +
                ": the JDK's attach mechanism works only between processes of the same user; run this as " + owner);
        }

        final Path proc = Path.of("/proc", Long.toString(pid));
        final String status = read(proc.resolve("status"));
        if (null != status && !catchesSigQuit(status) && !hasAttachSocket(proc, status, pid))
        {
            throw failure("process " + pid + (command.isEmpty() ? "" : " (" + command + ")") +
                " is not a JVM ready for attach: it does not catch SIGQUIT, which attaching sends and which " +
                "would kill it (not a Java process, a JVM run with -Xrs, or one still starting)");
        }
        return new TargetProcess(pid, command);
    }

    /**
     * Whether a {@code /proc/<pid>/status} text shows SIGQUIT among the caught signals.
     *
     * @param status the file's text.
     * @return true if {@code SigCgt} has bit 2 set, or if the mask cannot be read (then attach decides).
     */
    static boolean catchesSigQuit(final String status)
    {
        for (final String line : status.split("\n"))
        {
            if (line.startsWith("SigCgt:"))
            {
                try
                {
                    return (Long.parseUnsignedLong(line.substring("SigCgt:".length()).trim(), 16) & SIGQUIT_MASK) != 0;
                }
                catch (final NumberFormatException ex)
                {
                    return true;
                }
            }
        }
        return true;
    }

    /**
     * The pid inside the process's own pid namespace (a container's), the last {@code NSpid} entry.
     *
     * @param status the text of {@code /proc/<pid>/status}.
     * @param pid    the pid seen from here, the answer when there is no {@code NSpid} line.
     * @return the innermost pid.
     */
    static long namespacePid(final String status, final long pid)
    {
        for (final String line : status.split("\n"))
        {
            if (line.startsWith("NSpid:"))
            {
                final String[] ids = line.substring("NSpid:".length()).trim().split("\\s+");
                try
                {
                    return Long.parseLong(ids[ids.length - 1]);
                }
                catch (final NumberFormatException ex)
                {
                    return pid;
                }
            }
        }
        return pid;
    }

    /**
     * The JVM's attach socket, where HotSpot creates it: {@code /tmp/.java_pid<pid>} in its own root; one that
     * predates the process is not its ({@link #predates(Path, long)}).
     */
    private static boolean hasAttachSocket(final Path proc, final String status, final long pid)
    {
        final Path socket = proc.resolve("root/tmp/.java_pid" + namespacePid(status, pid));
        return Files.exists(socket) && !predates(socket, pid);
    }

    /**
     * Whether an attach socket file was made before its process started: it was left by an earlier process with
     * the same pid that was killed before it could remove it (a JVM killed by the kernel's OOM killer, say, and the
     * pid given again, as a container's JVM gets the same low pid at every restart). No listener answers on it, and
     * connecting to it is refused.
     *
     * @param socket the socket file.
     * @param pid    the process it is named for.
     * @return true only if both times can be read and the file is older than the process by {@link #STALE_MARGIN}.
     */
    static boolean predates(final Path socket, final long pid)
    {
        final Optional<Instant> started = ProcessHandle.of(pid).flatMap(handle -> handle.info().startInstant());
        if (started.isEmpty())
        {
            return false;
        }
        try
        {
            return Files.getLastModifiedTime(socket).toInstant().isBefore(started.get().minus(STALE_MARGIN));
        }
        catch (final IOException | SecurityException ex)
        {
            return false;
        }
    }

    private static boolean isRoot()
    {
        try
        {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException ex)
        {
            return false;
        }
    }

    /**
     * Reads a small text file of {@code /proc} whole, as Latin-1 (it names processes and ids, never text to show).
     *
     * @param file the file.
     * @return its text, or {@code null} when it cannot be read (the process is gone, or is not ours to read).
     */
    static String read(final Path file)
    {
        try
        {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        }
        catch (final IOException | SecurityException ex)
        {
            return null;
        }
    }

    private static CliException failure(final String message)
    {
        return new CliException(ExitStatus.FAILURE, message);
    }

    /**
     * The process id.
     *
     * @return the pid.
     */
    long pid()
    {
        return pid;
    }

    /**
     * The process's executable, for messages.
     *
     * @return its path, or empty if the OS does not say.
     */
    String command()
    {
        return command;
    }
}
