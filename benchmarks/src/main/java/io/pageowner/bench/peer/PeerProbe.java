package io.pageowner.bench.peer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * page-owner beside async-profiler's {@code nativemem} outside JMH (issue 19.3), to reconcile the peer's cost
 * as JMH measures it with what a plain loop measures: forks {@link PeerLoop} under each mode, the modes' order
 * rotating each round, and prints per mode the median nanoseconds per pair inside the loop (after its warm-up
 * rounds), the whole process's median wall time (the peer writes its recording at exit, which a loop's own
 * clock never sees), and the size of that recording. The walk floor rows are what any exact capture of this stack
 * pays, with no recording: {@code walk floor (no agent)} makes a {@code new Throwable()} in two stand-in frames
 * for the {@code Unsafe.allocateMemory} frames, {@code walk floor in place} ({@link FloorAgent}) makes it inside the
 * real {@code allocateMemory}, where full mode makes its own, so that the JIT inlines (or not) that frame as it does
 * in the other rows; the second is the floor full mode is judged against.
 * <p>
 * Usage: {@code java -cp benchmarks.jar io.pageowner.bench.peer.PeerProbe <page-owner.jar> <java>
 * <libasyncProfiler.so> [forks] [depth] [pairs per round] [rounds]} (defaults 5, 15, 200000, 12; two warm-up
 * rounds). {@code -Dpageowner.peer.before=<jar>} adds a row of full mode with another build of the agent
 * ({@code page-owner full before}, a name without a comma so that the filter below can keep it);
 * {@code -Dpageowner.peer.modes=none,page-owner full,...} keeps only the modes named ({@code none} must be one).
 * {@code -Dpageowner.peer.jvm="-Xms1g -Xmx1g -Xmn256m -XX:+AlwaysPreTouch"} gives every fork the same options, e.g. a
 * fixed, pre-touched heap: G1 sizes the heap by its pauses, differently from fork to fork, and a fork whose heap grew
 * pays the first touch of every new page inside the loop (in full mode on JDK 17, 165 000 page faults and a 680 MB
 * RSS against 73 000 and 301 MB for the floor in place, with the same bytes allocated per pair).
 */
public final class PeerProbe
{
    private PeerProbe()
    {
    }

