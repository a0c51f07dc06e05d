package io.pageowner.bench;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the benchmarks side by side in one run, once per mode, and prints one table of ns per
 * operation, error, ratio to no agent, ns added and B/op (JMH's gc profiler), then the two-thread
 * scaling, the footprint and dump figures ({@link Footprint}), and where each issue-7 target stands.
 * <p>
 * A mode is a name and the JVM arguments its forks get ({@link Mode}); {@code {agent}} and
 * {@code {asprof}} in them stand for the agent jar and async-profiler's library. Each benchmark is run
 * in every mode before the next benchmark starts, so a change of machine load hits all modes alike;
 * with {@code --rounds N} every mode is run N times in turn ({@code none, off, full, ..., none, off,
 * ...}) and each row merges its N runs' forks, so that a slow phase of a shared machine lands on all
 * modes instead of one. Each row carries the highest 1-minute load average read when its runs ended.
 * <p>
 * Usage: {@code java -jar benchmarks.jar <page-owner.jar> [--modes none,off,full,sample,asprof]
 * [--mode 'name:jvm args'] [--rounds N] [--no-footprint] [JMH command line]}. The JMH command line is JMH's own:
 * an include regex ({@code Footprint} selects the footprint run alone), {@code -jvm}, {@code -f},
 * {@code -wi}, {@code -i}, {@code -w}, {@code -r}, {@code -p} and so on override the annotations.
 */
public final class BenchRunner
{
    /** The mode every ratio is taken against. */
    static final String BASELINE = "no agent";
    /** Name of the full-tracking mode in the target summary. */
    static final String FULL = "agent full";
    /** Name of the agent-off mode in the target summary. */
    static final String OFF = "agent off";
    /** Name of the sampled mode ({@code sample=512k}); target 2 is computed for every mode named {@code sample...}. */
    static final String SAMPLED = "sample 512k";
    /** Name of the peer's mode in the target summary. */
    static final String ASPROF = "async-profiler nativemem";

    /**
     * A mode: a name and the JVM arguments its forks get.
     *
     * @param key         short name for {@code --modes}.
     * @param name        shown in the tables.
     * @param jvmArgs     prepended to each fork's JVM arguments.
     * @param unavailable why the mode cannot run here, or null.
     */
    record Mode(String key, String name, List<String> jvmArgs, String unavailable)
    {
    }

    /** One row: a benchmark with its parameters, in one mode. */
    private record Row(String benchmark, String mode, RunResult result, double load)
    {
    }

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
                "[--mode 'name:jvm args'] [--no-footprint] [JMH args: regex, -jvm <java>, -f, -wi, -i, ...]");
            System.exit(2);
        }
        final Path agent = Path.of(args[0]).toAbsolutePath();
        final Path out = Files.createDirectories(jarDirectory().resolve("bench-out"));

        final Map<String, Mode> known = knownModes(agent, out);
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
                final Mode mode = parseMode(args[++i], agent, out, known);
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

        final List<String> includes = given.getIncludes().isEmpty() ? List.of("io\\.pageowner\\.bench\\.") : given.getIncludes();
        final List<String> excludes = new ArrayList<>(cmd.getExcludes());
        if (feature < ArenaBenchmark.FIRST_JDK)
        {
            excludes.add("ArenaBenchmark");
            System.out.println("# JDK " + feature + " < " + ArenaBenchmark.FIRST_JDK + ": ArenaBenchmark left out (FFM is not final)");
        }
        final boolean runFootprint = footprint &&
            (given.getIncludes().isEmpty() || includes.stream().anyMatch(r -> Pattern.compile(r).matcher("Footprint").find()));

        final List<String> benchmarks = new ArrayList<>(new LinkedHashSet<>(BenchmarkList.defaultList().find(
            OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), includes, excludes)
            .stream().map(BenchmarkListEntry::getUsername).toList()));
        benchmarks.sort(Comparator.comparingInt(BenchRunner::order).thenComparing(Comparator.naturalOrder()));

        final String started = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        final String loadBefore = loadAverage();
        final List<Row> rows = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        Recordings recordings = new Recordings(0, 0);
        for (final String benchmark : benchmarks)
        {
            // NOTE: rounds interleave the modes, so that a slow phase of the machine hits every mode alike; each
            // (parameters, mode) row then merges its rounds' forks, as JMH merges the forks of one run.
            final Map<String, List<RunResult>> byRow = new LinkedHashMap<>();
            final Map<String, Double> loads = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++)
            {
                for (final Mode mode : chosen)
                {
                    if (null != mode.unavailable() || (baselineOnly(benchmark) && !BASELINE.equals(mode.name())))
                    {
                        continue;
                    }
                    final Collection<RunResult> results = runOne(cmd, benchmark, mode);
                    final double load = load1();
                    if (results.isEmpty())
                    {
                        notes.add(benchmark + " in mode '" + mode.name() + "', round " + (round + 1) +
                            ": no result (the fork failed: see its output above)");
                    }
                    for (final RunResult result : results)
                    {
                        final String key = shortName(result) + "\u0000" + mode.name();
                        byRow.computeIfAbsent(key, k -> new ArrayList<>()).add(result);
                        loads.merge(key, load, Math::max);
                    }
                    recordings = recordings.plus(cleanOut(out));
                }
            }
            for (final Map.Entry<String, List<RunResult>> e : byRow.entrySet())
            {
                final String[] key = e.getKey().split("\u0000");
                rows.add(new Row(key[0], key[1], merged(e.getValue()), loads.get(e.getKey())));
            }
        }
        if (recordings.count() > 0)
        {
            notes.add(String.format(Locale.ROOT, "%s wrote %d recording(s), %.1f MiB in all (deleted after each run)",
                ASPROF, recordings.count(), recordings.bytes() / 1048576.0));
        }

        Footprint.Report memory = null;
        if (runFootprint)
        {
            memory = Footprint.measure(agent, jvm, out);
        }

        final StringBuilder sb = new StringBuilder();
        sb.append('\n');
        sb.append("## Results: ").append(forkJdk(rows, jvm)).append('\n');
        sb.append('\n');
        sb.append("- started ").append(started).append(", load average before: ").append(loadBefore)
            .append(", after: ").append(loadAverage()).append(" (").append(Runtime.getRuntime().availableProcessors())
            .append(" CPUs)\n");
        sb.append("- runner arguments: ").append(String.join(" ", Arrays.asList(args).subList(1, args.length))).append('\n');
        if (!rows.isEmpty())
        {
            sb.append("- settings: ").append(settings(rows)).append('\n');
        }
        for (final Mode mode : rows.isEmpty() ? List.<Mode>of() : chosen)
        {
            sb.append("- mode '").append(mode.name()).append("': ")
                .append(null == mode.unavailable() ? "`" + String.join(" ", mode.jvmArgs()) + "`" : "UNAVAILABLE: " + mode.unavailable())
                .append('\n');
        }
        for (final String note : notes)
        {
            sb.append("- ").append(note).append('\n');
        }
        sb.append('\n');
        if (!rows.isEmpty())
        {
            table(sb, rows);
        }
        scaling(sb, rows);
        if (null != memory)
        {
            memory.print(sb);
        }
        targets(sb, rows, memory, chosen);
        System.out.print(sb);
        final Path summary = out.resolve("results-jdk" + featureVersion(jvm) + "-" +
            started.replaceAll("[^0-9T]", "").substring(0, 15) + ".md");
        Files.writeString(summary, sb);
        System.out.println("(this summary is also in " + summary + ")");
    }

    /** One result holding every fork of several runs of the same benchmark and parameters. */
    private static RunResult merged(final List<RunResult> runs)
    {
        if (runs.size() == 1)
        {
            return runs.get(0);
        }
        final List<BenchmarkResult> forks = new ArrayList<>();
        for (final RunResult run : runs)
        {
            forks.addAll(run.getBenchmarkResults());
        }
        return new RunResult(runs.get(0).getParams(), forks);
    }

    /** Table order: the figures first. */
    private static final List<String> ORDER = List.of(
        "UnsafeAllocFreeBenchmark", "CaptureFloorBenchmark", "DirectBufferBenchmark", "MixedLoopBenchmark",
        "MappedFileBenchmark", "ArenaBenchmark");

    /**
     * Whether a benchmark measures something without the agent, and so runs in the no-agent mode alone.
     *
     * @param benchmark its full name.
     * @return true for {@link CaptureFloorBenchmark}.
     */
    static boolean baselineOnly(final String benchmark)
    {
        return benchmark.contains("." + CaptureFloorBenchmark.class.getSimpleName() + ".");
    }

    private static int order(final String benchmark)
    {
        for (int i = 0; i < ORDER.size(); i++)
        {
            if (benchmark.contains("." + ORDER.get(i) + "."))
            {
                return i;
            }
        }
        return ORDER.size();
    }

    /** JMH's options that take no value: a word after one of them is an include regex. */
    private static final Set<String> NO_VALUE = Set.of("-l", "-lp", "-lprof", "-lrf", "-h", "-help");

    private static List<String> withoutIncludes(final List<String> args, final List<String> includes)
    {
        final List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.size(); i++)
        {
            final String arg = args.get(i);
            final boolean valueOfOption = i > 0 && args.get(i - 1).startsWith("-") && !NO_VALUE.contains(args.get(i - 1));
            if (!valueOfOption && includes.contains(arg))
            {
                continue;
            }
            kept.add(arg);
        }
        return kept;
    }

    private static Collection<RunResult> runOne(final CommandLineOptions cmd, final String benchmark, final Mode mode)
        throws RunnerException
    {
        final List<String> prepend = new ArrayList<>(mode.jvmArgs());
        // NOTE: prepend, not append: append would replace the annotations' -Xmn32m.
        if (cmd.getJvmArgsPrepend().hasValue())
        {
            prepend.addAll(cmd.getJvmArgsPrepend().get());
        }
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .parent(cmd)
            .include("^" + Pattern.quote(benchmark) + "$")
            .jvmArgsPrepend(prepend.toArray(new String[0]))
            .addProfiler("gc");
        System.out.println("# ---- " + benchmark + " / " + mode.name());
        return new Runner(options.build()).run();
    }

    /**
     * The modes this runner knows by default.
     *
     * @param agent the agent jar.
     * @param out   where the peer writes its recordings (deleted after each run).
     * @return key to mode, in table order.
     */
    static Map<String, Mode> knownModes(final Path agent, final Path out)
    {
        final Map<String, Mode> modes = new LinkedHashMap<>();
        modes.put("none", new Mode("none", BASELINE, List.of(), null));
        modes.put("off", new Mode("off", OFF, List.of("-javaagent:" + agent), null));
        modes.put("full", new Mode("full", FULL, List.of("-javaagent:" + agent + "=on"), null));
        modes.put("sample", new Mode("sample", SAMPLED, List.of("-javaagent:" + agent + "=on,sample=512k"), null));
        final Path asprof = AsyncProfiler.library();
        final String why = AsyncProfiler.unavailable(asprof);
        modes.put("asprof", new Mode("asprof", ASPROF,
            null == why ? List.of("-agentpath:" + asprof + "=start,nativemem=0,file=" + out.resolve("nativemem-%p.jfr")) :
                List.of(),
            why));
        return modes;
    }

    /**
     * A mode from the command line: {@code name:jvm args}, {@code {agent}} standing for the agent jar,
     * {@code {asprof}} for async-profiler's library and {@code {out}} for the scratch folder (files
     * named {@code nativemem-*} there are deleted after each run), e.g.
     * {@code 'sample 512k:-javaagent:{agent}=on,sample=512k'}.
     */
    private static Mode parseMode(final String spec, final Path agent, final Path out, final Map<String, Mode> known)
    {
        final int colon = spec.indexOf(':');
        if (colon <= 0)
        {
            throw new IllegalArgumentException("--mode wants 'name:jvm args', got '" + spec + "'");
        }
        final String name = spec.substring(0, colon).trim();
        if (known.containsKey(name))
        {
            throw new IllegalArgumentException("mode '" + name + "' exists already");
        }
        final List<String> jvmArgs = new ArrayList<>();
        for (final String arg : spec.substring(colon + 1).trim().split("\\s+"))
        {
            if (!arg.isEmpty())
            {
                jvmArgs.add(arg.replace("{agent}", agent.toString())
                    .replace("{asprof}", String.valueOf(AsyncProfiler.library()))
                    .replace("{out}", out.toString()));
            }
        }
        return new Mode(name, name, jvmArgs, null);
    }

    /** What the peer wrote to disk. */
    private record Recordings(int count, long bytes)
    {
        Recordings plus(final Recordings other)
        {
            return new Recordings(count + other.count, bytes + other.bytes);
        }
    }

    private static Recordings cleanOut(final Path out) throws IOException
    {
        int count = 0;
        long bytes = 0;
        try (Stream<Path> files = Files.list(out))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                if (file.getFileName().toString().startsWith("nativemem-"))
                {
                    bytes += Files.size(file);
                    count++;
                    Files.delete(file);
                }
            }
        }
        return new Recordings(count, bytes);
    }

    private static void table(final StringBuilder sb, final List<Row> rows)
    {
        final Map<String, Double> baseline = new LinkedHashMap<>();
        for (final Row row : rows)
        {
            if (BASELINE.equals(row.mode()))
            {
                baseline.put(row.benchmark(), nsPerOp(row.result().getPrimaryResult()));
            }
        }
        sb.append("| benchmark | mode | ns/op | ± error | vs none | added ns | B/op | load |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (final Row row : rows)
        {
            final Result primary = row.result().getPrimaryResult();
            final double ns = nsPerOp(primary);
            final double error = nsError(primary);
            final Double base = baseline.get(row.benchmark());
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %s | %s | %s | %.0f | %.2f |%n",
                row.benchmark(), row.mode(), ns, Double.isNaN(error) ? "-" : String.format(Locale.ROOT, "%.1f", error),
                null == base ? "-" : String.format(Locale.ROOT, "%.2fx", ns / base),
                null == base ? "-" : String.format(Locale.ROOT, "%+.0f", ns - base),
                bytesPerOp(row.result()), row.load()));
        }
        sb.append('\n');
        sb.append("ns/op of a throughput benchmark is 1 / its throughput: for `twoThreads` that is the wall time per ")
            .append("operation of both threads together. \"vs none\" is time per operation relative to no agent ")
            .append("(1.01x = 1 % slower); \"added ns\" the difference; B/op is `gc.alloc.rate.norm`; load is the ")
            .append("1-minute load average when the row's run ended.\n\n");
    }

    private static void scaling(final StringBuilder sb, final List<Row> rows)
    {
        final Map<String, double[]> byMode = new LinkedHashMap<>();
        for (final Row row : rows)
        {
            if (!row.benchmark().startsWith("MixedLoopBenchmark."))
            {
                continue;
            }
            final double opsPerUs = 1000.0 / nsPerOp(row.result().getPrimaryResult());
            final double[] pair = byMode.computeIfAbsent(row.mode(), k -> new double[]{ Double.NaN, Double.NaN });
            pair[row.benchmark().startsWith("MixedLoopBenchmark.oneThread") ? 0 : 1] = opsPerUs;
        }
        if (byMode.isEmpty())
        {
            return;
        }
        sb.append("Two-thread scaling of the mixed loop (throughput, ops/µs, both threads summed):\n\n");
        sb.append("| mode | 1 thread | 2 threads | scaling |\n|---|---:|---:|---:|\n");
        for (final Map.Entry<String, double[]> e : byMode.entrySet())
        {
            sb.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.2fx |%n",
                e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[1] / e.getValue()[0]));
        }
        sb.append('\n');
    }

    /**
     * A figure with its JMH error (99.9 % confidence half-width), carried through differences and ratios
     * as independent errors, so that a verdict can say when the error bars alone decide nothing.
     */
    record Value(double v, double err)
    {
        static final Value NONE = new Value(Double.NaN, Double.NaN);

        Value minus(final Value o)
        {
            return new Value(v - o.v, Math.hypot(err, o.err));
        }

        Value over(final Value o)
        {
            final double r = v / o.v;
            return new Value(r, Math.abs(r) * Math.hypot(err / v, o.err / o.v));
        }

        boolean missing()
        {
            return Double.isNaN(v);
        }

        /**
         * Met, not met, or undecided when the target lies within the error.
         *
         * @param target    the bound.
         * @param atMost    true if the figure must be at most the bound, false if at least.
         * @return the verdict in bold.
         */
        String against(final double target, final boolean atMost)
        {
            if (missing())
            {
                return "n/a";
            }
            final boolean met = atMost ? v <= target : v >= target;
            if (!Double.isNaN(err) && Math.abs(v - target) < err)
            {
                return "**undecided** (the bound is within the error)";
            }
            return verdict(met);
        }

        String show(final String format)
        {
            return missing() ? "n/a" : String.format(Locale.ROOT, format, v) +
                (Double.isNaN(err) ? "" : String.format(Locale.ROOT, " ± " + format, err));
        }
    }

    private static void targets(final StringBuilder sb, final List<Row> rows, final Footprint.Report memory,
        final List<Mode> modes)
    {
        sb.append("Where we stand against issue 7 (computed from the figures above; \"undecided\" when the bound lies ")
            .append("within the error):\n\n");
        final Map<String, Map<String, Value>> ns = new LinkedHashMap<>();
        for (final Row row : rows)
        {
            final Result primary = row.result().getPrimaryResult();
            ns.computeIfAbsent(row.benchmark(), k -> new LinkedHashMap<>())
                .put(row.mode(), new Value(nsPerOp(primary), nsError(primary)));
        }

        // 1. Full mode at ~20 frames, and against async-profiler.
        final String shallow = shallowestUnsafe(ns.keySet());
        if (null != shallow)
        {
            final Map<String, Value> m = ns.get(shallow);
            final Value none = m.getOrDefault(BASELINE, Value.NONE);
            final Value full = m.getOrDefault(FULL, Value.NONE).minus(none);
            final Value peer = m.getOrDefault(ASPROF, Value.NONE).minus(none);
            sb.append(String.format(Locale.ROOT, "1. full mode adds %s ns per alloc/free pair on %s (target <= 750): %s",
                full.show("%.0f"), shallow, full.against(750, true)));
            if (!peer.missing() && !full.missing())
            {
                final Value ratio = peer.over(full);
                sb.append(String.format(Locale.ROOT, "; async-profiler nativemem adds %s ns, %s times the agent's " +
                    "(target >= 2): %s", peer.show("%.0f"), ratio.show("%.2f"), ratio.against(2, false)));
            }
            sb.append('\n');
        }
        else
        {
            sb.append("1. full mode: UnsafeAllocFreeBenchmark not run\n");
        }
        floor(sb, ns);

        // 2. Sampled mode.
        final List<String> sampled = new ArrayList<>();
        for (final Mode mode : modes)
        {
            if (mode.name().startsWith("sample"))
            {
                sampled.add(mode.name());
            }
        }
        if (sampled.isEmpty())
        {
            sb.append("2. sampled mode: no mode named 'sample...' in this run\n");
        }
        for (final String name : sampled)
        {
            for (final Map.Entry<String, Map<String, Value>> e : ns.entrySet())
            {
                if (e.getKey().startsWith("DirectBufferBenchmark") || e.getKey().startsWith("MixedLoopBenchmark.twoThreads"))
                {
                    // Throughput kept = none's time / the mode's time.
                    final Value kept = e.getValue().getOrDefault(BASELINE, Value.NONE)
                        .over(e.getValue().getOrDefault(name, Value.NONE));
                    sb.append(String.format(Locale.ROOT, "2. %s keeps %s of the no-agent throughput on %s " +
                        "(target >= 0.95): %s%n", name, kept.show("%.3f"), e.getKey(), kept.against(0.95, false)));
                }
            }
        }

        // 3, 4. Memory and dump speed.
        if (null != memory)
        {
            memory.targets(sb);
        }
        else
        {
            sb.append("3. memory, 4. dump speed: footprint run left out\n");
        }

        // 5. Off stays free: every benchmark.
        boolean anyOff = false;
        for (final Map.Entry<String, Map<String, Value>> e : ns.entrySet())
        {
            final Value kept = e.getValue().getOrDefault(BASELINE, Value.NONE).over(e.getValue().getOrDefault(OFF, Value.NONE));
            if (!kept.missing())
            {
                sb.append(String.format(Locale.ROOT, "%s agent off keeps %s of the no-agent throughput on %s (target >= 0.99): %s%n",
                    anyOff ? "  " : "5.", kept.show("%.3f"), e.getKey(), kept.against(0.99, false)));
                anyOff = true;
            }
        }
        if (!anyOff)
        {
            sb.append("5. agent off: not run\n");
        }

        // 6. Scaling: throughput(2) / throughput(1) = time(1) / time(2).
        final Map<String, Value> one = ns.entrySet().stream().filter(e -> e.getKey().startsWith("MixedLoopBenchmark.oneThread"))
            .map(Map.Entry::getValue).findFirst().orElse(Collections.emptyMap());
        final Map<String, Value> two = ns.entrySet().stream().filter(e -> e.getKey().startsWith("MixedLoopBenchmark.twoThreads"))
            .map(Map.Entry::getValue).findFirst().orElse(Collections.emptyMap());
        if (one.containsKey(FULL) && two.containsKey(FULL))
        {
            final Value scale = one.get(FULL).over(two.get(FULL));
            final Value scaleNone = one.getOrDefault(BASELINE, Value.NONE).over(two.getOrDefault(BASELINE, Value.NONE));
            sb.append(String.format(Locale.ROOT,
                "6. 2 threads under full mode give %s times the 1-thread throughput (no agent: %s; target >= 1.6): %s%n",
                scale.show("%.2f"), scaleNone.show("%.2f"), scale.against(1.6, false)));
        }
        else
        {
            sb.append("6. scaling: MixedLoopBenchmark not run in full mode\n");
        }
        sb.append('\n');
    }

    /**
     * Target 1's floor: what the VM's own walk of the same stack costs with no agent, from
     * {@link CaptureFloorBenchmark}, against the 750 ns that full mode may add.
     */
    private static void floor(final StringBuilder sb, final Map<String, Map<String, Value>> ns)
    {
        final Map<String, Value> byWay = new LinkedHashMap<>();
        String params = null;
        for (final Map.Entry<String, Map<String, Value>> e : ns.entrySet())
        {
            final java.util.regex.Matcher m = Pattern.compile("^CaptureFloorBenchmark\\.(\\w+)(.*)$").matcher(e.getKey());
            if (m.find() && e.getValue().containsKey(BASELINE))
            {
                byWay.put(m.group(1), e.getValue().get(BASELINE));
                params = m.group(2).trim();
            }
        }
        final Value pair = byWay.getOrDefault("pair", Value.NONE);
        final Value throwable = byWay.getOrDefault("throwable", Value.NONE).minus(pair);
        final Value walker = byWay.getOrDefault("walker16", Value.NONE).minus(pair);
        if (throwable.missing())
        {
            return;
        }
        sb.append(String.format(Locale.ROOT, "   floor, no agent %s: the VM's walk of the same stack (`new Throwable()`) " +
            "adds %s ns (the walk alone within full mode's 750: %s), a 16-frame class+bci StackWalker walk %s ns%n",
            params, throwable.show("%.0f"), throwable.against(750, true), walker.show("%.0f")));
    }

    private static String shallowestUnsafe(final Set<String> names)
    {
        String best = null;
        int bestDepth = Integer.MAX_VALUE;
        for (final String name : names)
        {
            final java.util.regex.Matcher m = Pattern.compile("^UnsafeAllocFreeBenchmark\\..*depth=(\\d+)").matcher(name);
            if (m.find() && Integer.parseInt(m.group(1)) < bestDepth)
            {
                bestDepth = Integer.parseInt(m.group(1));
                best = name;
            }
        }
        return best;
    }

    static String verdict(final boolean met)
    {
        return met ? "**met**" : "**not met**";
    }

    /**
     * The score as nanoseconds per operation, from a time-per-op or an ops-per-time unit.
     */
    static double nsPerOp(final Result result)
    {
        final String unit = result.getScoreUnit();
        if (unit.startsWith("ops/"))
        {
            return nanos(unit.substring(4)) / result.getScore();
        }
        return result.getScore() * nanos(unit.substring(0, unit.indexOf('/')));
    }

    static double nsError(final Result result)
    {
        final String unit = result.getScoreUnit();
        if (unit.startsWith("ops/"))
        {
            final double score = result.getScore();
            return nanos(unit.substring(4)) * result.getScoreError() / (score * score);
        }
        return result.getScoreError() * nanos(unit.substring(0, unit.indexOf('/')));
    }

    private static double nanos(final String unit)
    {
        switch (unit)
        {
            case "ns":
                return 1;
            case "us":
                return 1e3;
            case "ms":
                return 1e6;
            case "s":
                return 1e9;
            case "min":
                return 60e9;
            default:
                throw new IllegalArgumentException("unknown time unit " + unit);
        }
    }

    private static double bytesPerOp(final RunResult run)
    {
        Result gc = run.getSecondaryResults().get("gc.alloc.rate.norm");
        if (null == gc)
        {
            gc = run.getSecondaryResults().get("\u00b7gc.alloc.rate.norm");
        }
        return null == gc ? Double.NaN : gc.getScore();
    }

    private static String shortName(final RunResult run)
    {
        final StringBuilder sb = new StringBuilder(run.getParams().getBenchmark().replaceFirst("^.*\\.bench\\.", ""));
        final Collection<String> keys = run.getParams().getParamsKeys();
        boolean first = true;
        for (final String key : keys)
        {
            sb.append(first ? " (" : ", ").append(key).append('=').append(run.getParams().getParam(key));
            first = false;
        }
        return first ? sb.toString() : sb.append(')').toString();
    }

    private static String forkJdk(final List<Row> rows, final String jvm)
    {
        if (rows.isEmpty())
        {
            return "JDK " + featureVersion(jvm) + " (" + jvm + ")";
        }
        final var p = rows.get(0).result().getParams();
        return "JDK " + p.getJdkVersion() + " (" + p.getVmName() + " " + p.getVmVersion() + ")";
    }

    private static String settings(final List<Row> rows)
    {
        if (rows.isEmpty())
        {
            return "-";
        }
        final var p = rows.get(0).result().getParams();
        final int runs = rows.get(0).result().getBenchmarkResults().size();
        return (runs > p.getForks() ? runs / p.getForks() + " round(s), modes interleaved, of " : "") +
            p.getForks() + " fork(s) x " + p.getMeasurement().getCount() + " x " + p.getMeasurement().getTime() +
            " after " + p.getWarmup().getCount() + " x " + p.getWarmup().getTime() + " warm-up, per benchmark and mode" +
            "; fork JVM arguments: `" + String.join(" ", p.getJvmArgs()) + "` (shown for the first row)";
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
            return Files.isDirectory(jar) ? jar.getParent() : jar.getParent();
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

    private static double load1()
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
