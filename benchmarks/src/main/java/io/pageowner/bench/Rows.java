package io.pageowner.bench;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a run, collected as JMH hands back results: one row per benchmark with its parameters and mode,
 * in the order they first ran. With several rounds a row merges its rounds' forks, as JMH merges the forks of
 * one run, and carries the highest load average read when they ended.
 */
final class Rows
{
    /**
     * One row: a benchmark with its parameters, in one mode.
     *
     * @param benchmark short name with parameters, e.g. {@code UnsafeAllocFreeBenchmark.allocateAndFree (bytes=64,
     *                  depth=4)}.
     * @param mode      the mode's name.
     * @param result    every fork of every round.
     * @param load      the highest 1-minute load average read when its runs ended.
     */
    record Row(String benchmark, String mode, RunResult result, double load)
    {
        /**
         * The row's time per operation.
         *
         * @return nanoseconds per operation and their error.
         */
        Value ns()
        {
            final Result<?> primary = result.getPrimaryResult();
            return new Value(nsPerOp(primary), nsError(primary));
        }

        /**
         * Bytes allocated on the heap per operation, from JMH's gc profiler.
         *
         * @return {@code gc.alloc.rate.norm}, or NaN without it.
         */
        double bytesPerOp()
        {
            Result<?> gc = result.getSecondaryResults().get("gc.alloc.rate.norm");
            if (null == gc)
            {
                gc = result.getSecondaryResults().get("\u00b7gc.alloc.rate.norm");
            }
            return null == gc ? Double.NaN : gc.getScore();
        }
    }

    private final Map<String, List<RunResult>> runs = new LinkedHashMap<>();
    private final Map<String, Double> loads = new LinkedHashMap<>();

    /**
     * Adds what one run of one benchmark in one mode gave.
     *
     * @param mode    the mode's name.
     * @param results JMH's results, one per parameter combination.
     * @param load    the 1-minute load average when the run ended.
     */
    void add(final String mode, final Collection<RunResult> results, final double load)
    {
        for (final RunResult result : results)
        {
            final String key = shortName(result) + "\u0000" + mode;
            runs.computeIfAbsent(key, k -> new ArrayList<>()).add(result);
            loads.merge(key, load, Math::max);
        }
    }

    /**
     * The rows, each merging its rounds.
     *
     * @return in the order they first ran.
     */
    List<Row> list()
    {
        final List<Row> rows = new ArrayList<>();
        for (final Map.Entry<String, List<RunResult>> e : runs.entrySet())
        {
            final String[] key = e.getKey().split("\u0000");
            rows.add(new Row(key[0], key[1], merged(e.getValue()), loads.get(e.getKey())));
        }
        return rows;
    }

    /**
     * Time per operation by benchmark, then by mode.
     *
     * @param rows as {@link #list()} gives them.
     * @return benchmark short name to mode name to ns per operation, in row order.
     */
    static Map<String, Map<String, Value>> nsByBenchmark(final List<Row> rows)
    {
        final Map<String, Map<String, Value>> ns = new LinkedHashMap<>();
        for (final Row row : rows)
        {
            ns.computeIfAbsent(row.benchmark(), k -> new LinkedHashMap<>()).put(row.mode(), row.ns());
        }
        return ns;
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

    /**
     * The score as nanoseconds per operation, from a time-per-op or an ops-per-time unit.
     */
    private static double nsPerOp(final Result<?> result)
    {
        final String unit = result.getScoreUnit();
        if (unit.startsWith("ops/"))
        {
            return nanos(unit.substring(4)) / result.getScore();
        }
        return result.getScore() * nanos(unit.substring(0, unit.indexOf('/')));
    }

    private static double nsError(final Result<?> result)
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
}
