package io.pageowner.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs benchmarks side by side in one run, once per agent mode (no agent, loaded off, on), and
 * prints a table of ns per operation, the ratio to no agent, and B/op from JMH's gc profiler.
 * <p>
 * Usage: {@code java -jar benchmarks/target/benchmarks.jar <agent jar> [benchmark regex] [jmh args...]}.
 * A sibling JDK can be chosen with {@code -jvm /path/to/java} among the JMH args.
 */
public final class BenchRunner
{
    private BenchRunner()
    {
    }

    /**
     * Runs the table.
     *
     * @param args agent jar, then an optional include regex, then optional {@code -jvm <java>}.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length < 1 || !Files.isRegularFile(Path.of(args[0])))
        {
            System.err.println("usage: BenchRunner <page-owner.jar> [include regex] [-jvm <java>]");
            System.exit(2);
        }
        final String agent = Path.of(args[0]).toAbsolutePath().toString();
        final String include = args.length > 1 && !args[1].startsWith("-") ? args[1] : "UnsafeAllocFreeBenchmark";
        String jvm = null;
        for (int i = 1; i < args.length - 1; i++)
        {
            if ("-jvm".equals(args[i]))
            {
                jvm = args[i + 1];
            }
        }

        final Map<String, String[]> modes = new LinkedHashMap<>();
        modes.put("no agent", new String[0]);
        modes.put("agent off", new String[]{ "-javaagent:" + agent });
        modes.put("agent on", new String[]{ "-javaagent:" + agent + "=on" });

        final Map<String, Collection<RunResult>> results = new LinkedHashMap<>();
        for (final Map.Entry<String, String[]> mode : modes.entrySet())
        {
            final ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .jvmArgsAppend(mode.getValue())
                .addProfiler("gc");
            if (null != jvm)
            {
                options.jvm(jvm);
            }
            results.put(mode.getKey(), new Runner(options.build()).run());
        }
        print(results);
    }

    private static void print(final Map<String, Collection<RunResult>> results)
    {
        final Map<String, Double> baseline = new LinkedHashMap<>();
        final List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "| %-64s | %-9s | %12s | %10s | %10s | %10s |",
            "benchmark", "mode", "ns/op", "± error", "vs none", "B/op"));
        rows.add("|" + "-".repeat(66) + "|" + "-".repeat(11) + "|" + "-".repeat(14) + "|" + "-".repeat(12) + "|" +
            "-".repeat(12) + "|" + "-".repeat(12) + "|");
        for (final Map.Entry<String, Collection<RunResult>> mode : results.entrySet())
        {
            for (final RunResult run : mode.getValue())
            {
                final String name = run.getParams().getBenchmark().replaceFirst("^.*\\.bench\\.", "") +
                    params(run);
                final double score = run.getPrimaryResult().getScore();
                final double error = run.getPrimaryResult().getScoreError();
                baseline.putIfAbsent(name, score);
                var gc = run.getSecondaryResults().get("gc.alloc.rate.norm");
                if (null == gc)
                {
                    gc = run.getSecondaryResults().get("\u00b7gc.alloc.rate.norm");
                }
                final double bytesPerOp = null == gc ? Double.NaN : gc.getScore();
                rows.add(String.format(Locale.ROOT, "| %-64s | %-9s | %12.1f | %10.1f | %9.2fx | %10.1f |",
                    name, mode.getKey(), score, error, score / baseline.get(name), bytesPerOp));
            }
        }
        System.out.println();
        System.out.println("JDK " + Runtime.version() + " (runner; forks use the -jvm given, or the same)");
        rows.forEach(System.out::println);
    }

    private static String params(final RunResult run)
    {
        final StringBuilder sb = new StringBuilder();
        for (final String key : run.getParams().getParamsKeys())
        {
            sb.append(sb.length() == 0 ? " (" : ", ").append(key).append('=').append(run.getParams().getParam(key));
        }
        return sb.length() == 0 ? "" : sb.append(')').toString();
    }
}
