package io.pageowner.bench;

import io.pageowner.table.OwnerTableDescriptor;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.pageowner.bench.Frames.UNSAFE;

/**
 * Memory per live allocation and dump speed (issue 7, targets 3 and 4, judged in {@link Targets}); not JMH,
 * since neither is a per-operation cost.
 * <p>
 * Two child JVMs run the same workload, one without the agent and one with {@code =on}: keep
 * {@value #LIVE} Unsafe allocations of {@value #BYTES} bytes live, made from {@value #STACKS} distinct
 * stacks (three levels of ten call sites, all within the 16 frames the agent keeps). Each child reads,
 * after a full GC, at start and with all allocations live: NMT's "Other" category (where
 * {@code Unsafe.allocateMemory} is counted, so the agent's off-heap owner table shows there), the heap
 * used, and NMT's committed total less the Java heap. The agent child also reads the MBean
 * ({@code LiveAllocations}, {@code DistinctStacks}) and times {@code dump(path)} and
 * {@code dumpStacks(path, 0)} five times each (the median is the figure). The difference of the two
 * children is what the agent costs: the table is the "Other" difference, the depots are the heap
 * difference.
 * <p>
 * Run by {@link BenchRunner} (include regex {@code Footprint}), or alone:
 * {@code java -cp benchmarks.jar io.pageowner.bench.Footprint <page-owner.jar> [java]}.
 */
public final class Footprint
{
    /** Live allocations held. */
    static final int LIVE = 1_000_000;
    /** Distinct allocation stacks: 10^{@value #LEVELS}. */
    static final int STACKS = 1000;
    /** Levels of ten call sites giving {@link #STACKS} stacks. */
    static final int LEVELS = 3;
    /** Bytes per allocation. */
    static final long BYTES = 64;
    /** Timed dumps of each kind. */
    static final int DUMPS = 5;

    private static final String PREFIX = "fp.";

    private Footprint()
    {
    }

    /**
     * Runs both children and prints the report.
     *
     * @param args agent jar, optional java launcher.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length < 1)
        {
            System.err.println("usage: Footprint <page-owner.jar> [java]");
            System.exit(2);
        }
        final String jvm =
            args.length > 1 ? args[1] : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Report report = measure(Path.of(args[0]).toAbsolutePath(), jvm,
            Files.createDirectories(BenchRunner.jarDirectory().resolve("bench-out")));
        final StringBuilder sb = new StringBuilder();
        report.print(sb);
        Targets.print(sb, new Targets.Figures(Map.of(), List.of(), report), false);
        System.out.print(sb);
    }

    /**
     * Runs the two children.
     *
     * @param agent the agent jar.
     * @param jvm   java launcher for the children.
     * @param out   scratch folder for the dumps (deleted after each).
     * @return the figures.
     * @throws IOException          if a child cannot be started or fails.
     * @throws InterruptedException if interrupted.
     */
    static Report measure(final Path agent, final String jvm, final Path out) throws IOException, InterruptedException
    {
        final String agentArgs = "=on";
        final Map<String, String> none = child(jvm, null, out);
        final Map<String, String> on = child(jvm, "-javaagent:" + agent + agentArgs, out);
        return new Report(none, on, "-javaagent:page-owner.jar" + agentArgs, BenchRunner.loadAverage());
    }

