package io.pageowner.bench;

import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Runs the benchmarks side by side in one run, once per mode, and prints one table of ns per
 * operation, error, ratio to no agent, ns added and B/op (JMH's gc profiler), then the two-thread
 * scaling, the footprint and dump figures ({@link Footprint}), and where each issue's target stands.
 * <p>
 * A mode is a name and the JVM arguments its forks get ({@link Mode}); {@code {agent}} and
 * {@code {asprof}} in them stand for the agent jar and async-profiler's library. Each benchmark is run
 * in every mode before the next benchmark starts, so a change of machine load hits all modes alike;
 * with {@code --rounds N} every mode is run N times in turn ({@code none, off, full, ..., none, off,
 * ...}) and each row merges its N runs' forks, so that a slow phase of a shared machine lands on all
 * modes instead of one. Each row carries the highest 1-minute load average read when its runs ended.
 * <p>
 * This class reads the command line and puts the parts together: {@link ModeRunner} runs, {@link Rows}
 * collects the rows, {@link Tables} prints them, and {@link Targets} judges the targets, which are data.
 * <p>
 * Usage: {@code java -jar benchmarks.jar <page-owner.jar> [--modes none,off,full,sample,asprof]
 * [--mode 'name:jvm args'] [--rounds N] [--no-footprint] [JMH command line]}. The JMH command line is JMH's own:
 * an include regex ({@code Footprint} selects the footprint run alone), {@code -jvm}, {@code -f},
 * {@code -wi}, {@code -i}, {@code -w}, {@code -r}, {@code -p} and so on override the annotations.
 */
public final class BenchRunner
{
    /** JMH's options that take no value: a word after one of them is an include regex. */
    private static final Set<String> NO_VALUE = Set.of("-l", "-lp", "-lprof", "-lrf", "-h", "-help");

    private BenchRunner()
    {
    }

    /**
     * Runs the tables.
     *
     * @param args agent jar, then BenchRunner's flags, then a JMH command line.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length < 1 || !Files.isRegularFile(Path.of(args[0])))
        {
            System.err.println("usage: BenchRunner <page-owner.jar> [--modes none,off,full,sample,asprof] " +
                "[--mode 'name:jvm args'] [--rounds N] [--no-footprint] " +
                "[JMH args: regex, -jvm <java>, -f, -wi, -i, ...]");
            System.exit(2);
        }
        final Path agent = Path.of(args[0]).toAbsolutePath();
        final Path out = Files.createDirectories(jarDirectory().resolve("bench-out"));

        final Map<String, Mode> known = Mode.known(agent, out);
        final List<Mode> modes = new ArrayList<>();
        final List<String> jmhArgs = new ArrayList<>();
        List<String> selected = List.of("none", "off", "full", "sample", "asprof");
        boolean footprint = true;
        int rounds = 1;
        for (int i = 1; i < args.length; i++)
        {
            if ("--modes".equals(args[i]) && i + 1 < args.length)
            {
                selected = Arrays.asList(args[++i].split(","));
            }
            else if ("--mode".equals(args[i]) && i + 1 < args.length)
            {
                final Mode mode = Mode.parse(args[++i], agent, out, known);
                known.put(mode.key(), mode);
                modes.add(mode);
            }
            else if ("--rounds".equals(args[i]) && i + 1 < args.length)
            {
                rounds = Integer.parseInt(args[++i]);
                if (rounds < 1)
                {
                    System.err.println("--rounds takes a whole number of at least 1");
                    System.exit(2);
                }
            }
            else if ("--no-footprint".equals(args[i]))
            {
                footprint = false;
            }
            else
            {
                jmhArgs.add(args[i]);
            }
        }
        final List<Mode> chosen = new ArrayList<>();
        for (final String key : selected)
        {
            final Mode mode = known.get(key.trim());
            if (null == mode)
            {
                System.err.println("unknown mode '" + key + "'; known: " + known.keySet());
                System.exit(2);
            }
            chosen.add(mode);
        }
        chosen.addAll(modes);

        final CommandLineOptions given;
        final CommandLineOptions cmd;
        try
        {
            given = new CommandLineOptions(jmhArgs.toArray(new String[0]));
            // NOTE: the includes are taken out of the parent options: JMH adds a parent's includes to a
            // child's, and each run must include exactly one benchmark.
            cmd = new CommandLineOptions(withoutIncludes(jmhArgs, given.getIncludes()).toArray(new String[0]));
            if (!cmd.getIncludes().isEmpty())
            {
                throw new CommandLineOptionException("cannot tell the include regex " + cmd.getIncludes() +
                    " from an option's value: put it first");
            }
        }
        catch (final CommandLineOptionException ex)
        {
            System.err.println("bad JMH arguments " + jmhArgs + ": " + ex.getMessage());
            System.exit(2);
            return;
        }
        final String jvm = cmd.getJvm().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        final int feature = featureVersion(jvm);

        final List<String> includes = given.getIncludes().isEmpty() ?
            List.of("io\\.pageowner\\.bench\\.") : given.getIncludes();
        final List<String> excludes = new ArrayList<>(cmd.getExcludes());
        if (feature < ArenaBenchmark.FIRST_JDK)
        {
            excludes.add("ArenaBenchmark");
            System.out.println("# JDK " + feature + " < " + ArenaBenchmark.FIRST_JDK +
                ": ArenaBenchmark left out (FFM is not final)");
        }
        final boolean runFootprint = footprint && (given.getIncludes().isEmpty() ||
            includes.stream().anyMatch(r -> Pattern.compile(r).matcher("Footprint").find()));

        final List<String> benchmarks = new ArrayList<>(new LinkedHashSet<>(BenchmarkList.defaultList().find(
            OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), includes, excludes)
            .stream().map(BenchmarkListEntry::getUsername).toList()));
        ModeRunner.sort(benchmarks);

        final String started = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        final String loadBefore = loadAverage();
        final ModeRunner runner = new ModeRunner(cmd, chosen, rounds, out);
        final List<Rows.Row> rows = runner.run(benchmarks).list();
        final Footprint.Report memory = runFootprint ? Footprint.measure(agent, jvm, out) : null;

        final StringBuilder sb = new StringBuilder();
        Tables.header(sb, rows, jvm, started, loadBefore, Arrays.asList(args).subList(1, args.length), chosen,
            runner.notes());
        Tables.table(sb, rows);
        Tables.scaling(sb, rows);
        if (null != memory)
        {
            memory.print(sb);
        }
        Targets.print(sb, new Targets.Figures(Rows.nsByBenchmark(rows), chosen.stream().map(Mode::name).toList(),
            memory), true);
        System.out.print(sb);
        final Path summary = out.resolve("results-jdk" + feature + "-" +
            started.replaceAll("[^0-9T]", "").substring(0, 15) + ".md");
        Files.writeString(summary, sb);
        System.out.println("(this summary is also in " + summary + ")");
    }

    private static List<String> withoutIncludes(final List<String> args, final List<String> includes)
    {
        final List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.size(); i++)
        {
            final String arg = args.get(i);
            final boolean valueOfOption =
                i > 0 && args.get(i - 1).startsWith("-") && !NO_VALUE.contains(args.get(i - 1));
            if (!valueOfOption && includes.contains(arg))
            {
                continue;
            }
            kept.add(arg);
        }
        return kept;
    }

    /**
     * The feature version of the JDK a {@code java} launcher belongs to, from its {@code release} file.
     *
     * @param jvm path of {@code bin/java}.
     * @return e.g. 17; this JVM's version if it cannot be told.
     */
    static int featureVersion(final String jvm)
    {
        try
        {
            final Path home = Path.of(jvm).toRealPath().getParent().getParent();
            for (final String line : Files.readAllLines(home.resolve("release")))
            {
                if (line.startsWith("JAVA_VERSION="))
                {
                    final String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // NOTE: fall through to this JVM's version.
        }
        return Runtime.version().feature();
    }

    /** The folder holding benchmarks.jar (benchmarks/target when built). */
    static Path jarDirectory()
    {
        try
        {
            final Path jar = Path.of(BenchRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent();
        }
        catch (final Exception ex)
        {
            return Path.of("benchmarks", "target").toAbsolutePath();
        }
    }

    /**
     * The load averages.
     *
     * @return {@code /proc/loadavg}'s first three fields, or "n/a".
     */
    static String loadAverage()
    {
        try
        {
            final String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        }
        catch (final IOException | RuntimeException ex)
        {
            return "n/a";
        }
    }

    /**
     * The 1-minute load average.
     *
     * @return it, or NaN if it cannot be read.
     */
    static double load1()
    {
        try
        {
            return Double.parseDouble(loadAverage().split(" ")[0]);
        }
        catch (final NumberFormatException ex)
        {
            return Double.NaN;
        }
    }
}
