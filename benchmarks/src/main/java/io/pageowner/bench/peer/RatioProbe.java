package io.pageowner.bench.peer;

import java.io.IOException;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A verdict on a throughput ratio that a noisy 2-core host can give (issue 19.4): paired, interleaved forks and a
 * distribution-free confidence interval.
 * <p>
 * Each round forks {@link PeerLoop} once with no agent and once per mode, in an order that rotates each round,
 * back to back, so a slow stretch of the host lands on the whole round; each fork's figure is the fastest of
 * its thirty timed rounds of ~25 ms (the host's other work only ever adds time, so the fastest is the least
 * disturbed). Per round and mode the ratio is no agent's time over the mode's (the mode's throughput relative
 * to no agent: 0.95 is 5 % slower). The drift of the host mostly cancels within a round, and what is left varies
 * from round to round, so the median of the per-round ratios is taken with a confidence interval from order
 * statistics (the sign test's: no assumption on the distribution of the noise). A bound is met if the interval
 * lies above it, not met if the interval lies below it, and undecided only if it straddles it.
 * <p>
 * Usage: {@code java -cp benchmarks.jar io.pageowner.bench.peer.RatioProbe <page-owner.jar> <java>
 * <unsafe|direct|mixed> <rounds> <bound> <name=agent options>...}, e.g. {@code ... direct 21 0.95
 * 'sample 512k=on,sample=512k' 'off='} (an empty option string loads the agent without {@code on}).
 */
public final class RatioProbe
{
    private RatioProbe()
    {
    }

    /**
     * Runs the rounds and prints the table and the verdicts.
     *
     * @param args see the class comment.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final ProbeArguments parsed = ProbeArguments.parse("RatioProbe", args);
        if (null == parsed)
        {
            System.exit(1);
            return;
        }
        final Path agent = parsed.agent();
        final String java = parsed.java();
        final String workload = parsed.workload();
        final int rounds = parsed.rounds();
        final double bound = parsed.bound();
        final Map<String, String> modes = new LinkedHashMap<>();
        modes.put("none", null);
        modes.putAll(parsed.modes());
        final List<String> names = new ArrayList<>(modes.keySet());
        final Map<String, double[]> times = new LinkedHashMap<>();
        names.forEach(n -> times.put(n, new double[rounds]));
        System.out.println("# ratio probe: " + java + ", workload " + workload + ", " + rounds + " paired rounds, " +
            "bound " + bound + "; load average at start " + LoopFork.loadAverage());
        for (int round = 0; round < rounds; round++)
        {
            for (int m = 0; m < names.size(); m++)
            {
                final String name = names.get((m + round) % names.size());
                final String options = modes.get(name);
                final List<String> command = new ArrayList<>(List.of(java, "-Xmn32m",
                    "-Dpageowner.peer.workload=" + workload));
                if (null != options)
                {
                    command.add("-javaagent:" + agent + (options.isEmpty() ? "" : "=" + options));
                }
                // NOTE: 20 frames at the allocation; rounds of ~25 ms, the first ten not counted (the JIT), and the
                // fastest of the other thirty taken: the host's other work only ever adds time.
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), PeerLoop.class.getName(), "15",
                    "unsafe".equals(workload) ? "500000" : "direct".equals(workload) ? "100000" : "250000", "40",
                    "10"));
                times.get(name)[round] = run(command);
            }
        }
        final double[] none = times.get("none");
        System.out.println();
        System.out.println("| mode | ns per op (median of forks) | throughput vs none: median of paired ratios | " +
            "95 % interval | verdict (bound " + bound + ") |");
        System.out.println("|---|---:|---:|---:|---|");
        System.out.printf(Locale.ROOT, "| none | %.1f | 1 | – | – |%n", median(none));
        for (final String name : names.subList(1, names.size()))
        {
            final double[] mode = times.get(name);
            final double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++)
            {
                ratios[r] = none[r] / mode[r];
            }
            Arrays.sort(ratios);
            final int[] ranks = interval(rounds);
            final double low = ratios[ranks[0]];
            final double high = ratios[ranks[1]];
            final String verdict = low >= bound ? "**met**" : high < bound ? "**not met**" : "undecided";
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.4f | %.4f-%.4f | %s |%n", name, median(mode),
                median(ratios), low, high, verdict);
        }
        System.out.println();
        System.out.println("load average at end " + LoopFork.loadAverage());
    }

    /**
     * The ranks (0-based) of the order statistics that bound the median with at least 95 % confidence: the
     * largest k with P(Binomial(n, 1/2) < k) <= 2.5 %, and n - 1 - k.
     */
    static int[] interval(final int n)
    {
        double cumulative = 0;
        double term = Math.pow(0.5, n);
        int k = 0;
        while (cumulative + term <= 0.025)
        {
            cumulative += term;
            term = term * (n - k) / (k + 1);
            k++;
        }
        if (0 == k)
        {
            throw new IllegalArgumentException(n + " rounds are too few for a 95 % interval (6 at least)");
        }
        return new int[]{ k - 1, n - k };
    }

    private static double run(final List<String> command) throws IOException, InterruptedException
    {
        return LoopFork.figure(LoopFork.run(command), "MIN");
    }

    /**
     * The median of some figures.
     *
     * @param values the figures, left as they are.
     * @return their median.
     */
    static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return 0 == n % 2 ? (sorted[n / 2 - 1] + sorted[n / 2]) / 2 : sorted[n / 2];
    }
}
