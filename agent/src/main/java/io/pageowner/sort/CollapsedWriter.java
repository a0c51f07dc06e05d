package io.pageowner.sort;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brendan Gregg's folded stacks, one line per distinct stack: {@code root;...;leaf weight}, root first, so the
 * output feeds {@code flamegraph.pl}, speedscope or async-profiler's converters. The weight is the sum of bytes
 * unless {@code --weight} says pages or times. Fields culled on besides the stack (pid, tgid, name, module, kind,
 * allocator) become root frames such as {@code [tgid 48213]}, so a flame graph can split by them. A {@code ;} in a
 * frame is written as {@code :}, since {@code ;} separates frames. Lines are in byte order of their stacks.
 */
final class CollapsedWriter implements GroupWriter
{
    private final SortOptions options;

    /**
     * A writer for a run's options.
     *
     * @param options of the run.
     */
    CollapsedWriter(final SortOptions options)
    {
        this.options = options;
    }

    /**
     * {@inheritDoc}
     */
    public void write(final Group[] groups, final RunSummary summary, final OutputStream out) throws IOException
    {
        final Map<String, long[]> weights = new TreeMap<>();
        for (final Group group : groups)
        {
            final long weight;
            switch (options.weight())
            {
                case PAGES:
                    weight = group.pages;
                    break;
                case TIMES:
                    weight = group.times;
                    break;
                default:
                    weight = group.bytes;
                    break;
            }
            weights.computeIfAbsent(path(group), k -> new long[1])[0] += weight;
        }

        final StringBuilder line = new StringBuilder();
        for (final Map.Entry<String, long[]> entry : weights.entrySet())
        {
            line.setLength(0);
            line.append(entry.getKey()).append(' ').append(entry.getValue()[0]).append('\n');
            out.write(line.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private String path(final Group group)
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

    private static void root(final StringBuilder path, final String frame)
    {
        if (path.length() > 0)
        {
            path.append(';');
        }
        path.append(frame.replace(';', ':'));
    }
}
