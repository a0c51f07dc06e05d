package io.pageowner.analysis;

import io.pageowner.analysis.diff.GrowthHtml;
import io.pageowner.analysis.diff.Series;
import io.pageowner.analysis.group.Aggregator;
import io.pageowner.analysis.group.Sampling;
import io.pageowner.analysis.group.SortKey;
import io.pageowner.analysis.output.OutputFile;
import io.pageowner.analysis.parse.DumpTime;
import io.pageowner.analysis.parse.SortException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar page-owner.jar leaks [options] DUMP...}: leak suspects over a series of dumps of one program,
 * oldest first: the stacks whose live bytes grew in most intervals. Allocations younger than {@code --min-age}
 * (default: the shortest interval between the dumps) are left out, so churn is never a suspect, and a stack that is
 * large but flat never grows, so it never is either.
 */
public final class PageOwnerLeaks
{
    private static final String PROGRAM = "page-owner leaks";

    static final String USAGE =
        "Usage: java -jar page-owner.jar leaks [OPTIONS] <dump> <dump>...\n" +
        "Leak suspects over a series of dumps of one program, oldest first (e.g. those interval=\n" +
        "writes): the stacks whose live bytes grew from one dump to the next in most intervals\n" +
        "(more than half) and in all from the first to the last, most likely first (the larger\n" +
        "share of growing intervals, then the larger growth). Each is a block: a header line\n" +
        "'+B bytes in T (+R bytes/min), grew in K of N intervals, C records, oldest A:', its stack,\n" +
        "an empty line. A stack that is large but flat, or rises and falls back, is never listed.\n" +
        "\n" +
        "--min-age <age>\t\tLeave out allocations younger than this at each dump (30s, 5m,\n" +
        "\t\t\t2h, 0 for none). Default: the shortest interval between the\n" +
        "\t\t\tdumps, from their '# time:' lines, so churn is not a suspect;\n" +
        "\t\t\tnone if a dump does not state its time (the output says so).\n" +
        "--max-age, --cull, --pid, --tgid, --name, --module, --kind, --unweighted, --strict, -d\n" +
        "\t\t\tAs sort's (--cull default: stacktrace).\n" +
        "--format <fmt>\t\ttext (default), or html: one page with a flame graph of the\n" +
        "\t\t\tsuspects coloured by growth and a chart of each suspect's live\n" +
        "\t\t\tbytes at each dump (leaks --format html d*.txt > leaks.html).\n" +
        "The suspects go to stdout.\n" +
        "\n" +
        "Sampled dumps: all dumps must be sampled or all full; figures are then estimates (~).\n" +
        "Exit status: 0 done (with or without suspects), 1 wrong command line (fewer than two\n" +
        "dumps), 2 a dump cannot be read or has no record, or full and sampled dumps are mixed.\n";

    private PageOwnerLeaks()
    {
    }

    /**
     * An age as {@code --min-age} takes it ({@code 30s}, {@code 5m}, {@code 2h}, {@code 250ms}), for the commands
     * on a running JVM that take a series of dumps themselves.
     *
     * @param value  as typed.
     * @param option its name, for the message.
     * @return the age in ns.
     * @throws IllegalArgumentException with a one-line reason if it is not an age.
     */
    public static long age(final String value, final String option)
    {
        try
        {
            return OptionValues.parseAge(value, option);
        }
        catch (final UsageException ex)
        {
            throw new IllegalArgumentException(ex.getMessage(), ex);
        }
    }

