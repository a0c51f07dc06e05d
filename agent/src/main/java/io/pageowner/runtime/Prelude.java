package io.pageowner.runtime;

import io.pageowner.log.AgentLog;
import io.pageowner.options.AgentOptions;
import io.pageowner.weave.WovenCache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What start-up reads from files, read on a thread of its own while the starting thread opens {@code java.base} to
 * the agent and defines the hook classes: the process's figures from {@code /proc} and the woven-class cache. Neither
 * needs {@code java.base}'s internals, and the one {@code Instrumentation.redefineModule} call takes 4-8 ms (on JDK 25
 * it spins its lambdas through the ClassFile API, interpreted), about what these reads take.
 * <p>
 * {@link #await()} joins the thread, not only its result: anything its end does (a thread's cached NIO buffers are
 * freed as it ends) happens before start-up installs any advice, so it is never taken for the application's.
 */
final class Prelude implements Runnable
{
    private final AgentOptions options;
    private final Thread thread;
    private SelfProcess self;
    private long zeroNanos;
    private WovenCache cache;
    private Throwable failure;

    private Prelude(final AgentOptions options)
    {
        this.options = options;
        this.thread = new Thread(this, "page-owner-start");
        thread.setDaemon(true);
    }

    /**
     * Starts reading.
     *
     * @param options the agent's options (the cache's place, or that it is off).
     * @return the reads under way.
     */
    static Prelude start(final AgentOptions options)
    {
        final Prelude prelude = new Prelude(options);
        prelude.thread.start();
        return prelude;
    }

    @Override
    public void run()
    {
        try
        {
            // NOTE: from /proc, not ProcessHandle, whose first use sets up the process reaper (10-12 ms).
            self = SelfProcess.read();
            zeroNanos = zeroNanos(self.sinceStartMillis);
            cache = openCache(options);
        }
        catch (final Throwable ex)
        {
            failure = ex;
        }
    }

    /**
     * Waits until the reads are done and the thread has ended.
     *
     * @return this, read.
     * @throws Exception what a read threw, or an interruption; start-up fails with it as it would have in line.
     */
    Prelude await() throws Exception
    {
        thread.join();
        if (failure instanceof Exception)
        {
            throw (Exception)failure;
        }
        if (failure instanceof Error)
        {
            throw (Error)failure;
        }
        if (null != failure)
        {
            throw new IllegalStateException(failure);
        }
        return this;
    }

    /**
     * The process, as {@code /proc} tells it.
     *
     * @return its id and age.
     */
    SelfProcess self()
    {
        return self;
    }

    /**
     * The {@link System#nanoTime()} value at which the JVM started, so that timestamps read as ns since JVM start,
     * like the kernel's ns since boot; taken with {@link #self()}'s age, on the reading thread.
     *
     * @return the value.
     */
    long zeroNanos()
    {
        return zeroNanos;
    }

    /**
     * The woven-class cache.
     *
     * @return it, or null: turned off, no build id, or not usable (said in the log).
     */
    WovenCache cache()
    {
        return cache;
    }

    private static long zeroNanos(final long sinceStartMillis)
    {
        return System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(Math.max(0, sinceStartMillis));
    }

    private static WovenCache openCache(final AgentOptions options)
    {
        if ("off".equals(options.cache()))
        {
            return null;
        }
        final Path root = options.cache().isEmpty() ? WovenCache.defaultRoot() : Path.of(options.cache());
        final String build = buildId();
        if (null == build)
        {
            AgentLog.debug("no build id in the agent's jar: woven classes are not cached");
            return null;
        }
        return WovenCache.open(root, build);
    }

    /**
     * The agent's build id: its version and the time it was built, from a resource the build writes.
     *
     * @return the id, or null outside a built jar.
     */
    private static String buildId()
    {
        try (InputStream in = Prelude.class.getResourceAsStream("/io/pageowner/build-id"))
        {
            if (null == in)
            {
                return null;
            }
            final String id = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return id.isEmpty() || id.contains("${") ? null : id;
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
