package io.pageowner.bench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.pageowner.bench.Mode.ASPROF;
import static io.pageowner.bench.Mode.BASELINE;
import static io.pageowner.bench.Mode.FULL;
import static io.pageowner.bench.Mode.OFF;

/**
 * Where a run stands against the issues' targets. The targets are data, {@link #TARGETS}: each names the issue
 * it comes from, what it reads (a {@link Metric}), its bound, and the sentence that states it; one generic
 * method, {@link #judge}, gives every verdict. A new issue's targets are new lines in that list.
 */
final class Targets
{
    private static final String UNDECIDED = "**undecided** (the bound is within the error)";

    /**
     * What the metrics read.
     *
     * @param ns     ns per operation by benchmark short name, then by mode name ({@link Rows#nsByBenchmark}).
     * @param modes  the names of the modes chosen, in order.
     * @param memory the footprint run, or null if it was left out.
     */
    record Figures(Map<String, Map<String, Value>> ns, List<String> modes, Footprint.Report memory)
    {
        Value ns(final String row, final String mode)
        {
            return ns.getOrDefault(row, Map.of()).getOrDefault(mode, Value.NONE);
        }
    }

    /**
     * One figure a metric read, to be judged.
     *
     * @param row    the row it comes from, for {@code {row}}.
     * @param mode   the mode it is of, for {@code {mode}}.
     * @param value  the figure judged, for {@code {value}}.
     * @param extras further figures the sentence names, {@code {name}} for each, already formatted.
     */
    record Figure(String row, String mode, Value value, Map<String, String> extras)
    {
    }

    /** What a target reads from a run: none, one or several figures, each judged and stated on its own. */
    @FunctionalInterface
    interface Metric
    {
        /**
         * Reads the figures.
         *
         * @param in the run's figures.
         * @return what to judge; empty if the run did not measure it.
         */
        List<Figure> read(Figures in);
    }

    /**
     * A bound.
     *
     * @param limit  the bound.
     * @param atMost true if a figure must be at most the bound, false if at least.
     */
    record Bound(double limit, boolean atMost)
    {
        static Bound atMost(final double limit)
        {
            return new Bound(limit, true);
        }

        static Bound atLeast(final double limit)
        {
            return new Bound(limit, false);
        }

        /** The bound as written in a sentence, e.g. {@code 750} or {@code 0.95}. */
        String limitText()
        {
            return BigDecimal.valueOf(limit).stripTrailingZeros().toPlainString();
        }

        /** For {@code {target}}: e.g. {@code target <= 750}. */
        String text()
        {
            return "target " + (atMost ? "<= " : ">= ") + limitText();
        }
    }

    /**
     * A target of an issue.
     *
     * @param issue    the issue it comes from.
     * @param number   its number there, printed before its first line; empty for a figure that belongs to the
     *                 target above, printed indented.
     * @param metric   what it reads.
     * @param format   of {@code {value}}, e.g. {@code %.0f}.
     * @param bound    the bound.
     * @param sameLine true to go on the line above after "; ", false for lines of its own.
     * @param sentence states one figure: {@code {value}}, {@code {row}}, {@code {mode}}, {@code {target}} (e.g.
     *                 {@code target <= 750}), {@code {bound}} (e.g. {@code 750}), {@code {verdict}} and the
     *                 metric's extras are filled in; a name with no figure reads {@code n/a}.
     * @param absent   said in place of the figures when the run did not measure them; null to say nothing.
     */
    record Target(
        String issue,
        String number,
        Metric metric,
        String format,
        Bound bound,
        boolean sameLine,
        String sentence,
        String absent)
    {
    }