    /**
     * Runs the comparison and prints the table.
     *
     * @param args agent jar, java, async-profiler's library, then the optional counts.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length < 3)
        {
            System.err.println("usage: PeerProbe <page-owner.jar> <java> <libasyncProfiler.so> [forks] [depth] " +
                "[pairs per round] [rounds]");
            System.exit(1);
        }
        final Path agent = Path.of(args[0]).toAbsolutePath();
        final String java = args[1];
        final Path asprof = Path.of(args[2]).toAbsolutePath();
        final int forks = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        final String depth = args.length > 4 ? args[4] : "15";
        final String pairs = args.length > 5 ? args[5] : "200000";
        final String rounds = args.length > 6 ? args[6] : "12";
        final Path work = Files.createTempDirectory("peer-probe");
        final String jfr = work.resolve("nativemem.jfr").toString();

        final Map<String, List<String>> modes = new LinkedHashMap<>();
        modes.put("none", List.of());
        modes.put("walk floor (no agent)", List.of());
        modes.put("walk floor in place", List.of("-javaagent:" + Path.of(PeerProbe.class.getProtectionDomain()
            .getCodeSource().getLocation().toURI()).toAbsolutePath()));
        modes.put("page-owner full", List.of("-javaagent:" + agent + "=on"));
        modes.put("page-owner sample=512k", List.of("-javaagent:" + agent + "=on,sample=512k"));
        modes.put("asprof nativemem=0", List.of("-agentpath:" + asprof + "=start,nativemem=0,file=" + jfr));
        modes.put("asprof nativemem=0,nofree",
            List.of("-agentpath:" + asprof + "=start,nativemem=0,nofree,file=" + jfr));
        modes.put("asprof nativemem=512k", List.of("-agentpath:" + asprof + "=start,nativemem=512k,file=" + jfr));
        modes.put("asprof nativemem=512k,nofree",
            List.of("-agentpath:" + asprof + "=start,nativemem=512k,nofree,file=" + jfr));
        if (null != System.getProperty("pageowner.peer.before"))
        {
            modes.put("page-owner full before", List.of("-javaagent:" +
                Path.of(System.getProperty("pageowner.peer.before")).toAbsolutePath() + "=on"));
        }
        final String only = System.getProperty("pageowner.peer.modes");
        if (null != only)
        {
            final List<String> wanted = Arrays.asList(only.split(","));
            modes.keySet().removeIf(name -> !wanted.contains(name));
        }
        final List<String> names = new ArrayList<>(modes.keySet());
        final String jvm = System.getProperty("pageowner.peer.jvm", "").trim();
        final List<String> jvmOptions = jvm.isEmpty() ? List.of() : Arrays.asList(jvm.split("\\s+"));

        System.out.println("# peer probe: " + java + ", depth " + depth + ", " + rounds + " rounds of " + pairs +
            " pairs per fork, " + forks + " forks per mode, interleaved; JVM options " + jvmOptions +
            "; load average at start " + LoopFork.loadAverage());
        final Map<String, List<double[]>> samples = new LinkedHashMap<>();
        names.forEach(n -> samples.put(n, new ArrayList<>()));
        for (int fork = 0; fork < forks; fork++)
        {
            for (int m = 0; m < names.size(); m++)
            {
                final String name = names.get((m + fork) % names.size());
                final List<String> command = new ArrayList<>(List.of(java));
                command.addAll(jvmOptions);
                command.addAll(modes.get(name));
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), PeerLoop.class.getName(),
                    depth, pairs, rounds, "2"));
                if ("walk floor (no agent)".equals(name))
                {
                    command.add("floor");
                }
                samples.get(name).add(run(command, Path.of(jfr)));
            }
        }
        System.out.println();
        // NOTE: the fastest round of each fork as well: the host's other work and a late compilation only ever add
        // time, so it is the least disturbed reading of a fork, and its median over forks the steadiest figure.
        System.out.println("| mode | ns per pair in the loop (median) | IQR | added | fastest round (median) | IQR " +
            "| added | wall ms (median) | added | recording MiB |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        final double noneLoop = quantile(samples.get("none"), 0, 0.5);
        final double noneFastest = quantile(samples.get("none"), 3, 0.5);
        final double noneWall = quantile(samples.get("none"), 1, 0.5);
        for (final String name : names)
        {
            final List<double[]> s = samples.get(name);
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f-%.0f | %+.0f | %.0f | %.0f-%.0f | %+.0f | %.0f " +
                "| %+.0f | %.1f |%n", name,
                quantile(s, 0, 0.5), quantile(s, 0, 0.25), quantile(s, 0, 0.75), quantile(s, 0, 0.5) - noneLoop,
                quantile(s, 3, 0.5), quantile(s, 3, 0.25), quantile(s, 3, 0.75), quantile(s, 3, 0.5) - noneFastest,
                quantile(s, 1, 0.5), quantile(s, 1, 0.5) - noneWall, quantile(s, 2, 0.5) / (1 << 20));
        }
        System.out.println();
        System.out.println("load average at end " + LoopFork.loadAverage());
        try (Stream<Path> files = Files.list(work))
        {
            for (final Path file : files.toList())
            {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(work);
    }

    /**
     * Runs one fork.
     *
     * @return the loop's median ns per pair, the wall ms of the whole process, the recording's bytes.
     */
    private static double[] run(final List<String> command, final Path recording)
        throws IOException, InterruptedException
    {
        Files.deleteIfExists(recording);
        final long start = System.nanoTime();
        final String text = LoopFork.run(command);
        final double wall = (System.nanoTime() - start) / 1e6;
        final double loop = LoopFork.figure(text, "LOOP");
        final double fastest = LoopFork.figure(text, "MIN");
        final double bytes = Files.exists(recording) ? Files.size(recording) : 0;
        Files.deleteIfExists(recording);
        return new double[]{ loop, wall, bytes, fastest };
    }

    private static double quantile(final List<double[]> samples, final int column, final double q)
    {
        final double[] values = samples.stream().mapToDouble(s -> s[column]).sorted().toArray();
        final double position = q * (values.length - 1);
        final int low = (int)Math.floor(position);
        final int high = (int)Math.ceil(position);
        return values[low] + (values[high] - values[low]) * (position - low);
    }
}
