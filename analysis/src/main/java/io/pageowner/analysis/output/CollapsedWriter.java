package io.pageowner.analysis.output;

import io.pageowner.analysis.group.Group;
import io.pageowner.analysis.group.Sampling;
import io.pageowner.analysis.group.SortKey;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brendan Gregg's folded stacks, one line per distinct stack: {@code root;...;leaf weight}, root first, so the
 * output feeds {@code flamegraph.pl}, speedscope or async-profiler's converters. The weight is the sum of bytes
 * unless {@code --weight} says pages or times. Fields culled on besides the stack (pid, tgid, name, module, kind,
 * allocator) become root frames such as {@code [tgid 48213]}, so a flame graph can split by them. A {@code ;} in a
 * frame is written as {@code :}, since {@code ;} separates frames. Lines are in byte order of their stacks.
 * <p>
 * For a sampled dump the weight of a line is the estimate, the sum of weight &times; bytes (pages, or the weights
 * themselves for times) over its samples, rounded once per line; with {@code --unweighted} it is the plain sum over
 * the samples. The output then starts with a {@code # sampled dump (...)} line saying which; it ends in no number,
 * so flame graph tools skip it as a line without a count.
 */
public final class CollapsedWriter implements GroupWriter
{
    private final OutputOptions options;

    /**
     * A writer for a run's options.
     *
     * @param options of the run.
     */
    public CollapsedWriter(final OutputOptions options)
    {
        this.options = options;
    }

    /**
     * {@inheritDoc}
     */
    public void write(final Group[] groups, final RunSummary summary, final OutputStream out) throws IOException
    {
        final Sampling sampling = summary.sampling();
        final boolean estimated = sampling.estimated();
        final Map<String, Sum> weights = new TreeMap<>();
        for (final Group group : groups)
        {
            final Sum sum = weights.computeIfAbsent(path(group), k -> new Sum());
            switch (options.weight())
            {
                case PAGES:
                    sum.exact += group.pages;
                    sum.estimate += group.estimatedPages();
                    break;
                case TIMES:
                    sum.exact += group.times;
                    sum.estimate += group.estimatedTimes();
                    break;
                default:
                    sum.exact += group.bytes;
                    sum.estimate += group.estimatedBytes();
                    break;
            }
        }

        if (sampling.sampled())
        {
            final String what = "the counts (" + options.weight().name().toLowerCase(Locale.ROOT) + ", rounded)";
            out.write((sampling.statement(what) + "\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        final StringBuilder line = new StringBuilder();
        for (final Map.Entry<String, Sum> entry : weights.entrySet())
        {
            final Sum sum = entry.getValue();
            line.setLength(0);
            line.append(entry.getKey()).append(' ').append(estimated ? Sampling.round(sum.estimate) : sum.exact)
                .append('\n');
            out.write(line.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * The folded path of a group: its culled fields as root frames, then its stack from the root.
     *
     * @param group to fold.
     * @return {@code root;...;leaf}.
     */
    public String path(final Group group)
    {
        final StringBuilder path = new StringBuilder();
        if (options.culls(SortKey.PID))
        {
            root(path, "[pid " + group.header.pid + "]");
        }
        if (options.culls(SortKey.TGID))
        {
            root(path, "[tgid " + group.header.tgid + "]");
        }
        if (options.culls(SortKey.NAME))
        {
            root(path, "[" + group.header.comm + "]");
        }
        if (options.culls(SortKey.MODULE))
        {
            root(path, "[module " + group.module + "]");
        }
        if (options.culls(SortKey.KIND))
        {
            root(path, "[kind " + group.header.kind + "]");
        }
        if (options.culls(SortKey.ALLOCATOR))
        {
            root(path, "[" + TextWriter.allocatorText(group.representativeAllocator).trim() + "]");
        }

        final String[] frames = group.stack.frames();
        if (frames.length == 0)
        {
            root(path, "[no stack]");
        }
        for (int i = frames.length - 1; i >= 0; i--)
        {
            root(path, frames[i]);
        }
        return path.toString();
    }

    /**
     * The weight of one folded stack: the plain sum and the estimate.
     */
    private static final class Sum
    {
        long exact;
        double estimate;
    }

    private static void root(final StringBuilder path, final String frame)
    {
        if (path.length() > 0)
        {
            path.append(';');
        }
        path.append(frame.replace(';', ':'));
    }
}
