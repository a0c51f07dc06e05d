package io.pageowner.analysis.diff;

import io.pageowner.analysis.group.Group;
import io.pageowner.analysis.group.SortKey;
import io.pageowner.analysis.output.CollapsedWriter;
import io.pageowner.analysis.output.OutputOptions;
import io.pageowner.analysis.output.PprofProfile;
import io.pageowner.analysis.output.TextWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a diff. Text: a few {@code #} lines saying what was compared, then one block per changed group in the
 * order given, headed {@code +N times, +M pages, +B bytes} (every sign written, {@code ~} before each estimate of
 * sampled dumps, then the samples of each side), the culled fields as {@code sort} prints them, {@code , new} or
 * {@code , vanished}, and {@code :}, then the stack as in the dump and an empty line. Groups whose figures did not
 * change are counted in the first lines, not listed. Collapsed: the two-count folded form {@code stack old new} that
 * {@code flamegraph.pl} draws as a differential flame graph (as {@code difffolded.pl} writes it). Pprof: a profile of
 * the changes, new less old.
 */
public final class DiffWriter
{
    private final OutputOptions options;
    private final boolean estimated;

    /**
     * A writer for a run.
     *
     * @param options   of the run.
     * @param estimated whether the figures are the estimates of sampled dumps.
     */
    public DiffWriter(final OutputOptions options, final boolean estimated)
    {
        this.options = options;
        this.estimated = estimated;
    }

    /**
     * Write the text form.
     *
     * @param growths  sorted.
     * @param preamble {@code #} lines to write first, each without its line end.
     * @param out      to write to.
     * @throws IOException if writing fails.
     */
    public void writeText(final Growth[] growths, final List<String> preamble, final OutputStream out)
        throws IOException
    {
        for (final String line : preamble)
        {
            ascii(out, line + "\n");
        }
        if (!preamble.isEmpty())
        {
            ascii(out, "\n");
        }
        final StringBuilder header = new StringBuilder(128);
        for (final Growth growth : growths)
        {
            if (growth.unchanged())
            {
                continue;
            }
            header.setLength(0);
            header(growth, header);
            ascii(out, header.toString());
            if (options.culls(SortKey.STACKTRACE))
            {
                out.write(growth.representative().stack.bytes);
            }
            out.write('\n');
        }
    }

    /**
     * The header line of each group as the text form writes it, without its line end or {@code :}.
     *
     * @param growths in any order.
     * @return one line per group, in the same order.
     */
    public String[] headers(final Growth[] growths)
    {
        final String[] headers = new String[growths.length];
        final StringBuilder sb = new StringBuilder(128);
        for (int i = 0; i < growths.length; i++)
        {
            sb.setLength(0);
            header(growths[i], sb);
            int end = sb.length() - 1;
            if (end > 0 && sb.charAt(end - 1) == ':')
            {
                end--;
            }
            headers[i] = sb.substring(0, end);
        }
        return headers;
    }

    /**
     * The header line of one group, with its line end, or with {@code :} and the line end if the stack follows.
     *
     * @param growth of the group.
     * @param sb     to append to.
     */
    void header(final Growth growth, final StringBuilder sb)
    {
        final String mark = estimated ? "~" : "";
        sb.append(mark).append(signed(growth.times())).append(" times, ")
            .append(mark).append(signed(growth.pages())).append(" pages, ")
            .append(mark).append(signed(growth.bytes())).append(" bytes");
        if (estimated)
        {
            sb.append(" (samples ").append(growth.oldSamples()).append(" -> ").append(growth.newSamples()).append(')');
        }
        final Group group = growth.representative();
        if (options.culls(SortKey.PID))
        {
            sb.append(", PID ").append(group.header.pid);
        }
        if (options.culls(SortKey.TGID))
        {
            sb.append(", TGID ").append(group.header.tgid);
        }
        if (options.culls(SortKey.NAME))
        {
            sb.append(", task_comm_name: ").append(group.header.comm);
        }
        if (options.culls(SortKey.MODULE))
        {
            sb.append(", module: ").append(group.module);
        }
        if (options.shows(SortKey.KIND))
        {
            sb.append(", kind: ").append(group.header.kind);
        }
        if (options.culls(SortKey.FRAME))
        {
            sb.append(", frame: ").append(group.stack.topFrame());
        }
        if (options.culls(SortKey.ALLOCATOR))
        {
            sb.append(", ").append(TextWriter.allocatorText(group.representativeAllocator).trim());
        }
        if (growth.isNew())
        {
            sb.append(", new");
        }
        else if (growth.vanished())
        {
            sb.append(", vanished");
        }
        sb.append(options.culls(SortKey.STACKTRACE) ? ":\n" : "\n");
    }

    /**
     * A number with its sign always written: {@code +0}, {@code +5}, {@code -5}.
     *
     * @param value to write.
     * @return the text.
     */
    public static String signed(final long value)
    {
        return value < 0 ? Long.toString(value) : "+" + value;
    }

    /**
     * Write the two-count folded form: {@code root;...;leaf old new}, in byte order of the paths, weighted by
     * {@code --weight} (bytes by default), estimates rounded per line. Paths of both dumps are listed, a new one with
     * old count 0 and a vanished one with new count 0.
     *
     * @param growths  in any order.
     * @param preamble {@code #} lines; the first is written first, ending in no number, so flame graph tools skip it.
     * @param out      to write to.
     * @throws IOException if writing fails.
     */
    public void writeCollapsed(final Growth[] growths, final List<String> preamble, final OutputStream out)
        throws IOException
    {
        final CollapsedWriter folder = new CollapsedWriter(options);
        final int which;
        switch (options.weight())
        {
            case TIMES:
                which = 0;
                break;
            case PAGES:
                which = 1;
                break;
            default:
                which = 2;
                break;
        }
        final Map<String, double[]> lines = new TreeMap<>();
        for (final Growth growth : growths)
        {
            final double[] sums = lines.computeIfAbsent(folder.path(growth.representative()), k -> new double[2]);
            sums[0] += growth.oldFigure(which);
            sums[1] += growth.newFigure(which);
        }
        if (!preamble.isEmpty())
        {
            ascii(out, preamble.get(0) + " (two-count folded stacks, " +
                options.weight().name().toLowerCase(Locale.ROOT) + (estimated ? " estimated" : "") + ": old new)\n");
        }
        final StringBuilder line = new StringBuilder();
        for (final Map.Entry<String, double[]> entry : lines.entrySet())
        {
            line.setLength(0);
            line.append(entry.getKey()).append(' ').append((long)entry.getValue()[0]).append(' ')
                .append((long)entry.getValue()[1]).append('\n');
            ascii(out, line.toString());
        }
    }

    /**
     * Write the difference as a gzipped pprof profile: one sample per changed group, its values the change of times
     * ({@code inuse_objects}) and of bytes ({@code inuse_space}), new less old, negative where the group shrank or
     * vanished, so {@code go tool pprof} shows the growth as {@code -diff_base old new} would on two profiles of
     * {@code sort --format pprof}. Comments say what was compared.
     *
     * @param growths   in any order.
     * @param preamble  {@code #} lines saying what was compared; they become comments.
     * @param newName   of the new dump, which names the profile's mapping.
     * @param timeNanos when the new dump was taken, ns since the epoch, or 0.
     * @param out       to write to; not closed.
     * @throws IOException if writing fails.
     */
    public void writePprof(final Growth[] growths, final List<String> preamble, final String newName,
        final long timeNanos, final OutputStream out) throws IOException
    {
        final PprofProfile profile = new PprofProfile(out, options);
        for (final Growth growth : growths)
        {
            if (!growth.unchanged())
            {
                profile.sample(growth.representative(), growth.times(), growth.bytes());
            }
        }
        final List<String> comments = new ArrayList<>();
        for (final String line : preamble)
        {
            comments.add(line.startsWith("# ") ? line.substring(2) : line);
        }
        comments.add("values are new less old per group (" + PprofProfile.COUNT_TYPE + ": times, " +
            PprofProfile.BYTES_TYPE + ": bytes" + (estimated ? ", estimates of sampled dumps" : "") + ")");
        profile.finish(newName, comments, timeNanos, 0);
    }

    private static void ascii(final OutputStream out, final String text) throws IOException
    {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
