package io.pageowner.bench;

import org.openjdk.jmh.infra.BenchmarkParams;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints a run's summary before the verdicts: how it was run, one table of ns per operation, error, ratio to no
 * agent, ns added, B/op and load, and the two-thread scaling of the mixed loop.
 */
final class Tables
{
    private Tables()
    {
    }

    /**
     * How the run was made: JDK, times and load, arguments, settings, modes and notes.
     *
     * @param sb         to print to.
     * @param rows       the rows, possibly none.
     * @param jvm        the forks' {@code java}, shown when there are no rows to read the JDK from.
     * @param started    when the run started.
     * @param loadBefore load averages at the start.
     * @param arguments  the runner's arguments after the agent jar.
     * @param modes      the modes chosen.
     * @param notes      one line each.
     */
    static void header(
        final StringBuilder sb,
        final List<Rows.Row> rows,
        final String jvm,
        final String started,
        final String loadBefore,
        final List<String> arguments,
        final List<Mode> modes,
        final List<String> notes)
    {
        sb.append('\n');
        sb.append("## Results: ").append(forkJdk(rows, jvm)).append('\n');
        sb.append('\n');
        sb.append("- started ").append(started).append(", load average before: ").append(loadBefore)
            .append(", after: ").append(BenchRunner.loadAverage()).append(" (")
            .append(Runtime.getRuntime().availableProcessors()).append(" CPUs)\n");
        sb.append("- runner arguments: ").append(String.join(" ", arguments)).append('\n');
        if (!rows.isEmpty())
        {
            sb.append("- settings: ").append(settings(rows)).append('\n');
        }
        for (final Mode mode : rows.isEmpty() ? List.<Mode>of() : modes)
        {
            sb.append("- mode '").append(mode.name()).append("': ")
                .append(null == mode.unavailable() ?
                    "`" + String.join(" ", mode.jvmArgs()) + "`" : "UNAVAILABLE: " + mode.unavailable())
                .append('\n');
        }
        for (final String note : notes)
        {
            sb.append("- ").append(note).append('\n');
        }
        sb.append('\n');
    }

    /**
     * The table of every row.
     *
     * @param sb   to print to.
     * @param rows the rows; nothing is printed without any.
     */
    static void table(final StringBuilder sb, final List<Rows.Row> rows)
    {
        if (rows.isEmpty())
        {
            return;
        }
        final Map<String, Double> baseline = new LinkedHashMap<>();
        for (final Rows.Row row : rows)
        {
            if (Mode.BASELINE.equals(row.mode()))
            {
                baseline.put(row.benchmark(), row.ns().v());
            }
        }
        sb.append("| benchmark | mode | ns/op | ± error | vs none | added ns | B/op | load |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (final Rows.Row row : rows)
        {
            final double ns = row.ns().v();
            final double error = row.ns().err();
            final Double base = baseline.get(row.benchmark());
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %s | %s | %s | %.0f | %.2f |%n",
                row.benchmark(), row.mode(), ns, Double.isNaN(error) ? "-" : String.format(Locale.ROOT, "%.1f", error),
                null == base ? "-" : String.format(Locale.ROOT, "%.2fx", ns / base),
                null == base ? "-" : String.format(Locale.ROOT, "%+.0f", ns - base),
                row.bytesPerOp(), row.load()));
        }
        sb.append('\n');
        sb.append("ns/op of a throughput benchmark is 1 / its throughput: for `twoThreads` that is the wall time per ")
            .append("operation of both threads together. \"vs none\" is time per operation relative to no agent ")
            .append("(1.01x = 1 % slower); \"added ns\" the difference; B/op is `gc.alloc.rate.norm`; load is the ")
            .append("1-minute load average when the row's run ended.\n\n");
    }

    /**
     * The mixed loop's throughput with one and two threads, by mode.
     *
     * @param sb   to print to.
     * @param rows the rows; nothing is printed without the mixed loop.
     */
    static void scaling(final StringBuilder sb, final List<Rows.Row> rows)
    {
        final Map<String, double[]> byMode = new LinkedHashMap<>();
        for (final Rows.Row row : rows)
        {
            if (!row.benchmark().startsWith("MixedLoopBenchmark."))
            {
                continue;
            }
            final double opsPerUs = 1000.0 / row.ns().v();
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

    private static String forkJdk(final List<Rows.Row> rows, final String jvm)
    {
        if (rows.isEmpty())
        {
            return "JDK " + BenchRunner.featureVersion(jvm) + " (" + jvm + ")";
        }
        final BenchmarkParams p = rows.get(0).result().getParams();
        return "JDK " + p.getJdkVersion() + " (" + p.getVmName() + " " + p.getVmVersion() + ")";
    }

    private static String settings(final List<Rows.Row> rows)
    {
        final BenchmarkParams p = rows.get(0).result().getParams();
        final int runs = rows.get(0).result().getBenchmarkResults().size();
        return (runs > p.getForks() ? runs / p.getForks() + " round(s), modes interleaved, of " : "") +
            p.getForks() + " fork(s) x " + p.getMeasurement().getCount() + " x " + p.getMeasurement().getTime() +
            " after " + p.getWarmup().getCount() + " x " + p.getWarmup().getTime() +
            " warm-up, per benchmark and mode; fork JVM arguments: `" + String.join(" ", p.getJvmArgs()) +
            "` (shown for the first row)";
    }
}
