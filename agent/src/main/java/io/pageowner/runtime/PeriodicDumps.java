package io.pageowner.runtime;

import io.pageowner.log.AgentLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code interval=} dumps and their {@code keep=} bound. The agent thread is a daemon: the JVM could end it
 * between writing a dump and deleting the oldest, which left {@code keep} + 1 dumps on disk. A dump and the
 * deletions after it run under one lock, and at the JVM's exit {@link #close()} (a shutdown hook) waits for that
 * pair to finish and stops further dumps.
 */
final class PeriodicDumps
{
    /** At most this long does the exit wait for a dump under way, so that one that cannot finish never holds it. */
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final AgentControl control;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Path> written = new ArrayDeque<>();
    private volatile boolean closed;

    PeriodicDumps(final AgentControl control)
    {
        this.control = control;
    }

    /**
     * Writes a periodic dump, then deletes the oldest until {@code keep} are left; on the agent thread.
     *
     * @param keep how many periodic dumps to keep.
     */
    void dump(final int keep)
    {
        lock.lock();
        try
        {
            if (closed)
            {
                return;
            }
            final Path dump = control.dumpAsync("interval");
            if (null == dump)
            {
                return;
            }
            written.remove(dump);
            written.addLast(dump);
            while (written.size() > keep)
            {
                final Path oldest = written.removeFirst();
                try
                {
                    Files.deleteIfExists(oldest);
                }
                catch (final IOException ex)
                {
                    AgentLog.warn("could not delete old dump " + oldest + ": " + ex);
                }
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Waits for a dump under way and its deletions to finish, {@value #CLOSE_WAIT_SECONDS} s at the most, and
     * stops further dumps.
     */
    void close()
    {
        closed = true;
        try
        {
            if (lock.tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS))
            {
                lock.unlock();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
