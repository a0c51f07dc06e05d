package io.pageowner.bench.startup;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Time of {@code java -jar page-owner.jar on <pid>} (issue 19), from the fork of the command to its exit: each run
 * starts a fresh JVM that waits ({@link WaitingMain}), runs the command on it once, checks that it said the agent
 * was loaded, and ends the target; one first run, not counted, fills the woven-class cache. Prints the median,
 * the interquartile range and, from the command's own line, how long the agent took to start inside the target.
 * <p>
 * Usage: {@code java -cp benchmarks.jar io.pageowner.bench.startup.AttachOnRunner <page-owner.jar> <java> [runs]}
 * (default 11); the same {@code java} runs the target and the command.
 */
public final class AttachOnRunner
{
    private AttachOnRunner()
    {
    }

    /**
     * Runs the measurement and prints the result.
     *
     * @param args agent jar, java executable, runs.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length < 2)
        {
            System.err.println("usage: AttachOnRunner <page-owner.jar> <java> [runs]");
            System.exit(1);
        }
        final Path agent = Path.of(args[0]).toAbsolutePath();
        final String java = args[1];
        final int runs = args.length > 2 ? Integer.parseInt(args[2]) : 11;
        final String classPath = Path.of(AttachOnRunner.class.getProtectionDomain().getCodeSource().getLocation()
            .toURI()).toString();
        final List<Double> commandMillis = new ArrayList<>();
        final List<Double> agentMillis = new ArrayList<>();
        // NOTE: run 0 is not counted: it fills the woven-class cache (the user's default one), as any first
        // start of a new jar does.
        for (int run = -1; run < runs; run++)
        {
            final Process target =
                new ProcessBuilder(java, "-Xshare:auto", "-cp", classPath, WaitingMain.class.getName())
                    .redirectErrorStream(true).start();
            try
            {
                final BufferedReader lines =
                    new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
                if (!"READY".equals(lines.readLine()))
                {
                    throw new IllegalStateException("the target did not start");
                }
                final long start = System.nanoTime();
                final Process command = new ProcessBuilder(java, "-jar", agent.toString(), "on",
                    Long.toString(target.pid())).redirectErrorStream(true).start();
                final String text = new String(command.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!command.waitFor(120, TimeUnit.SECONDS) || 0 != command.exitValue())
                {
                    throw new IllegalStateException("on failed:\n" + text);
                }
                final double millis = (System.nanoTime() - start) / 1e6;
                final int at = text.indexOf(") in ");
                if (!text.startsWith("page-owner loaded into") || at < 0)
                {
                    throw new IllegalStateException("unexpected output:\n" + text);
                }
                if (run >= 0)
                {
                    commandMillis.add(millis);
                    agentMillis.add(Double.parseDouble(text.substring(at + 5, text.indexOf(" ms", at))));
                }
            }
            finally
            {
                target.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
            }
        }
        System.out.printf(Locale.ROOT, "on <pid>, %s, %d runs: command wall ms median %.0f (IQR %.0f-%.0f); " +
            "agent start inside the target, as the command reports it, median %.0f ms%n", java, runs,
            quantile(commandMillis, 0.5), quantile(commandMillis, 0.25), quantile(commandMillis, 0.75),
            quantile(agentMillis, 0.5));
    }

    private static double quantile(final List<Double> samples, final double q)
    {
        final double[] values = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        final double position = q * (values.length - 1);
        final int low = (int)Math.floor(position);
        final int high = (int)Math.ceil(position);
        return values[low] + (values[high] - values[low]) * (position - low);
    }
}
