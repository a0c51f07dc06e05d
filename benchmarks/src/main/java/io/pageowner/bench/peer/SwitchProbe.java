package io.pageowner.bench.peer;

import com.sun.tools.attach.VirtualMachine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A verdict on a throughput ratio that takes the fork out of the comparison (issue 19.4): each fork measures the
 * loop before and after an agent is loaded into it at run time, and the ratio of the two is compared with the
 * same ratio for a null agent.
 * <p>
 * {@link RatioProbe} compares forks with and without the agent, and forks of one and the same mode differ by
 * ±6-8 % among themselves (the JIT's decisions, the address space's layout), which swamps the few per cent a
 * sampled mode's verdict turns on. Here each fork runs {@link SwitchLoop}: the loop's rounds with no agent, then
 * the probe loads either page-owner with a mode's options or {@link RetransformAgent}, the null agent, which
 * retransforms the same JDK classes unchanged, so the JIT discards and compiles anew the loop's code in both; then
 * the rounds again. For a fork, q is its throughput after over before (the fastest round of each phase). The null
 * agent's q holds what the switch itself does (the new compilation, the time that has passed); per round, the
 * mode's q over the null fork's q is the mode's throughput relative to no agent. The forks of a round run back
 * to back in an order that rotates, and the median over rounds is given with the sign test's 95 % interval (as in
 * {@link RatioProbe}: met if the interval lies above the bound, not met if below it, otherwise undecided).
 * <p>
 * What it cannot see: the agent's start-up (measured apart) and what an agent loaded at start does differently
 * from one loaded at run time (page-owner's advice is the same either way for the JDK's classes; Netty's pools
 * take a cheaper path when the agent starts first, so they are judged in JMH instead).
 * <p>
 * Usage: {@code java -cp benchmarks.jar io.pageowner.bench.peer.SwitchProbe <page-owner.jar> <java>
 * <unsafe|direct|mixed> <rounds> <bound> <name=agent options>...}, e.g. {@code ... direct 41 0.95
 * 'sample 512k=on,sample=512k'}.
 */
public final class SwitchProbe
{
    /** The JDK classes whose compiled callers page-owner's retransformation throws away. */
    private static final String RETRANSFORMED = "jdk.internal.misc.Unsafe,java.nio.Bits,java.nio.ByteBuffer," +
        "java.nio.DirectByteBuffer,sun.nio.ch.Util,sun.nio.ch.FileChannelImpl";
    private static final String NULL = "null agent";

    private SwitchProbe()
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
        final ProbeArguments parsed = ProbeArguments.parse("SwitchProbe", args);
        if (null == parsed)
        {
            System.exit(1);
            return;
        }
        final String java = parsed.java();
        final String workload = parsed.workload();
        final int rounds = parsed.rounds();
        final double bound = parsed.bound();
        final Path self = Path.of(SwitchProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        final Map<String, String[]> modes = new LinkedHashMap<>();
        modes.put(NULL, new String[]{ self.toString(), RETRANSFORMED });
        for (final Map.Entry<String, String> mode : parsed.modes().entrySet())
        {
            modes.put(mode.getKey(), new String[]{ parsed.agent().toString(), mode.getValue() });
        }
        final List<String> names = new ArrayList<>(modes.keySet());
        final Map<String, double[]> before = new LinkedHashMap<>();
        final Map<String, double[]> after = new LinkedHashMap<>();
        for (final String name : names)
        {
            before.put(name, new double[rounds]);
            after.put(name, new double[rounds]);
        }
        System.out.println("# switch probe: " + java + ", workload " + workload + ", " + rounds + " rounds, bound " +
            bound + "; load average at start " + LoopFork.loadAverage());
        for (int round = 0; round < rounds; round++)
        {
            for (int m = 0; m < names.size(); m++)
            {
                final String name = names.get((m + round) % names.size());
                final double[] figures = fork(java, workload, modes.get(name));
                before.get(name)[round] = figures[0];
                after.get(name)[round] = figures[1];
            }
        }
        print(names, before, after, rounds, bound);
        System.out.println();
        for (final String name : names)
        {
            final StringBuilder line = new StringBuilder("q per round, " + name + ":");
            for (final double q : ratios(before.get(name), after.get(name)))
            {
                line.append(String.format(Locale.ROOT, " %.3f", q));
            }
            System.out.println(line);
        }
        System.out.println();
        System.out.println("load average at end " + LoopFork.loadAverage());
    }

