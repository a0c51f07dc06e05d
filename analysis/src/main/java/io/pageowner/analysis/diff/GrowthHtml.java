package io.pageowner.analysis.diff;

import io.pageowner.analysis.output.FlameData;
import io.pageowner.analysis.output.HtmlWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static io.pageowner.analysis.output.HtmlWriter.escape;

/**
 * The HTML pages of {@code diff} and {@code leaks}: one self-contained file each (no network, no external script).
 * A diff's page has a flame graph of the newer dump whose frames are coloured by growth (red grew, blue shrank,
 * grey did not change) and, as a second tab, a small line chart of the live bytes of each of its largest changes,
 * old and new; a {@code leaks} page has the flame graph of the last dump coloured by each suspect's growth, and
 * one chart per suspect over the whole series. The charts are inline SVG, drawn here, so they need no script.
 */
public final class GrowthHtml
{
    /** Charts of a diff's page at most: its largest changes, in its sort order. */
    static final int DIFF_CHARTS = 25;

    private static final String STYLE =
        "figure.chart{margin:12px 0;padding:8px 10px;border:1px solid #ddd;border-radius:4px}" +
        "figure.chart figcaption{font:12px/1.35 ui-monospace,monospace;margin-bottom:4px;white-space:pre-wrap}" +
        "svg.line{display:block}svg.line text{font:10px ui-monospace,monospace;fill:#555}" +
        "svg.line polyline{fill:none;stroke:#c0392b;stroke-width:2}svg.line circle{fill:#c0392b}" +
        "svg.line line{stroke:#ccc}";
    private static final int WIDTH = 420;
    private static final int HEIGHT = 96;
    private static final int LEFT = 72;
    private static final int RIGHT = 12;
    private static final int TOP = 8;
    private static final int BOTTOM = 18;

    private GrowthHtml()
    {
    }

    /**
     * Writes a diff's page.
     *
     * @param growths  every group of either dump, sorted as the text output lists them.
     * @param headers  the text output's header line of each, in the same order (without line end).
     * @param preamble the text output's {@code #} lines.
     * @param title    of the page.
     * @param out      to write to.
     * @throws IOException if writing fails.
     */
    public static void writeDiff(
        final Growth[] growths,
        final String[] headers,
        final List<String> preamble,
        final String title,
        final OutputStream out) throws IOException
    {
        final Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        HtmlWriter.pageStart(w, title, STYLE);
        meta(w, preamble, "Widths are live bytes in the newer dump; colours are growth since the older one: red " +
            "grew, blue shrank, grey unchanged. A vanished stack has no width: it is in the charts' tab.");
        final FlameData data = new FlameData();
        for (final Growth growth : growths)
        {
            data.add(HtmlWriter.decode(growth.representative().header.kind),
                HtmlWriter.frames(growth.representative()), growth.newFigure(2), growth.newFigure(0), growth.bytes());
        }
        HtmlWriter.flameSection(w, data, "largest changes");
        w.write("<div id=\"table-tab\" class=\"hidden\">\n");
        int charts = 0;
        int changed = 0;
        for (int i = 0; i < growths.length; i++)
        {
            final Growth growth = growths[i];
            if (growth.unchanged())
            {
                continue;
            }
            changed++;
            if (charts < DIFF_CHARTS)
            {
                charts++;
                figure(w, headers[i], growth.representative().stack.bytes,
                    new long[]{ growth.oldFigure(2), growth.newFigure(2) }, new String[]{ "old", "new" });
            }
        }
        if (changed > charts)
        {
            w.write("<p class=\"meta\">" + charts + " of " + changed + " changed groups; the text output lists " +
                "every one.</p>\n");
        }
        else if (0 == changed)
        {
            w.write("<p class=\"meta\">No group changed.</p>\n");
        }
        w.write("</div>\n");
        HtmlWriter.pageEnd(w);
    }

    /**
     * Writes a {@code leaks} page.
     *
     * @param suspects most likely first.
     * @param headers  the text output's header line of each, in the same order (without line end).
     * @param columns  a label per dump of the series, e.g. its time after the first.
     * @param preamble the text output's {@code #} lines.
     * @param title    of the page.
     * @param out      to write to.
     * @throws IOException if writing fails.
     */
    public static void writeLeaks(
        final List<Series.Row> suspects,
        final List<String> headers,
        final String[] columns,
        final List<String> preamble,
        final String title,
        final OutputStream out) throws IOException
    {
        final Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        HtmlWriter.pageStart(w, title, STYLE);
        meta(w, preamble, "Widths are the suspects' live bytes in the last dump; colours are their growth over " +
            "the series. Each chart shows a suspect's live bytes at each dump.");
        final FlameData data = new FlameData();
        for (final Series.Row row : suspects)
        {
            final long[] bytes = row.bytes();
            data.add(HtmlWriter.decode(row.kind()), row.frames(), bytes[bytes.length - 1], row.records(),
                row.growth());
        }
        HtmlWriter.flameSection(w, data, "suspects");
        w.write("<div id=\"table-tab\" class=\"hidden\">\n");
        if (suspects.isEmpty())
        {
            w.write("<p class=\"meta\">No suspect: no stack grew in most intervals.</p>\n");
        }
        for (int i = 0; i < suspects.size(); i++)
        {
            figure(w, headers.get(i), suspects.get(i).stack(), suspects.get(i).bytes(), columns);
        }
        w.write("</div>\n");
        HtmlWriter.pageEnd(w);
    }

