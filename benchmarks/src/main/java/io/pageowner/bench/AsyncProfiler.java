package io.pageowner.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where async-profiler's native library is: the Maven build unpacks it from
 * {@code tools.profiler:async-profiler} into {@code target/async-profiler/linux-<arch>/}, next to
 * benchmarks.jar; {@code -Dpageowner.bench.asprof=<path>} names another one.
 */
final class AsyncProfiler
{
    private AsyncProfiler()
    {
    }

    /**
     * The library for this machine.
     *
     * @return its path (which may not exist), or null if async-profiler has no build for this OS.
     */
    static Path library()
    {
        final String given = System.getProperty("pageowner.bench.asprof");
        if (null != given && !given.isEmpty())
        {
            return Path.of(given).toAbsolutePath();
        }
        final String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux"))
        {
            return null;
        }
        final String arch = System.getProperty("os.arch", "");
        final String platform = "amd64".equals(arch) || "x86_64".equals(arch) ? "linux-x64" :
            "aarch64".equals(arch) ? "linux-arm64" : null;
        return null == platform ? null :
            BenchRunner.jarDirectory().resolve("async-profiler").resolve(platform).resolve("libasyncProfiler.so");
    }

    /**
     * Why the peer cannot run here.
     *
     * @param library from {@link #library()}.
     * @return the reason, or null if it can.
     */
    static String unavailable(final Path library)
    {
        if (null == library)
        {
            return "async-profiler ships no library for " + System.getProperty("os.name") + "/" +
                System.getProperty("os.arch");
        }
        if (!Files.isRegularFile(library))
        {
            return library + " not found: build with `mvn -Pbench package` (it unpacks " +
                "tools.profiler:async-profiler), or pass -Dpageowner.bench.asprof=<libasyncProfiler.so>";
        }
        return null;
    }
}
