package io.pageowner.runtime;

import io.pageowner.options.AgentOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What start-up reads on a thread of its own while java.base is opened: this process's id and start, the woven-class
 * cache where the options put it (or none when they turn it off), and the thread gone once they are taken.
 */
class PreludeTest
{
    @TempDir
    Path root;

    @Test
    void shouldReadThisProcessAndNoCacheWhenTurnedOff() throws Exception
    {
        final Prelude prelude = Prelude.start(AgentOptions.parse("on,cache=off")).await();

        assertEquals(ProcessHandle.current().pid(), prelude.self().pid);
        assertNull(prelude.cache(), "cache=off");
        // NOTE: the zero is the JVM's start on the nanoTime clock: what has passed since agrees with the JVM's
        // uptime (the process starts a little before the JVM counts; /proc counts in 10 ms ticks).
        final long sinceZeroMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - prelude.zeroNanos());
        final long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        assertTrue(Math.abs(sinceZeroMillis - uptime) < 2_000, sinceZeroMillis + " ms since zero, uptime " + uptime);
        assertNoPreludeThread();
    }

    @Test
    void shouldOpenTheCacheWhereTheOptionsSay() throws Exception
    {
        final Path cacheRoot = root.resolve("woven");
        final Prelude prelude = Prelude.start(AgentOptions.parse("on,cache=" + cacheRoot)).await();

        // NOTE: the build writes the build id into the agent's classes, which the tests run from.
        assertNotNull(Prelude.class.getResource("/io/pageowner/build-id"), "the build's id is on the class path");
        assertNotNull(prelude.cache(), "a cache in a new private directory");
        assertTrue(Files.isDirectory(cacheRoot), cacheRoot + " made");
        assertNoPreludeThread();
    }

    private static void assertNoPreludeThread()
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            assertFalse("page-owner-start".equals(thread.getName()), "the reading thread has ended once awaited");
        }
    }
}
