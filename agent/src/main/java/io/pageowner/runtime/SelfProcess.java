package io.pageowner.runtime;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * This JVM's pid and how long ago it started, read from {@code /proc/self/stat} and {@code /proc/uptime}, so
 * that the agent's start need not initialise {@code ProcessHandle}: its first use sets up the JDK's process
 * reaper (a thread pool and the method handles of its lambdas), 10-12 ms of every start (issue 19.1). Where
 * {@code /proc} cannot be read, {@code ProcessHandle} answers as before.
 */
final class SelfProcess
{
    /**
     * NOTE: the kernel reports a process's start time in USER_HZ ticks, which is 100 on every architecture a
     * current JDK builds for on Linux (x86, ARM, POWER, s390x, RISC-V); a JVM cannot ask sysconf for it.
     */
    private static final long TICKS_PER_SECOND = 100;

    /** The pid; fields 1 and 22 of /proc/self/stat (the latter the start, in ticks since boot). */
    final long pid;
    /** Milliseconds since the process started, or -1 if unknown. */
    final long sinceStartMillis;

    private SelfProcess(final long pid, final long sinceStartMillis)
    {
        this.pid = pid;
        this.sinceStartMillis = sinceStartMillis;
    }

    /**
     * Reads it, from {@code /proc} where it can, else from {@code ProcessHandle}.
     *
     * @return this process.
     */
    static SelfProcess read()
    {
        final SelfProcess fromProc = fromProc(read("/proc/self/stat"), read("/proc/uptime"));
        if (null != fromProc)
        {
            return fromProc;
        }
        final ProcessHandle self = ProcessHandle.current();
        final Optional<Instant> start = self.info().startInstant();
        return new SelfProcess(
            self.pid(), start.isPresent() ? Math.max(0, System.currentTimeMillis() - start.get().toEpochMilli()) : -1);
    }

    /**
     * Parses the two files.
     *
     * @param stat   the content of {@code /proc/self/stat}, or null.
     * @param uptime the content of {@code /proc/uptime}, read after it, or null.
     * @return the process, or null if either is missing or does not parse.
     */
    static SelfProcess fromProc(final String stat, final String uptime)
    {
        if (null == stat || null == uptime)
        {
            return null;
        }
        try
        {
            // NOTE: the command name (field 2, in parentheses) may hold spaces and parentheses: fields after it are
            // counted from its last ')'.
            final int nameEnd = stat.lastIndexOf(')');
            final int space = stat.indexOf(' ');
            if (nameEnd < 0 || space < 0 || space > nameEnd)
            {
                return null;
            }
            final long pid = Long.parseLong(stat.substring(0, space));
            final String[] fields = stat.substring(nameEnd + 1).trim().split(" ");
            // fields[0] is field 3 (state), so field 22 (start time) is fields[19].
            if (fields.length < 20)
            {
                return null;
            }
            final long startTicks = Long.parseLong(fields[19]);
            final String upSeconds = uptime.trim().split(" ")[0];
            final int dot = upSeconds.indexOf('.');
            final long upMillis = -1 == dot ? Long.parseLong(upSeconds) * 1000 :
                Long.parseLong(upSeconds.substring(0, dot)) * 1000 + centis(upSeconds.substring(dot + 1)) * 10;
            final long startMillis = startTicks * 1000 / TICKS_PER_SECOND;
            return pid > 0 && startMillis <= upMillis ? new SelfProcess(pid, upMillis - startMillis) : null;
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    private static long centis(final String fraction)
    {
        final String two = (fraction + "00").substring(0, 2);
        return Long.parseLong(two);
    }

    private static String read(final String file)
    {
        // NOTE: java.io, not NIO: a channel's temporary direct buffer would stay cached on this thread.
        try (InputStream in = new FileInputStream(file))
        {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        catch (final IOException | SecurityException ex)
        {
            return null;
        }
    }
}
