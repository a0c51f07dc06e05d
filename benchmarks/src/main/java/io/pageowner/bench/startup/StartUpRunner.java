package io.pageowner.bench.startup;

import io.netty.buffer.ByteBuf;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
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
 * Programs: {@link HelloMain}, {@link DirectMain} (direct buffers, a channel's read, a mapping) and {@link NettyMain}
 * (direct buffers and Netty's pooled and adaptive allocators; Netty's classes are on its class path alone).
 * <p>
 * Modes: {@code none} (no agent), {@code empty} (an agent whose premain does nothing: the floor of any
 * {@code -javaagent}), {@code off} (page-owner loaded, not on), {@code on} (warm cache), {@code on-cold}
 * (a fresh cache directory every run: Byte Buddy weaves), {@code on-nocache} ({@code cache=off}),
 * {@code sampled} ({@code sample=512k}, warm cache).
 * <p>
 * With {@code --before <jar>}, every mode that loads page-owner runs a second time with that jar, as
 * {@code before-<mode>}, interleaved in the same rounds: a change is measured beside the jar before it on the
 * same host in the same minutes, not against a figure from another day. {@code --modes} narrows the modes
 * (comma-separated; {@code none} always runs, as every row's reference), {@code --programs} the programs
 * (simple names).
 * <p>
 * Usage: {@code java -cp benchmarks.jar io.pageowner.bench.startup.StartUpRunner [--before <jar>]
 * [--modes m,...] [--programs HelloMain,...] <page-owner.jar> <java> [runs]} (default 21 runs per mode and
 * program).
 */
public final class StartUpRunner
{
    private static final String[] MODES = { "none", "empty", "off", "on", "on-cold", "on-nocache", "sampled" };
    private static final Class<?>[] PROGRAMS = { HelloMain.class, DirectMain.class, NettyMain.class };
    private static final String BEFORE = "before-";

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
        final List<String> positional = new ArrayList<>();
        Path before = null;
        List<String> baseModes = List.of(MODES);
        final List<Class<?>> programList = new ArrayList<>(List.of(PROGRAMS));
        for (int i = 0; i < args.length; i++)
        {
            if ("--before".equals(args[i]) && i + 1 < args.length)
            {
                before = Path.of(args[++i]).toAbsolutePath();
            }
            else if ("--modes".equals(args[i]) && i + 1 < args.length)
            {
                baseModes = new ArrayList<>(List.of("none"));
                for (final String mode : args[++i].split(","))
                {
                    if (!List.of(MODES).contains(mode))
                    {
                        throw new IllegalArgumentException("unknown mode " + mode);
                    }
                    if (!baseModes.contains(mode))
                    {
                        baseModes.add(mode);
                    }
                }
            }
            else if ("--programs".equals(args[i]) && i + 1 < args.length)
            {
                final List<String> names = List.of(args[++i].split(","));
                programList.removeIf(program -> !names.contains(program.getSimpleName()));
            }
            else
            {
                positional.add(args[i]);
            }
        }
        if (positional.size() < 2)
        {
            System.err.println("usage: StartUpRunner [--before <jar>] [--modes m,...] [--programs HelloMain,...] " +
                "<page-owner.jar> <java> [runs]");
            System.exit(1);
        }
        final Path agent = Path.of(positional.get(0)).toAbsolutePath();
        final String java = positional.get(1);
        final int runs = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 21;
        final List<String> modes = new ArrayList<>();
        for (final String mode : baseModes)
        {
            modes.add(mode);
            if (null != before && usesAgent(mode))
            {
                modes.add(BEFORE + mode);
            }
        }
        final Path work = Files.createTempDirectory("startup-bench");
        final Path programs =
            jar(work.resolve("programs.jar"), null, HelloMain.class, DirectMain.class, NettyMain.class);
        // NOTE: only NettyMain's class path has Netty: the others start as they did before it was added.
        final Path netty = nettyJar(work.resolve("netty.jar"));
        final Path empty = jar(work.resolve("empty-agent.jar"), EmptyAgent.class.getName(), EmptyAgent.class);
        final Jars jars = new Jars(agent, before, empty, work);

        System.out.println("# start-up, " + java + ", " + runs + " runs per mode, interleaved; load average at " +
            "start " + loadAverage() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs" +
            (null == before ? "" : "; " + BEFORE + "* modes run " + before));
        for (final Class<?> program : programList)
        {
            // NOTE: fills the warm caches: the first start weaves; a second may still weave what the first had
            // not written when it exited (seen on a loaded host); the third finds every class.
            final String classPath = classPath(programs, netty, program);
            for (int i = 0; i < 3; i++)
            {
                run(command(java, "on", jars, classPath, program, null));
                if (null != before)
                {
                    run(command(java, BEFORE + "on", jars, classPath, program, null));
                }
            }
            final Map<String, List<long[]>> samples = new LinkedHashMap<>();
            for (final String mode : modes)
            {
                samples.put(mode, new ArrayList<>());
            }
            for (int round = 0; round < runs; round++)
            {
                for (int m = 0; m < modes.size(); m++)
                {
                    // NOTE: the order rotates each round, so no mode always follows the same one.
                    final String mode = modes.get((m + round) % modes.size());
                    samples.get(mode).add(run(command(java, mode, jars, classPath, program, null)));
                }
            }
            System.out.println();
            System.out.println("## " + program.getSimpleName());
            System.out.println();
            System.out.println("| mode | wall ms (median) | IQR | vs none | to main ms (median) | vs none | classes |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            final double noneWall = median(samples.get("none"), 0);
            final double noneMain = median(samples.get("none"), 1);
            for (final String mode : modes)
            {
                final List<long[]> s = samples.get(mode);
                final Path log = work.resolve("classes-" + mode + ".txt");
                run(command(java, mode, jars, classPath, program, log));
                final long classes;
                try (Stream<String> lines = Files.lines(log))
                {
                    classes = lines.count();
                }
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f-%.0f | %+.0f | %.0f | %+.0f | %d |%n", mode,
                    median(s, 0), quantile(s, 0, 0.25), quantile(s, 0, 0.75), median(s, 0) - noneWall,
                    median(s, 1), median(s, 1) - noneMain, classes);
            }
            if (null != before)
            {
                System.out.println();
                for (final String mode : modes)
                {
                    if (samples.containsKey(BEFORE + mode))
                    {
                        System.out.printf(Locale.ROOT, "%s: wall %+.0f ms, to main %+.0f ms against before%n", mode,
                            median(samples.get(mode), 0) - median(samples.get(BEFORE + mode), 0),
                            median(samples.get(mode), 1) - median(samples.get(BEFORE + mode), 1));
                    }
                }
            }
        }
        System.out.println();
        System.out.println("load average at end " + loadAverage());
    }

    private static boolean usesAgent(final String mode)
    {
        return !"none".equals(mode) && !"empty".equals(mode);
    }

    private static List<String> command(
        final String java,
        final String mode,
        final Jars jars,
        final String classPath,
        final Class<?> program,
        final Path classLog) throws IOException
    {
        final boolean isBefore = mode.startsWith(BEFORE);
        final Path agent = isBefore ? jars.before : jars.agent;
        final Path warmCache = isBefore ? jars.work.resolve("cache-warm-before") : jars.work.resolve("cache-warm");
        final List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto"));
        switch (isBefore ? mode.substring(BEFORE.length()) : mode)
        {
            case "none":
                break;
            case "empty":
                command.add("-javaagent:" + jars.empty);
                break;
            case "off":
                command.add("-javaagent:" + agent);
                break;
            case "on":
                command.add("-javaagent:" + agent + "=on,cache=" + warmCache);
                break;
            case "on-cold":
                command.add("-javaagent:" + agent + "=on,cache=" + Files.createTempDirectory(jars.work, "cold"));
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
        command.addAll(List.of("-cp", classPath, program.getName()));
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

    private static String classPath(final Path programs, final Path netty, final Class<?> program)
    {
        return NettyMain.class == program ? programs + File.pathSeparator + netty : programs.toString();
    }

    /**
     * Netty's classes and resources as this runner has them (from the benchmarks jar, which shades Netty's
     * {@code buffer} and {@code common} modules in), copied into a jar of their own for {@link NettyMain}.
     */
    private static Path nettyJar(final Path file) throws IOException, URISyntaxException
    {
        final Path source = Path.of(ByteBuf.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (JarFile from = new JarFile(source.toFile());
             OutputStream out = Files.newOutputStream(file);
             JarOutputStream jar = new JarOutputStream(out))
        {
            for (final JarEntry entry : Collections.list(from.entries()))
            {
                final String name = entry.getName();
                if (!entry.isDirectory() && (name.startsWith("io/netty/") || name.startsWith("META-INF/io.netty")))
                {
                    jar.putNextEntry(new JarEntry(name));
                    try (InputStream in = from.getInputStream(entry))
                    {
                        in.transferTo(jar);
                    }
                    jar.closeEntry();
                }
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

    /**
     * The jars a run may start with, and the directory of the run.
     */
    private static final class Jars
    {
        private final Path agent;
        private final Path before;
        private final Path empty;
        private final Path work;

        Jars(final Path agent, final Path before, final Path empty, final Path work)
        {
            this.agent = agent;
            this.before = before;
            this.empty = empty;
            this.work = work;
        }
    }
}
