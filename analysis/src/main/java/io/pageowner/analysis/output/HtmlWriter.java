package io.pageowner.analysis.output;

import io.pageowner.analysis.group.BlockComparators;
import io.pageowner.analysis.group.Group;
import io.pageowner.analysis.group.Sampling;
import io.pageowner.analysis.group.SortKey;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One self-contained HTML page: a summary of the run, an interactive flame graph of the groups' live bytes or records
 * (its data a {@link FlameData}, its script and style the resources {@code flame.js} and {@code flame.css}, inlined)
 * and, as a second tab, a table of the groups in sort order, with times, pages,
 * bytes, kind, allocator and the fields that define the group; a click on a column heading sorts by it, and each
 * row opens to show the group's whole text. No external resources, so the file can be mailed or attached as is.
 * <p>
 * Without {@code --cull} every group shows all header fields (they are part of its text); with {@code --cull}
 * only the culled ones, since the others differ between the records of a group.
 * <p>
 * For a sampled dump a paragraph under the summary says so; times, pages and bytes are then estimates, shown
 * rounded with a {@code ~} (the unrounded estimate in the cell's tooltip and sort value), and a samples column
 * gives the number of samples of each group. With {@code --unweighted} the first column counts samples.
 */
public final class HtmlWriter implements GroupWriter
{
    private static final String STYLE =
        "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}" +
        "h1{font-size:1.3em}" +
        ".meta{color:#555}" +
        "table{border-collapse:collapse;width:100%}" +
        "th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}" +
        "th{background:#f3f3f3;cursor:pointer;position:sticky;top:0;user-select:none;white-space:nowrap}" +
        "th.asc::after{content:' \\25B2'}th.desc::after{content:' \\25BC'}" +
        "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}" +
        "summary{cursor:pointer;font-family:ui-monospace,monospace}" +
        "pre{margin:4px 0 4px 1em;font:12px/1.35 ui-monospace,monospace;white-space:pre-wrap}" +
        "tr:hover{background:#fafafa}";

    private static final String SCRIPT =
        "(function(){var t=document.getElementById('groups');var hs=t.tHead.rows[0].cells;" +
        "for(var i=0;i<hs.length;i++){(function(c,h){h.addEventListener('click',function(){" +
        "var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),num=h.getAttribute('data-num')!==null;" +
        "var d=h.classList.contains('asc')?-1:1;" +
        "for(var k=0;k<hs.length;k++){hs[k].classList.remove('asc','desc');}" +
        "h.classList.add(d>0?'asc':'desc');" +
        "rows.sort(function(x,y){var a=x.cells[c].getAttribute('data-v'),e=y.cells[c].getAttribute('data-v');" +
        "if(a===null)a=x.cells[c].textContent;if(e===null)e=y.cells[c].textContent;" +
        "if(num){return d*(Number(a)-Number(e));}return d*(a<e?-1:a>e?1:0);});" +
        "rows.forEach(function(r){b.appendChild(r);});});})(i,hs[i]);}})();";

    /** Rows of the table tab at most: a page of 100 000 rows takes a browser a minute to load. */
    static final int TABLE_ROWS = 5000;

    private final OutputOptions options;

    /**
     * A writer for a run's options.
     *
     * @param options of the run.
     */
    public HtmlWriter(final OutputOptions options)
    {
        this.options = options;
    }

    /**
     * {@inheritDoc}
     */
    public void write(final Group[] groups, final RunSummary summary, final OutputStream out) throws IOException
    {
        final Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        final boolean all = options.cull() == 0;
        final List<String> columns = new ArrayList<>();
        if (all || options.culls(SortKey.KIND))
        {
            columns.add("kind");
        }
        if (all || options.culls(SortKey.ALLOCATOR))
        {
            columns.add("allocator");
        }
        if (all || options.culls(SortKey.PID))
        {
            columns.add("pid");
        }
        if (all || options.culls(SortKey.TGID))
        {
            columns.add("tgid");
        }
        if (all || options.culls(SortKey.NAME))
        {
            columns.add("name");
        }
        if (options.culls(SortKey.MODULE))
        {
            columns.add("module");
        }

        final Sampling sampling = summary.sampling();
        final boolean estimated = sampling.estimated();
        final String mark = estimated ? "~" : "";
        long times = 0;
        long pages = 0;
        long bytes = 0;
        double estimatedTimes = 0;
        double estimatedPages = 0;
        double estimatedBytes = 0;
        for (final Group group : groups)
        {
            times += group.times;
            pages += group.pages;
            bytes += group.bytes;
            estimatedTimes += group.estimatedTimes();
            estimatedPages += group.estimatedPages();
            estimatedBytes += group.estimatedBytes();
        }
        if (estimated)
        {
            pages = Sampling.round(estimatedPages);
            bytes = Sampling.round(estimatedBytes);
        }

        pageStart(w, "page-owner: " + summary.input(), "");
        w.write("<p class=\"meta\">");
        w.write(escape(summary.commandLine()));
        w.write("<br>\n");
        w.write(summary.accepted() + (sampling.sampled() ? " samples in " : " records in ") + groups.length +
            " groups, " + (estimated ? "~" + Sampling.round(estimatedTimes) + " allocations, " : "") +
            mark + pages + " pages, " + mark + escape(humanBytes(bytes)) + " (" + mark + bytes + " bytes)");
        if (summary.accepted() != summary.records())
        {
            w.write("; " + (summary.records() - summary.accepted()) + " records filtered out");
        }
        if (summary.damaged() > 0)
        {
            w.write("; " + summary.damaged() + " damaged records skipped");
        }
        w.write("</p>\n");
        if (sampling.sampled())
        {
            w.write("<p class=\"meta\">");
            w.write(escape(sampling.statement("figures marked ~").substring(2)));
            w.write("</p>\n");
        }

        writeFlame(w, groups, estimated);
        w.write("<div id=\"table-tab\" class=\"hidden\">\n");
        if (groups.length > TABLE_ROWS)
        {
            w.write("<p class=\"meta\">The first " + TABLE_ROWS + " of " + groups.length + " groups, in sort order " +
                "(the flame graph has them all; the text output lists every one).</p>\n");
        }
        w.write("<table id=\"groups\">\n<thead><tr><th data-num>#</th><th data-num>" +
            (sampling.sampled() && !estimated ? "samples" : mark + "times") + "</th><th data-num>" + mark +
            "pages</th><th data-num>" + mark + "bytes</th>" + (estimated ? "<th data-num>samples</th>" : ""));
        for (final String column : columns)
        {
            w.write(column.equals("pid") || column.equals("tgid") ? "<th data-num>" : "<th>");
            w.write(column);
            w.write("</th>");
        }
        w.write("<th>top frame (click to open the group's text)</th></tr></thead>\n<tbody>\n");

        int rank = 0;
        for (final Group group : groups)
        {
            if (rank == TABLE_ROWS)
            {
                break;
            }
            rank++;
            w.write("<tr><td class=\"n\">" + rank + "</td>");
            if (estimated)
            {
                final String from = " estimated from " + Sampling.samples(group.times);
                w.write("<td class=\"n\" data-v=\"" + group.estimatedTimes() + "\" title=\"" +
                    group.estimatedTimes() + from + "\">~" + sampling.times(group) + "</td>");
                w.write("<td class=\"n\" data-v=\"" + group.estimatedPages() + "\" title=\"" +
                    group.estimatedPages() + from + "\">~" + sampling.pages(group) + "</td>");
                w.write("<td class=\"n\" data-v=\"" + group.estimatedBytes() + "\" title=\"~" +
                    sampling.bytes(group) + " bytes," + from + "\">~" + escape(humanBytes(sampling.bytes(group))) +
                    "</td>");
                w.write("<td class=\"n\">" + group.times + "</td>");
            }
            else
            {
                w.write("<td class=\"n\">" + group.times + "</td>");
                w.write("<td class=\"n\">" + group.pages + "</td>");
                w.write("<td class=\"n\" data-v=\"" + group.bytes + "\" title=\"" + group.bytes + " bytes\">" +
                    escape(humanBytes(group.bytes)) + "</td>");
            }
            for (final String column : columns)
            {
                switch (column)
                {
                    case "kind":
                        cell(w, group.header.kind);
                        break;
                    case "allocator":
                        cell(w, TextWriter.allocatorText(group.representativeAllocator).substring(13).trim());
                        break;
                    case "pid":
                        w.write("<td class=\"n\">" + group.header.pid + "</td>");
                        break;
                    case "tgid":
                        w.write("<td class=\"n\">" + group.header.tgid + "</td>");
                        break;
                    case "name":
                        cell(w, group.header.comm);
                        break;
                    default:
                        cell(w, group.module);
                        break;
                }
            }
            w.write("<td><details><summary>");
            w.write(escape(decode(group.stack.topFrame())));
            w.write("</summary><pre>");
            if (all || options.culls(SortKey.STACKTRACE))
            {
                final String text = all ? BlockComparators.headerLine(group) + "\n" : "";
                w.write(escape(decode(text + new String(group.stack.bytes, StandardCharsets.ISO_8859_1))));
            }
            else
            {
                w.write(escape("(example record of the group)\n" + decode(BlockComparators.headerLine(group) + "\n" +
                    new String(group.stack.bytes, StandardCharsets.ISO_8859_1))));
            }
            w.write("</pre></details></td></tr>\n");
        }
        w.write("</tbody>\n</table>\n</div>\n");

        if (!summary.comments().isEmpty())
        {
            w.write("<h2>Dump trailer</h2>\n<pre>");
            for (final String comment : summary.comments())
            {
                w.write(escape(decode(comment)));
                w.write('\n');
            }
            w.write("</pre>\n");
        }
        w.write("<script>");
        w.write(SCRIPT);
        w.write("</script>\n");
        pageEnd(w);
    }

    /**
     * Starts a page: its head, with the style of the tables, the flame graph and any more, and its heading.
     *
     * @param w     to write to.
     * @param title of the page, also its heading; escaped here.
     * @param style more CSS.
     * @throws IOException if writing fails.
     */
    public static void pageStart(final Writer w, final String title, final String style) throws IOException
    {
        w.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
        w.write(escape(title));
        w.write("</title>\n<style>");
        w.write(STYLE);
        w.write(resource("flame.css"));
        w.write(style);
        w.write("</style>\n</head>\n<body>\n<h1>");
        w.write(escape(title));
        w.write("</h1>\n");
    }

    /**
     * Ends a page that has a flame graph: its script, then the end of the page, and flushes.
     *
     * @param w to write to.
     * @throws IOException if writing fails.
     */
    public static void pageEnd(final Writer w) throws IOException
    {
        w.write("<script>");
        w.write(resource("flame.js"));
        w.write("</script>\n</body>\n</html>\n");
        w.flush();
    }

    /**
     * The flame graph's tab: its controls, an empty canvas the page's script draws on, and the data.
     */
    private static void writeFlame(final Writer w, final Group[] groups, final boolean estimated) throws IOException
    {
        final FlameData data = new FlameData();
        for (final Group group : groups)
        {
            data.add(decode(group.header.kind), frames(group),
                estimated ? Math.round(group.estimatedBytes()) : group.bytes,
                estimated ? Math.round(group.estimatedTimes()) : group.times);
        }
        flameSection(w, data, "table");
    }

    /**
     * A group's frames, innermost first, decoded for display.
     *
     * @param group whose stack.
     * @return the frames.
     */
    public static String[] frames(final Group group)
    {
        final String[] frames = group.stack.frames().clone();
        for (int i = 0; i < frames.length; i++)
        {
            frames[i] = decode(frames[i]);
        }
        return frames;
    }

    /**
     * The flame graph's tab (its controls, an empty canvas the page's script draws on, and the data) and the
     * buttons of the two tabs; the caller writes the second, {@code <div id="table-tab" class="hidden">}.
     *
     * @param w           to write to.
     * @param data        of the flame graph.
     * @param secondLabel the second tab's button label.
     * @throws IOException if writing fails.
     */
    public static void flameSection(final Writer w, final FlameData data, final String secondLabel)
        throws IOException
    {
        w.write("<pre id=\"errors\" data-count=\"0\"></pre>\n");
        w.write("<div class=\"tabs\"><button id=\"b-flame-tab\" class=\"on\">flame graph</button>" +
            "<button id=\"b-table-tab\">" + escape(secondLabel) + "</button></div>\n");
        w.write("<div id=\"flame-tab\">\n<div class=\"bar\"><select id=\"metric\" title=\"what widths show\">" +
            "<option value=\"bytes\">live bytes</option><option value=\"count\">records</option></select>" +
            "<input id=\"q\" type=\"search\" placeholder=\"search frames (highlights, sums matches)\">" +
            "<span id=\"match\"></span><span id=\"kinds\"></span>" +
            "<button id=\"unzoom\" disabled>reset zoom</button><span id=\"zoomed\"></span></div>\n");
        w.write("<div id=\"flame-wrap\"><canvas id=\"flame\" height=\"0\"></canvas><div id=\"tip\"></div></div>\n");
        w.write("<p class=\"meta\">Click a frame to zoom into it, click the zoomed frame (or reset) to go back " +
            "out.</p>\n<pre id=\"selftest\" class=\"hidden\"></pre>\n</div>\n");
        w.write("<script type=\"application/json\" id=\"flame-data\">");
        data.writeJson(w);
        w.write("</script>\n");
    }

    private static String resource(final String name) throws IOException
    {
        try (java.io.InputStream in = HtmlWriter.class.getResourceAsStream(name))
        {
            if (null == in)
            {
                throw new IOException("missing resource " + name + " of the HTML page");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void cell(final Writer w, final String latin1) throws IOException
    {
        w.write("<td>");
        w.write(escape(decode(latin1)));
        w.write("</td>");
    }

    /**
     * Records are read one char per byte; thread names and paths are UTF-8, so decode them for display.
     *
     * @param latin1 text read one char per byte.
     * @return the text decoded as UTF-8.
     */
    public static String decode(final String latin1)
    {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    public static String humanBytes(final long bytes)
    {
        final String[] units = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    public static String escape(final String text)
    {
        final StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '&':
                    escaped.append("&amp;");
                    break;
                case '<':
                    escaped.append("&lt;");
                    break;
                case '>':
                    escaped.append("&gt;");
                    break;
                case '"':
                    escaped.append("&quot;");
                    break;
                case '\'':
                    escaped.append("&#39;");
                    break;
                default:
                    escaped.append(c);
                    break;
            }
        }
        return escaped.toString();
    }
}
