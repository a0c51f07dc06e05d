package io.pageowner.analysis.output;

import io.pageowner.analysis.group.BlockComparators;
import io.pageowner.analysis.group.Group;
import io.pageowner.analysis.group.Sampling;
import io.pageowner.analysis.group.SortKey;
import io.pageowner.analysis.parse.RecordFields;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The kernel's {@code page_owner_sort} output, byte for byte:
 * <pre>
 *   N times, M pages, allocated by OTHERS :        (no --cull: the group's text follows, then an empty line)
 *   N times, M pages[, PID p][, TGID t][, task_comm_name: c][, module: m][, allocated by ...][:\n stack]\n
 * </pre>
 * Our additions only appear when asked for: {@code , B bytes} after the pages with {@code -b}, {@code --show-bytes}
 * or a {@code bytes} sort key; {@code , kind: k} and {@code , frame: f} before the allocator when culled on
 * (or, for kind, filtered by).
 * <p>
 * A sampled dump's output starts with a {@code # sampled dump (...)} line (and, without {@code --cull}, an empty line
 * after it, so it is a block of its own) saying what the figures are. Its figures are estimates, each marked with a
 * {@code ~}, followed by the number of samples they rest on:
 * <pre>
 *   ~N times, ~M pages[, ~B bytes] (S samples), allocated by OTHERS :
 * </pre>
 * With {@code --unweighted} they are the kernel's plain {@code N times, M pages} of the samples.
 */
public final class TextWriter implements GroupWriter
{
    private final OutputOptions options;

    /**
     * A writer for a run's options.
     *
     * @param options of the run.
     */
    public TextWriter(final OutputOptions options)
    {
        this.options = options;
    }

    /**
     * {@inheritDoc}
     */
    public void write(final Group[] groups, final RunSummary summary, final OutputStream out) throws IOException
    {
        final boolean showBytes = options.showBytes();
        final int cull = options.cull();
        final Sampling sampling = summary.sampling();
        final boolean estimated = sampling.estimated();
        final String mark = estimated ? "~" : "";
        if (sampling.sampled())
        {
            ascii(out, sampling.statement("figures marked ~"));
            ascii(out, cull == 0 ? "\n\n" : "\n");
        }
        for (final Group group : groups)
        {
            ascii(out, mark);
            ascii(out, Long.toString(sampling.times(group)));
            ascii(out, " times, ");
            ascii(out, mark);
            ascii(out, Long.toString(sampling.pages(group)));
            ascii(out, " pages");
            if (showBytes)
            {
                ascii(out, ", ");
                ascii(out, mark);
                ascii(out, Long.toString(sampling.bytes(group)));
                ascii(out, " bytes");
            }
            if (estimated)
            {
                ascii(out, " ");
                ascii(out, Sampling.samplesText(group.times));
            }
            if (cull == 0)
            {
                ascii(out, ", ");
                allocator(out, group.representativeAllocator);
                ascii(out, ":\n");
                BlockComparators.writeText(group, out);
                out.write('\n');
                continue;
            }

            if (options.shows(SortKey.PID))
            {
                ascii(out, ", PID ");
                ascii(out, Integer.toString(group.header.pid));
            }
            if (options.shows(SortKey.TGID))
            {
                ascii(out, ", TGID ");
                ascii(out, Integer.toString(group.header.tgid));
            }
            if (options.shows(SortKey.NAME))
            {
                ascii(out, ", task_comm_name: ");
                latin1(out, group.header.comm);
            }
            if (options.shows(SortKey.MODULE))
            {
                ascii(out, ", module: ");
                latin1(out, group.module);
            }
            if (options.shows(SortKey.KIND))
            {
                ascii(out, ", kind: ");
                latin1(out, group.header.kind);
            }
            if (options.culls(SortKey.FRAME))
            {
                ascii(out, ", frame: ");
                latin1(out, group.stack.topFrame());
            }
            if (options.culls(SortKey.ALLOCATOR))
            {
                ascii(out, ", ");
                allocator(out, group.representativeAllocator);
            }
            if (options.culls(SortKey.STACKTRACE))
            {
                ascii(out, ":\n");
                out.write(group.stack.bytes);
            }
            out.write('\n');
        }
    }

    /**
     * The kernel's allocator text: {@code allocated by } and each set allocator with a space after it.
     *
     * @param bits allocator bits.
     * @return the text.
     */
    public static String allocatorText(final int bits)
    {
        final StringBuilder text = new StringBuilder("allocated by ");
        if ((bits & RecordFields.ALLOCATOR_CMA) != 0)
        {
            text.append("CMA ");
        }
        if ((bits & RecordFields.ALLOCATOR_SLAB) != 0)
        {
            text.append("SLAB ");
        }
        if ((bits & RecordFields.ALLOCATOR_VMALLOC) != 0)
        {
            text.append("VMALLOC ");
        }
        if ((bits & RecordFields.ALLOCATOR_OTHERS) != 0)
        {
            text.append("OTHERS ");
        }
        return text.toString();
    }

    private static void allocator(final OutputStream out, final int bits) throws IOException
    {
        ascii(out, allocatorText(bits));
    }

    private static void ascii(final OutputStream out, final String text) throws IOException
    {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void latin1(final OutputStream out, final String text) throws IOException
    {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