    /** Every target, in the order printed. */
    static final List<Target> TARGETS = List.of(
        new Target("7", "1", added(shallowest("UnsafeAllocFreeBenchmark"), FULL), "%.0f", Bound.atMost(750), false,
            "full mode adds {value} ns per alloc/free pair on {row} ({target}): {verdict}",
            "full mode: UnsafeAllocFreeBenchmark not run"),
        new Target("7", "1", addedRatio(shallowest("UnsafeAllocFreeBenchmark"), ASPROF, FULL), "%.2f",
            Bound.atLeast(2), true,
            "async-profiler nativemem adds {added} ns, {value} times the agent's ({target}): {verdict}", null),
        new Target("7", "", wayOverBase("CaptureFloorBenchmark", "throwable", "pair"), "%.0f", Bound.atMost(750), false,
            "floor, no agent {params}: the VM's walk of the same stack (`new Throwable()`) adds {value} ns " +
            "(the walk alone within full mode's {bound}: {verdict}), a 16-frame class+bci StackWalker walk " +
            "{walker16} ns", null),
        new Target("7", "2", kept(
            row -> row.startsWith("DirectBufferBenchmark") || row.startsWith("MixedLoopBenchmark.twoThreads"),
            mode -> mode.startsWith("sample")), "%.3f", Bound.atLeast(0.95), false,
            "{mode} keeps {value} of the no-agent throughput on {row} ({target}): {verdict}",
            "sampled mode: no mode named 'sample...' in this run, or no DirectBufferBenchmark or " +
            "MixedLoopBenchmark.twoThreads row in it"),
        new Target("7", "3", footprint(Footprint.Report::perLive, m -> Map.of(
            "perStack", String.format(Locale.ROOT, "%.0f", m.heapGrowth() / Double.parseDouble(m.stacks())),
            "live", String.format(Locale.ROOT, "%,d", m.live()),
            "stacks", m.stacks())), "%.1f", Bound.atMost(48), false,
            "table + depots cost {value} B per live allocation plus {perStack} B per distinct stack ({live} live, " +
            "{stacks} stacks; {target} B plus the stacks): {verdict}",
            "memory: footprint run left out"),
        new Target("7", "4", footprint(m -> m.median("dump.ns."), m -> Map.of(
            "live", String.format(Locale.ROOT, "%,d", m.live()))), "%.0f", Bound.atMost(2000), false,
            "dump of {live} live allocations: median {value} ms ({target}): {verdict}",
            "dump speed: footprint run left out"),
        new Target("7", "4", footprint(m -> m.median("stacks.ns."), m -> Map.of()), "%.0f", Bound.atMost(100), true,
            "dumpStacks: median {value} ms ({target}): {verdict}", null),
        new Target("7", "5", kept(row -> true, OFF::equals), "%.3f", Bound.atLeast(0.99), false,
            "agent off keeps {value} of the no-agent throughput on {row} ({target}): {verdict}",
            "agent off: not run"),
        new Target("7", "6", speedup("MixedLoopBenchmark.oneThread", "MixedLoopBenchmark.twoThreads", FULL), "%.2f",
            Bound.atLeast(1.6), false,
            "2 threads under full mode give {value} times the 1-thread throughput (no agent: {baseline}; " +
            "{target}): {verdict}",
            "scaling: MixedLoopBenchmark not run in full mode"),
        new Target("16", "1", kept(row -> row.startsWith("NettyPoolBenchmark"), mode -> mode.startsWith("sample")),
            "%.3f", Bound.atLeast(0.95), false,
            "{mode} keeps {value} of the no-agent throughput on {row} ({target}): {verdict}",
            "Netty pools: NettyPoolBenchmark not run in a mode named 'sample...'"));

    private Targets()
    {
    }

    /**
     * Met, not met, or undecided when the bound lies within the figure's error.
     *
     * @param value the figure.
     * @param bound the bound.
     * @return the verdict in bold, or {@code n/a} without a figure.
     */
    static String judge(final Value value, final Bound bound)
    {
        if (value.missing())
        {
            return "n/a";
        }
        if (!Double.isNaN(value.err()) && Math.abs(value.v() - bound.limit()) < value.err())
        {
            return UNDECIDED;
        }
        return (bound.atMost() ? value.v() <= bound.limit() : value.v() >= bound.limit()) ? "**met**" : "**not met**";
    }