    private static void print(
        final List<String> names,
        final Map<String, double[]> before,
        final Map<String, double[]> after,
        final int rounds,
        final double bound)
    {
        final double[] nullQ = ratios(before.get(NULL), after.get(NULL));
        final int[] ranks = RatioProbe.interval(rounds);
        System.out.println();
        System.out.println("| agent loaded at the switch | ns per op before, after (medians) | q: after over before, " +
            "median (95 % interval) | throughput vs no agent: q over the null agent's q, median | 95 % interval | " +
            "verdict (bound " + bound + ") |");
        System.out.println("|---|---:|---:|---:|---:|---|");
        for (final String name : names)
        {
            final double[] q = ratios(before.get(name), after.get(name));
            final double[] sortedQ = sorted(q);
            final String qText = String.format(Locale.ROOT, "%.4f (%.4f-%.4f)", RatioProbe.median(q),
                sortedQ[ranks[0]], sortedQ[ranks[1]]);
            final String times = String.format(Locale.ROOT, "%.1f, %.1f", RatioProbe.median(before.get(name)),
                RatioProbe.median(after.get(name)));
            if (NULL.equals(name))
            {
                System.out.printf(Locale.ROOT, "| %s | %s | %s | 1 | – | – |%n", name, times, qText);
                continue;
            }
            final double[] relative = new double[rounds];
            for (int r = 0; r < rounds; r++)
            {
                relative[r] = q[r] / nullQ[r];
            }
            final double[] sortedRelative = sorted(relative);
            final double low = sortedRelative[ranks[0]];
            final double high = sortedRelative[ranks[1]];
            final String verdict = low >= bound ? "**met**" : high < bound ? "**not met**" : "undecided";
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.4f | %.4f-%.4f | %s |%n", name, times, qText,
                RatioProbe.median(relative), low, high, verdict);
        }
    }

    /**
     * Runs one fork: the loop, the agent loaded at the switch, the loop again.
     *
     * @return the fastest round before and after, ns per operation.
     */
    private static double[] fork(final String java, final String workload, final String[] agent) throws Exception
    {
        // NOTE: the same operations per round as RatioProbe's forks (rounds of ~25 ms), 20 frames at the allocation;
        // 40 rounds per phase, the first 10 not counted (the JIT, before and after the switch alike).
        final List<String> command = List.of(java, "-Xmn32m", "-XX:+IgnoreUnrecognizedVMOptions",
            "-XX:+EnableDynamicAgentLoading", "-Dpageowner.peer.workload=" + workload, "-cp",
            System.getProperty("java.class.path"), SwitchLoop.class.getName(), "15",
            "unsafe".equals(workload) ? "500000" : "direct".equals(workload) ? "100000" : "250000", "40", "10");
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final StringBuilder text = new StringBuilder();
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            OutputStream in = process.getOutputStream())
        {
            String line;
            while (null != (line = out.readLine()))
            {
                text.append(line).append('\n');
                if ("SWITCH".equals(line))
                {
                    final VirtualMachine vm = VirtualMachine.attach(Long.toString(process.pid()));
                    try
                    {
                        vm.loadAgent(agent[0], agent[1]);
                    }
                    finally
                    {
                        vm.detach();
                    }
                    in.write("go\n".getBytes(StandardCharsets.UTF_8));
                    in.flush();
                }
            }
        }
        if (!process.waitFor(300, TimeUnit.SECONDS) || 0 != process.exitValue())
        {
            throw new IllegalStateException("failed: " + command + "\n" + text);
        }
        return new double[]{ LoopFork.figure(text.toString(), "BEFORE"), LoopFork.figure(text.toString(), "AFTER") };
    }

    private static double[] ratios(final double[] before, final double[] after)
    {
        final double[] q = new double[before.length];
        for (int i = 0; i < q.length; i++)
        {
            q[i] = before[i] / after[i];
        }
        return q;
    }

    private static double[] sorted(final double[] values)
    {
        final double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
