package io.pageowner.bench.startup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Start-up cost of the agent (issue 19), side by side: forks each program under each mode, the modes
 * interleaved round by round (so a noisy stretch of the host hits every mode alike), and prints, per
 * program and mode, the median wall time of the whole process, the median time from fork to the first
 * statement of {@code main}, the interquartile range, the difference of medians to no agent, and the
 * classes loaded (one extra, untimed run with {@code -Xlog:class+load}).
 * <p>
 * Modes: {@code none} (no agent), {@code empty} (an agent whose premain does nothing: the floor of any
 * {@code -javaagent}), {@code off} (page-owner loaded, not on), {@code on} (warm cache), {@code on-cold}
 * (a fresh cache directory every run: Byte Buddy weaves), {@code on-nocache} ({@code cache=off}),
 * {@code sampled} ({@code sample=512k}, warm cache).
 * <p>
 * Usage: {@code java -cp benchmarks.jar io.pageowner.bench.startup.StartUpRunner <page-owner.jar> <java>
 * [runs]} (default 21 runs per mode and program).
 */
public final class StartUpRunner
{
    private static final String[] MODES = { "none", "empty", "off", "on", "on-cold", "on-nocache", "sampled" };
    private static final Class<?>[] PROGRAMS = { HelloMain.class, DirectMain.class };

    private StartUpRunner()
    {
    }

    /**
     * Runs the benchmark and prints the table.
     *
     * @param args agent jar, java executable, runs.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length < 2)
        {
            System.err.println("usage: StartUpRunner <page-owner.jar> <java> [runs]");
            System.exit(1);
        }
        final Path agent = Path.of(args[0]).toAbsolutePath();
        final String java = args[1];
        final int runs = args.length > 2 ? Integer.parseInt(args[2]) : 21;
        final Path work = Files.createTempDirectory("startup-bench");
        final Path programs = jar(work.resolve("programs.jar"), null, HelloMain.class, DirectMain.class);
        final Path empty = jar(work.resolve("empty-agent.jar"), EmptyAgent.class.getName(), EmptyAgent.class);
        final Path warmCache = work.resolve("cache-warm");

        System.out.println("# start-up, " + java + ", " + runs + " runs per mode, interleaved; load average at " +
            "start " + loadAverage() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs");
        for (final Class<?> program : PROGRAMS)
        {
            // NOTE: fills the warm cache: the first start weaves, the next finds every class.
            for (int i = 0; i < 2; i++)
            {
                run(command(java, "on", agent, empty, warmCache, work, programs, program, null));
            }
            final Map<String, List<long[]>> samples = new LinkedHashMap<>();
            for (final String mode : MODES)
            {
                samples.put(mode, new ArrayList<>());
            }
            for (int round = 0; round < runs; round++)
            {
                for (int m = 0; m < MODES.length; m++)
                {
                    // NOTE: the order rotates each round, so no mode always follows the same one.
                    final String mode = MODES[(m + round) % MODES.length];
                    samples.get(mode).add(run(command(java, mode, agent, empty, warmCache, work, programs, program,
                        null)));
                }
            }
            System.out.println();
            System.out.println("## " + program.getSimpleName());
            System.out.println();
            System.out.println("| mode | wall ms (median) | IQR | vs none | to main ms (median) | vs none | classes |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            final double noneWall = median(samples.get("none"), 0);
            final double noneMain = median(samples.get("none"), 1);
            for (final String mode : MODES)
            {
                final List<long[]> s = samples.get(mode);
                final Path log = work.resolve("classes-" + mode + ".txt");
                run(command(java, mode, agent, empty, warmCache, work, programs, program, log));
                final long classes;
                try (Stream<String> lines = Files.lines(log))
                {
                    classes = lines.count();
                }
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f-%.0f | %+.0f | %.0f | %+.0f | %d |%n", mode,
                    median(s, 0), quantile(s, 0, 0.25), quantile(s, 0, 0.75), median(s, 0) - noneWall,
                    median(s, 1), median(s, 1) - noneMain, classes);
            }
        }
        System.out.println();
        System.out.println("load average at end " + loadAverage());
    }

    private static List<String> command(
        final String java,
        final String mode,
        final Path agent,
        final Path empty,
        final Path warmCache,
        final Path work,
        final Path programs,
        final Class<?> program,
        final Path classLog) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto"));
        switch (mode)
        {
            case "none":
                break;
            case "empty":
                command.add("-javaagent:" + empty);
                break;
            case "off":
                command.add("-javaagent:" + agent);
                break;
            case "on":
                command.add("-javaagent:" + agent + "=on,cache=" + warmCache);
                break;
            case "on-cold":
                command.add("-javaagent:" + agent + "=on,cache=" + Files.createTempDirectory(work, "cold"));
                break;
            case "on-nocache":
                command.add("-javaagent:" + agent + "=on,cache=off");
                break;
            case "sampled":
                command.add("-javaagent:" + agent + "=on,sample=512k,cache=" + warmCache);
                break;
            default:
                throw new IllegalArgumentException(mode);
        }
        if (null != classLog)
        {
            command.add("-Xlog:class+load:file=" + classLog);
        }
        command.addAll(List.of("-cp", programs.toString(), program.getName()));
        return command;
    }

    /**
     * Runs one process.
     *
     * @return wall nanoseconds, and nanoseconds from just before the fork to main's first statement.
     */
    private static long[] run(final List<String> command) throws IOException, InterruptedException
    {
        final Instant before = Instant.now();
        final long start = System.nanoTime();
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final byte[] out;
        try (InputStream in = process.getInputStream())
        {
            out = in.readAllBytes();
        }
        if (!process.waitFor(120, TimeUnit.SECONDS) || 0 != process.exitValue())
        {
            throw new IllegalStateException("failed: " + command + "\n" + new String(out, StandardCharsets.UTF_8));
        }
        final long wall = System.nanoTime() - start;
        final String text = new String(out, StandardCharsets.UTF_8);
        final int at = text.indexOf("MAIN ");
        if (at < 0)
        {
            throw new IllegalStateException("no MAIN line: " + command + "\n" + text);
        }
        final long mainAt = Long.parseLong(text.substring(at + 5, text.indexOf('\n', at)).trim());
        final long beforeNanos = before.getEpochSecond() * 1_000_000_000L + before.getNano();
        return new long[]{ wall, mainAt - beforeNanos };
    }

    private static double median(final List<long[]> samples, final int column)
    {
        return quantile(samples, column, 0.5);
    }

    private static double quantile(final List<long[]> samples, final int column, final double q)
    {
        final double[] values = samples.stream().mapToDouble(s -> s[column] / 1e6).sorted().toArray();
        final double position = q * (values.length - 1);
        final int low = (int)Math.floor(position);
        final int high = (int)Math.ceil(position);
        return values[low] + (values[high] - values[low]) * (position - low);
    }

    private static Path jar(final Path file, final String premainClass, final Class<?>... classes) throws IOException
    {
        final Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (null != premainClass)
        {
            manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), premainClass);
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest))
        {
            for (final Class<?> type : classes)
            {
                final String name = type.getName().replace('.', '/') + ".class";
                jar.putNextEntry(new JarEntry(name));
                try (InputStream in = StartUpRunner.class.getClassLoader().getResourceAsStream(name))
                {
                    jar.write(in.readAllBytes());
                }
                jar.closeEntry();
            }
        }
        return file;
    }

    private static String loadAverage()
    {
        try
        {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
    }
}