    /**
     * Prints where the run stands, one block per issue.
     *
     * @param sb         to print to.
     * @param in         the run's figures.
     * @param sayAbsent  false to leave out, without a word, the targets the run did not measure.
     */
    static void print(final StringBuilder sb, final Figures in, final boolean sayAbsent)
    {
        String issue = null;
        boolean open = false;
        for (final Target target : TARGETS)
        {
            final List<Figure> figures = target.metric().read(in);
            if (figures.isEmpty() && (!sayAbsent || null == target.absent()))
            {
                continue;
            }
            if (!target.issue().equals(issue))
            {
                if (null != issue)
                {
                    sb.append(open ? "\n\n" : "\n");
                    open = false;
                }
                issue = target.issue();
                sb.append("Where we stand against issue ").append(issue).append(" (computed from the figures above; ")
                    .append("\"undecided\" when the bound lies within the error):\n\n");
            }
            if (figures.isEmpty())
            {
                sb.append(open ? "\n" : "").append(target.number()).append(". ").append(target.absent());
                open = true;
                continue;
            }
            for (int i = 0; i < figures.size(); i++)
            {
                if (open && target.sameLine() && 0 == i)
                {
                    sb.append("; ");
                }
                else
                {
                    sb.append(open ? "\n" : "").append(0 == i && !target.number().isEmpty() ?
                        target.number() + ". " : "   ");
                }
                sb.append(sentence(target, figures.get(i)));
                open = true;
            }
        }
        if (null != issue)
        {
            sb.append(open ? "\n\n" : "\n");
        }
    }

    private static String sentence(final Target target, final Figure figure)
    {
        final Map<String, String> fill = new LinkedHashMap<>(figure.extras());
        fill.put("value", figure.value().show(target.format()));
        fill.put("row", figure.row());
        fill.put("mode", figure.mode());
        fill.put("target", target.bound().text());
        fill.put("bound", target.bound().limitText());
        fill.put("verdict", judge(figure.value(), target.bound()));
        final Matcher m = Pattern.compile("\\{(\\w+)}").matcher(target.sentence());
        final StringBuilder sb = new StringBuilder();
        while (m.find())
        {
            // NOTE: an extra the run did not measure (a benchmark method left out by the include regex) reads n/a.
            m.appendReplacement(sb, Matcher.quoteReplacement(fill.getOrDefault(m.group(1), "n/a")));
        }
        return m.appendTail(sb).toString();
    }

    /**
     * The row of a benchmark with the fewest frames below it: the least {@code depth} parameter.
     *
     * @param benchmark the benchmark's class name.
     * @return picks the row's name from the run's, or null without one.
     */
    static Function<Figures, String> shallowest(final String benchmark)
    {
        final Pattern depth = Pattern.compile("^" + Pattern.quote(benchmark) + "\\..*depth=(\\d+)");
        return in ->
        {
            String best = null;
            int bestDepth = Integer.MAX_VALUE;
            for (final String name : in.ns().keySet())
            {
                final Matcher m = depth.matcher(name);
                if (m.find() && Integer.parseInt(m.group(1)) < bestDepth)
                {
                    bestDepth = Integer.parseInt(m.group(1));
                    best = name;
                }
            }
            return best;
        };
    }

    /**
     * The ns per operation a mode adds to the no-agent figure of one row.
     *
     * @param row  picks the row.
     * @param mode the mode.
     * @return the metric; it reads nothing without the row.
     */
    static Metric added(final Function<Figures, String> row, final String mode)
    {
        return in ->
        {
            final String name = row.apply(in);
            return null == name ? List.of() :
                List.of(new Figure(name, mode, in.ns(name, mode).minus(in.ns(name, BASELINE)), Map.of()));
        };
    }

    /**
     * How many times what one mode adds to a row is what another adds: {@code {added}} is the first.
     *
     * @param row  picks the row.
     * @param mode the mode whose cost is measured.
     * @param over the mode it is measured against.
     * @return the metric; it reads nothing unless both modes ran on the row.
     */
    static Metric addedRatio(final Function<Figures, String> row, final String mode, final String over)
    {
        return in ->
        {
            final String name = row.apply(in);
            if (null == name)
            {
                return List.of();
            }
            final Value added = in.ns(name, mode).minus(in.ns(name, BASELINE));
            final Value base = in.ns(name, over).minus(in.ns(name, BASELINE));
            return added.missing() || base.missing() ? List.of() :
                List.of(new Figure(name, mode, added.over(base), Map.of("added", added.show("%.0f"))));
        };
    }