    /**
     * Command line entry point.
     *
     * @param args options and operands.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Run leaks.
     *
     * @param args options and operands, without the leading {@code leaks}.
     * @param out  standard output: the suspects or the usage.
     * @param err  standard error: errors and warnings.
     * @return the exit status: {@link ExitStatus#OK}, {@link ExitStatus#USAGE} or {@link ExitStatus#FAILURE}.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        final SortOptions options;
        try
        {
            options = SortOptions.parseAny(args);
            if (!options.help())
            {
                if (options.operands().size() < 2)
                {
                    throw new UsageException(options.operands().isEmpty() ? "no dumps given: leaks needs a series " +
                        "of at least two dumps, oldest first" : "only one dump given: leaks needs at least two, " +
                        "oldest first (to compare two, diff does it too)", true);
                }
                if (options.format() != SortOptions.Format.TEXT && options.format() != SortOptions.Format.HTML)
                {
                    throw new UsageException("leaks writes --format text or html", false);
                }
                options.defaultCull(SortKey.STACKTRACE.bit());
            }
        }
        catch (final UsageException ex)
        {
            if (null != ex.getMessage())
            {
                err.println(PROGRAM + ": " + ex.getMessage());
            }
            if (ex.showUsage())
            {
                err.print(USAGE);
            }
            err.flush();
            return ExitStatus.USAGE;
        }
        if (options.help())
        {
            out.print(USAGE);
            out.flush();
            return ExitStatus.OK;
        }
        try
        {
            leaks(options, out, err);
            return ExitStatus.OK;
        }
        catch (final SortException ex)
        {
            err.println(PROGRAM + ": error: " + ex.getMessage());
            if (options.debug() && null != ex.getCause())
            {
                ex.getCause().printStackTrace(err);
            }
            return ExitStatus.FAILURE;
        }
        catch (final OutOfMemoryError ex)
        {
            err.println(PROGRAM + ": error: out of memory; the number of groups is too large for the heap: " +
                "raise -Xmx");
            return ExitStatus.FAILURE;
        }
        finally
        {
            out.flush();
            err.flush();
        }
    }

    private static void leaks(final SortOptions options, final PrintStream out, final PrintStream err)
        throws SortException
    {
        final List<String> names = options.operands();
        final int n = names.size();
        final long[] times = new long[n];
        boolean timed = true;
        for (int i = 0; i < n; i++)
        {
            if ("-".equals(names.get(i)))
            {
                throw new SortException("leaks reads each dump twice at most and needs files, not standard input");
            }
            DumpTime time = null;
            try
            {
                time = Ages.find(names.get(i));
            }
            catch (final SortException ex)
            {
                if (!ex.getMessage().contains("does not say when it was taken") || options.ageFilter())
                {
                    throw ex;
                }
            }
            timed &= null != time;
            times[i] = null == time ? -1 : time.tsNanos();
        }
        long shortest = Long.MAX_VALUE;
        for (int i = 1; i < n && timed; i++)
        {
            final long gap = times[i] - times[i - 1];
            if (gap <= 0)
            {
                // NOTE: dumps of different processes (or a restart) have unrelated clocks: no interval to use.
                timed = false;
            }
            shortest = Math.min(shortest, gap);
        }
        final boolean defaultAge = !options.ageFilter() && timed;
        if (defaultAge)
        {
            options.defaultMinAge(shortest);
        }

        Series series = null;
        boolean sampled = false;
        for (int i = 0; i < n; i++)
        {
            final Aggregator dump = DumpReader.read(options, names.get(i), PROGRAM, err);
            final Sampling sampling = dump.sampling();
            if (null == series)
            {
                sampled = sampling.sampled();
                series = new Series(n, options, sampling.estimated());
            }
            else if (sampled != sampling.sampled())
            {
                throw new SortException(names.get(i) + " is " + (sampled ? "a full" : "a sampled") + " dump, " +
                    names.get(0) + " " + (sampled ? "a sampled" : "a full") + " one: a series must be all one or " +
                    "the other (a sampled dump's figures are estimates, a full dump's exact)");
            }
            series.add(dump.groups().groups(), null == dump.dumpTime() ? -1 : dump.dumpTime().tsNanos());
        }

        final List<Series.Row> suspects = series.suspects();
        final List<String> preamble = new ArrayList<>();
        final List<String> headers = new ArrayList<>();
        final StringBuilder text = new StringBuilder(4096);
        final String mark = sampled && !options.unweighted() ? "~" : "";
        final long span = timed ? times[n - 1] - times[0] : -1;
        text.append("# leaks over ").append(n).append(" dumps, ").append(names.get(0)).append(" to ")
            .append(names.get(n - 1)).append(timed ? ", " + PageOwnerTop.age(span) + " apart" : "").append("; ")
            .append(suspects.size()).append(suspects.size() == 1 ? " suspect" : " suspects").append('\n');
        if (defaultAge)
        {
            text.append("# allocations younger than ").append(PageOwnerTop.age(shortest))
                .append(" (the shortest interval) at each dump are left out; --min-age sets another age\n");
        }
        else if (!options.ageFilter())
        {
            text.append("# no age filter: the dumps do not state their times in one clock (no '# time:' line, or " +
                "not in increasing order), so churn may show; --min-age needs those lines\n");
        }
        if (!mark.isEmpty())
        {
            text.append("# sampled dumps: figures marked ~ are estimates\n");
        }
        preamble.addAll(List.of(text.toString().split("\n")));
        text.append('\n');
        for (final Series.Row row : suspects)
        {
            final int start = text.length();
            text.append(mark).append('+').append(row.growth()).append(" bytes");
            if (span > 0)
            {
                text.append(" in ").append(PageOwnerTop.age(span)).append(" (").append(mark).append('+')
                    .append(Math.round(row.growth() * 60e9 / span)).append(" bytes/min)");
            }
            text.append(", grew in ").append(row.grewIn()).append(" of ").append(n - 1).append(" intervals, ")
                .append(mark).append(row.records()).append(" records, oldest ")
                .append(row.oldestAge() < 0 ? "unknown" : PageOwnerTop.age(row.oldestAge()));
            headers.add(text.substring(start));
            text.append(":\n");
            text.append(new String(row.stack(), StandardCharsets.ISO_8859_1)).append('\n');
        }
        try (OutputFile output = OutputFile.open("-", out))
        {
            final OutputStream stream = output.stream();
            if (options.format() == SortOptions.Format.HTML)
            {
                final String[] columns = new String[n];
                for (int i = 0; i < n; i++)
                {
                    columns[i] = timed ? "+" + PageOwnerTop.age(times[i] - times[0]) : "dump " + (i + 1);
                }
                GrowthHtml.writeLeaks(suspects, headers, columns, preamble,
                    "page-owner leaks: " + names.get(0) + " \u2026 " + names.get(n - 1), stream);
            }
            else
            {
                stream.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
            }
            output.commit();
        }
        catch (final IOException ex)
        {
            throw new SortException("cannot write the suspects: " + PageOwnerSort.describe(ex), ex);
        }
    }
}