    private static Map<String, String> child(final String jvm, final String agentArg, final Path out)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of(jvm, "-Xmx1g", "-XX:NativeMemoryTracking=summary"));
        if (null != agentArg)
        {
            command.add(agentArg);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName(),
            String.valueOf(null != agentArg), out.toString()));
        System.out.println("# footprint: " + String.join(" ", command));
        final Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final Map<String, String> values = new LinkedHashMap<>();
        try (BufferedReader reader =
            new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                final int eq = line.indexOf('=');
                if (line.startsWith(PREFIX) && eq > 0)
                {
                    values.put(line.substring(PREFIX.length(), eq), line.substring(eq + 1));
                }
                else
                {
                    System.out.println("# footprint child: " + line);
                }
            }
        }
        if (!process.waitFor(15, TimeUnit.MINUTES) || 0 != process.exitValue())
        {
            process.destroyForcibly();
            throw new IOException("footprint child failed: " + command);
        }
        return values;
    }

    /** The figures of both children, and what follows from them. */
    static final class Report
    {
        private final Map<String, String> none;
        private final Map<String, String> on;
        private final String agentArg;
        private final String load;

        Report(final Map<String, String> none, final Map<String, String> on, final String agentArg, final String load)
        {
            this.none = none;
            this.on = on;
            this.agentArg = agentArg;
            this.load = load;
        }

        private long get(final Map<String, String> m, final String key)
        {
            final String v = m.get(key);
            return null == v ? -1 : Long.parseLong(v);
        }

        private long delta(final String key)
        {
            return get(on, key) - get(none, key);
        }

        long live()
        {
            return get(on, "mbean.LiveAllocations");
        }

        /** Distinct stacks the agent holds with every allocation live, as its MBean says. */
        String stacks()
        {
            return on.get("mbean.DistinctStacks");
        }

        /** Off-heap bytes the agent holds with every allocation live: NMT "Other", agent less none. */
        long table()
        {
            return 1024 * delta("live.other.kb");
        }

        /** Heap the agent holds before the first allocation. */
        long heapFixed()
        {
            return delta("start.heap");
        }

        /** Heap the agent gains while the allocations are made: the distinct stacks, and anything per record. */
        long heapGrowth()
        {
            return delta("live.heap") - delta("start.heap");
        }

        double perLive()
        {
            return (table() + heapFixed()) / (double)live();
        }

        double median(final String prefix)
        {
            final double[] v = new double[DUMPS];
            for (int i = 0; i < DUMPS; i++)
            {
                v[i] = get(on, prefix + i) / 1e6;
            }
            Arrays.sort(v);
            return v[DUMPS / 2];
        }

        private String times(final String prefix)
        {
            final StringBuilder sb = new StringBuilder();
            for (int i = 0; i < DUMPS; i++)
            {
                sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.0f", get(on, prefix + i) / 1e6));
            }
            return sb.toString();
        }

        void print(final StringBuilder sb)
        {
            sb.append(String.format(Locale.ROOT,
                "Footprint and dump speed: %,d live Unsafe allocations of %d B from %,d distinct stacks, child JVMs " +
                    "`-Xmx1g -XX:NativeMemoryTracking=summary`, agent `%s` (JDK %s; load average %s at the end):%n%n",
                LIVE, BYTES, STACKS, agentArg, on.get("jdk"), load));
            sb.append("| figure (after a full GC) | no agent | agent on | agent - none |\n|---|---:|---:|---:|\n");
            row(sb, "NMT Other, at start (KiB)", "start.other.kb");
            row(sb, "NMT Other, all live (KiB)", "live.other.kb");
            row(sb, "NMT Other mallocs, all live", "live.other.count");
            row(sb, "heap used, at start (B)", "start.heap");
            row(sb, "heap used, all live (B)", "live.heap");
            row(sb, "NMT committed less Java heap, at start (KiB)", "start.nonheap.kb");
            row(sb, "NMT committed less Java heap, all live (KiB)", "live.nonheap.kb");
            row(sb, "RSS, all live (KiB)", "live.rss.kb");
            sb.append('\n');
            sb.append(String.format(Locale.ROOT,
                "MBean: LiveAllocations %,d, DistinctStacks %s, Untracked %s, options `%s`, stacks by %s.%n%n",
                live(), on.get("mbean.DistinctStacks"), on.get("mbean.Untracked"), on.get("mbean.Options"),
                on.get("mbean.StackCapture")));
            sb.append(String.format(Locale.ROOT,
                "- owner table (NMT Other, agent - none, all live): %,d B = %.1f B per live allocation " +
                    "(index of %d B x max_records + fixed at start, then %d B per slot ever used, in segments of " +
                    "%,d slots: see OwnerTableDescriptor)%n",
                table(), table() / (double)live(),
                OwnerTableDescriptor.BUCKET_LENGTH / OwnerTableDescriptor.RECORDS_PER_BUCKET,
                OwnerTableDescriptor.RECORD_LENGTH, 1 << OwnerTableDescriptor.MAX_SEGMENT_SHIFT));
            sb.append(String.format(Locale.ROOT,
                "- agent heap before any allocation (depot arrays and the rest, agent - none): %,d B = %.1f B per " +
                    "live allocation%n",
                heapFixed(), heapFixed() / (double)live()));
            sb.append(String.format(Locale.ROOT,
                "- agent heap growth while the allocations are made (the %s distinct stacks, and anything kept per " +
                    "record): %,d B = %.0f B per distinct stack%n",
                on.get("mbean.DistinctStacks"), heapGrowth(),
                heapGrowth() / Double.parseDouble(on.get("mbean.DistinctStacks"))));
            sb.append(String.format(Locale.ROOT,
                "- table + depots, less the stacks: %.1f B per live allocation; everything the agent adds outside " +
                    "the heap (NMT committed less heap, agent - none, incl. classes, code, threads): %,d KiB%n",
                perLive(), delta("live.nonheap.kb")));
            sb.append(String.format(Locale.ROOT,
                "- dump(path) of %,d records: %s ms (median %.0f ms), %,d bytes; dumpStacks(path, 0): %s ms " +
                    "(median %.0f ms), %,d bytes%n%n",
                live(), times("dump.ns."), median("dump.ns."), get(on, "dump.bytes"), times("stacks.ns."),
                median("stacks.ns."), get(on, "stacks.bytes")));
        }

        private void row(final StringBuilder sb, final String label, final String key)
        {
            sb.append(String.format(
                Locale.ROOT, "| %s | %,d | %,d | %,d |%n", label, get(none, key), get(on, key), delta(key)));
        }
    }

    /**
     * The child: holds the allocations and prints {@code fp.key=value} lines.
     */
    public static final class Child
    {
        private static final Pattern OTHER = Pattern.compile(
            "-\\s+Other \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)\\s*\\n\\s*" +
                "\\(malloc=(\\d+)KB(?: tag=\\S+)? #(\\d+)");
        private static final Pattern TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
        private static final Pattern HEAP =
            Pattern.compile("-\\s+Java Heap \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

        private Child()
        {
        }

        /**
         * Runs the workload.
         *
         * @param args whether the agent is loaded, and the scratch folder.
         * @throws Exception on failure.
         */
        public static void main(final String[] args) throws Exception
        {
            final boolean agent = Boolean.parseBoolean(args[0]);
            final Path out = Path.of(args[1]);
            final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            final ObjectName pageOwner = new ObjectName("io.pageowner:type=PageOwner");
            if (agent)
            {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!server.isRegistered(pageOwner))
                {
                    if (System.nanoTime() > deadline)
                    {
                        throw new IllegalStateException("the agent's MBean did not appear in 60 s");
                    }
                    Thread.sleep(20);
                }
            }
            put("jdk", Runtime.version().toString());
            snapshot(server, "start");

            final long[] addresses = new long[LIVE];
            for (int i = 0; i < LIVE; i++)
            {
                addresses[i] = allocate(i % STACKS, LEVELS);
            }
            snapshot(server, "live");

            if (agent)
            {
                for (final String attribute :
                    List.of("LiveAllocations", "DistinctStacks", "Untracked", "Options", "StackCapture"))
                {
                    put("mbean." + attribute, String.valueOf(server.getAttribute(pageOwner, attribute)));
                }
                final Path dump = out.resolve("footprint-dump.txt");
                final Path stacks = out.resolve("footprint-stacks.txt");
                for (int i = 0; i < DUMPS; i++)
                {
                    long start = System.nanoTime();
                    server.invoke(
                        pageOwner, "dump", new Object[]{ dump.toString() }, new String[]{ String.class.getName() });
                    put("dump.ns." + i, String.valueOf(System.nanoTime() - start));
                    put("dump.bytes", String.valueOf(Files.size(dump)));
                    Files.delete(dump);

                    start = System.nanoTime();
                    server.invoke(pageOwner, "dumpStacks", new Object[]{ stacks.toString(), 0L },
                        new String[]{ String.class.getName(), long.class.getName() });
                    put("stacks.ns." + i, String.valueOf(System.nanoTime() - start));
                    put("stacks.bytes", String.valueOf(Files.size(stacks)));
                    Files.delete(stacks);
                }
            }
            for (final long address : addresses)
            {
                UNSAFE.freeMemory(address);
            }
        }

        /**
         * One allocation, from the stack named by {@code code}: at each level, digit {@code code % 10}
         * picks one of ten call sites (distinct bytecode indexes, so distinct frames).
         */
        private static long allocate(final int code, final int levels)
        {
            if (0 == levels)
            {
                return UNSAFE.allocateMemory(BYTES);
            }
            final int next = code / 10;
            final int l = levels - 1;
            switch (code % 10)
            {
                case 0:
                    return allocate(next, l);
                case 1:
                    return allocate(next, l);
                case 2:
                    return allocate(next, l);
                case 3:
                    return allocate(next, l);
                case 4:
                    return allocate(next, l);
                case 5:
                    return allocate(next, l);
                case 6:
                    return allocate(next, l);
                case 7:
                    return allocate(next, l);
                case 8:
                    return allocate(next, l);
                default:
                    return allocate(next, l);
            }
        }

        private static void snapshot(final MBeanServer server, final String when) throws Exception
        {
            for (int i = 0; i < 3; i++)
            {
                System.gc();
            }
            put(when + ".heap", String.valueOf(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()));
            final String nmt = (String)server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "vmNativeMemory", new Object[]{ new String[]{ "summary", "scale=KB" } },
                new String[]{ String[].class.getName() });
            final Matcher other = OTHER.matcher(nmt);
            final Matcher total = TOTAL.matcher(nmt);
            final Matcher heap = HEAP.matcher(nmt);
            if (!other.find() || !total.find() || !heap.find())
            {
                throw new IllegalStateException("cannot read NMT summary:\n" + nmt);
            }
            put(when + ".other.kb", other.group(2));
            put(when + ".other.count", other.group(4));
            put(when + ".nonheap.kb", String.valueOf(Long.parseLong(total.group(2)) - Long.parseLong(heap.group(2))));
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    put(when + ".rss.kb", line.replaceAll("\\D", ""));
                }
            }
        }

        private static void put(final String key, final String value)
        {
            System.out.println(PREFIX + key + "=" + value);
        }
    }
}