    /**
     * What one benchmark method adds to another of the same class, without the agent. {@code {params}} is the
     * parameters; each other method of the class is an extra, named by the method, of what it adds in turn.
     *
     * @param benchmark the class name.
     * @param way       the method measured.
     * @param base      the method it is measured against.
     * @return the metric; it reads nothing without the method measured.
     */
    static Metric wayOverBase(final String benchmark, final String way, final String base)
    {
        final Pattern method = Pattern.compile("^" + Pattern.quote(benchmark) + "\\.(\\w+)(.*)$");
        return in ->
        {
            final Map<String, Value> byWay = new LinkedHashMap<>();
            String params = null;
            for (final Map.Entry<String, Map<String, Value>> e : in.ns().entrySet())
            {
                final Matcher m = method.matcher(e.getKey());
                if (m.find() && e.getValue().containsKey(BASELINE))
                {
                    byWay.put(m.group(1), e.getValue().get(BASELINE));
                    params = m.group(2).trim();
                }
            }
            final Value baseNs = byWay.getOrDefault(base, Value.NONE);
            final Value value = byWay.getOrDefault(way, Value.NONE).minus(baseNs);
            if (value.missing())
            {
                return List.of();
            }
            final Map<String, String> extras = new LinkedHashMap<>();
            extras.put("params", params);
            for (final Map.Entry<String, Value> e : byWay.entrySet())
            {
                extras.put(e.getKey(), e.getValue().minus(baseNs).show("%.0f"));
            }
            return List.of(new Figure(benchmark, BASELINE, value, extras));
        };
    }

    /**
     * The share of the no-agent throughput a mode keeps (no agent's time over the mode's), for each mode and row
     * chosen that has both.
     *
     * @param rows  chooses rows by name.
     * @param modes chooses modes by name.
     * @return the metric, one figure per mode, then per row.
     */
    static Metric kept(final Predicate<String> rows, final Predicate<String> modes)
    {
        return in ->
        {
            final List<Figure> figures = new ArrayList<>();
            for (final String mode : in.modes())
            {
                if (!modes.test(mode))
                {
                    continue;
                }
                for (final String row : in.ns().keySet())
                {
                    final Value kept = in.ns(row, BASELINE).over(in.ns(row, mode));
                    if (rows.test(row) && !kept.missing())
                    {
                        figures.add(new Figure(row, mode, kept, Map.of()));
                    }
                }
            }
            return figures;
        };
    }

    /**
     * How many times one row's throughput is another's in a mode (the first's time over the second's), with
     * {@code {baseline}} the same without the agent.
     *
     * @param slow prefix of the first row's name.
     * @param fast prefix of the second row's name.
     * @param mode the mode.
     * @return the metric; it reads nothing unless both rows ran in the mode.
     */
    static Metric speedup(final String slow, final String fast, final String mode)
    {
        return in ->
        {
            final String one = in.ns().keySet().stream().filter(n -> n.startsWith(slow)).findFirst().orElse(null);
            final String two = in.ns().keySet().stream().filter(n -> n.startsWith(fast)).findFirst().orElse(null);
            if (null == one || null == two || !in.ns().get(one).containsKey(mode) ||
                !in.ns().get(two).containsKey(mode))
            {
                return List.of();
            }
            final Value baseline = in.ns(one, BASELINE).over(in.ns(two, BASELINE));
            return List.of(new Figure(two, mode, in.ns(one, mode).over(in.ns(two, mode)),
                Map.of("baseline", baseline.show("%.2f"))));
        };
    }

    /**
     * A figure of the footprint run, which has no error.
     *
     * @param value  reads the figure.
     * @param extras reads the further figures the sentence names.
     * @return the metric; it reads nothing if the footprint run was left out.
     */
    static Metric footprint(
        final ToDoubleFunction<Footprint.Report> value, final Function<Footprint.Report, Map<String, String>> extras)
    {
        return in -> null == in.memory() ? List.of() : List.of(
            new Figure("Footprint", FULL, Value.exact(value.applyAsDouble(in.memory())), extras.apply(in.memory())));
    }
}