    private static void meta(final Writer w, final List<String> preamble, final String legend) throws IOException
    {
        w.write("<p class=\"meta\">");
        for (final String line : preamble)
        {
            w.write(escape(HtmlWriter.decode(line.startsWith("# ") ? line.substring(2) : line)));
            w.write("<br>\n");
        }
        w.write(escape(legend));
        w.write("</p>\n");
    }

    private static void figure(
        final Writer w, final String header, final byte[] stack, final long[] values, final String[] labels)
        throws IOException
    {
        w.write("<figure class=\"chart\"><figcaption>");
        w.write(escape(HtmlWriter.decode(header)));
        w.write("</figcaption>\n");
        chart(w, values, labels);
        w.write("<details><summary>stack</summary><pre>");
        w.write(escape(HtmlWriter.decode(new String(stack, StandardCharsets.ISO_8859_1))));
        w.write("</pre></details></figure>\n");
    }

    /**
     * A line chart of live bytes as inline SVG: one point per value, the lowest and highest value on the left,
     * the first and last label under the line, and each point's exact value in its tooltip.
     *
     * @param w      to write to.
     * @param values bytes, one per point, at least one.
     * @param labels one per point.
     * @throws IOException if writing fails.
     */
    static void chart(final Writer w, final long[] values, final String[] labels) throws IOException
    {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (final long value : values)
        {
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        final double span = max > min ? max - min : 1;
        final double plotWidth = WIDTH - LEFT - RIGHT;
        final double plotHeight = HEIGHT - TOP - BOTTOM;
        final StringBuilder points = new StringBuilder();
        final StringBuilder dots = new StringBuilder();
        for (int i = 0; i < values.length; i++)
        {
            final double x = LEFT + (values.length == 1 ? plotWidth / 2 : plotWidth * i / (values.length - 1));
            final double y = TOP + plotHeight * (1 - (values[i] - min) / span);
            points.append(i == 0 ? "" : " ").append(fixed(x)).append(',').append(fixed(y));
            dots.append("<circle cx=\"").append(fixed(x)).append("\" cy=\"").append(fixed(y)).append("\" r=\"2.5\">")
                .append("<title>").append(escape(labels[i])).append(": ").append(values[i]).append(" bytes (")
                .append(escape(HtmlWriter.humanBytes(values[i]))).append(")</title></circle>");
        }
        w.write("<svg class=\"line\" width=\"" + WIDTH + "\" height=\"" + HEIGHT + "\" viewBox=\"0 0 " + WIDTH + " " +
            HEIGHT + "\" role=\"img\" data-points=\"" + values.length + "\">");
        w.write("<line x1=\"" + LEFT + "\" y1=\"" + TOP + "\" x2=\"" + LEFT + "\" y2=\"" + (HEIGHT - BOTTOM) +
            "\"></line><line x1=\"" + LEFT + "\" y1=\"" + (HEIGHT - BOTTOM) + "\" x2=\"" + (WIDTH - RIGHT) +
            "\" y2=\"" + (HEIGHT - BOTTOM) + "\"></line>");
        w.write("<text x=\"" + (LEFT - 4) + "\" y=\"" + (TOP + 8) + "\" text-anchor=\"end\">" +
            escape(HtmlWriter.humanBytes(max)) + "</text>");
        w.write("<text x=\"" + (LEFT - 4) + "\" y=\"" + (HEIGHT - BOTTOM) + "\" text-anchor=\"end\">" +
            escape(HtmlWriter.humanBytes(min)) + "</text>");
        w.write("<text x=\"" + LEFT + "\" y=\"" + (HEIGHT - 4) + "\">" + escape(labels[0]) + "</text>");
        if (values.length > 1)
        {
            w.write("<text x=\"" + (WIDTH - RIGHT) + "\" y=\"" + (HEIGHT - 4) + "\" text-anchor=\"end\">" +
                escape(labels[labels.length - 1]) + "</text>");
        }
        w.write("<polyline points=\"" + points + "\"></polyline>");
        w.write(dots.toString());
        w.write("</svg>\n");
    }

    private static String fixed(final double value)
    {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
