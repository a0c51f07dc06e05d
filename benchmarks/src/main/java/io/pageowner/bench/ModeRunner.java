package io.pageowner.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs each benchmark in every mode before the next benchmark starts, so that a change of machine load hits all
 * modes alike; with N rounds every mode is run N times in turn ({@code none, off, full, ..., none, off, ...}), so
 * that a slow phase of a shared machine lands on all modes instead of one. Deletes what the peer records after
 * each run, and notes what it wrote and which runs gave no result.
 */
final class ModeRunner
{
    /** Table order: the figures first. */
    private static final List<String> ORDER = List.of(
        "UnsafeAllocFreeBenchmark", "CaptureFloorBenchmark", "DirectBufferBenchmark", "MixedLoopBenchmark",
        "MappedFileBenchmark", "ArenaBenchmark");

    private final CommandLineOptions cmd;
    private final List<Mode> modes;
    private final int rounds;
    private final Path out;
    private final List<String> notes = new ArrayList<>();

    /**
     * A runner.
     *
     * @param cmd    JMH's command line, without its include regex.
     * @param modes  to run, in order.
     * @param rounds how many times each mode runs each benchmark.
     * @param out    the scratch folder, where the peer's {@code nativemem-*} recordings are deleted.
     */
    ModeRunner(final CommandLineOptions cmd, final List<Mode> modes, final int rounds, final Path out)
    {
        this.cmd = cmd;
        this.modes = modes;
        this.rounds = rounds;
        this.out = out;
    }

    /**
     * Sorts benchmarks into table order.
     *
     * @param benchmarks full names, sorted in place.
     */
    static void sort(final List<String> benchmarks)
    {
        benchmarks.sort(Comparator.comparingInt(ModeRunner::order).thenComparing(Comparator.naturalOrder()));
    }

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

    /**
     * Runs the benchmarks.
     *
     * @param benchmarks full names, in the order to run them.
     * @return their rows.
     * @throws RunnerException if JMH fails.
     * @throws IOException     if the scratch folder cannot be cleaned.
     */
    Rows run(final List<String> benchmarks) throws RunnerException, IOException
    {
        final Rows rows = new Rows();
        int recordings = 0;
        long recorded = 0;
        for (final String benchmark : benchmarks)
        {
            for (int round = 0; round < rounds; round++)
            {
                for (final Mode mode : modes)
                {
                    if (null != mode.unavailable() || (baselineOnly(benchmark) && !Mode.BASELINE.equals(mode.name())))
                    {
                        continue;
                    }
                    final Collection<RunResult> results = runOne(benchmark, mode);
                    final double load = BenchRunner.load1();
                    if (results.isEmpty())
                    {
                        notes.add(benchmark + " in mode '" + mode.name() + "', round " + (round + 1) +
                            ": no result (the fork failed: see its output above)");
                    }
                    rows.add(mode.name(), results, load);
                    for (final Path file : peerRecordings())
                    {
                        recorded += Files.size(file);
                        recordings++;
                        Files.delete(file);
                    }
                }
            }
        }
        if (recordings > 0)
        {
            notes.add(String.format(Locale.ROOT, "%s wrote %d recording(s), %.1f MiB in all (deleted after each run)",
                Mode.ASPROF, recordings, recorded / 1048576.0));
        }
        return rows;
    }

    /**
     * What the runs left to say: runs that gave no result, and what the peer wrote.
     *
     * @return one line each.
     */
    List<String> notes()
    {
        return notes;
    }

    private Collection<RunResult> runOne(final String benchmark, final Mode mode) throws RunnerException
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

    private List<Path> peerRecordings() throws IOException
    {
        try (Stream<Path> files = Files.list(out))
        {
            return files.filter(f -> f.getFileName().toString().startsWith("nativemem-")).toList();
        }
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
}
