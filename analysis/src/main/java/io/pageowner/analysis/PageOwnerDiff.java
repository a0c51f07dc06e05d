package io.pageowner.analysis;

import io.pageowner.analysis.diff.DiffWriter;
import io.pageowner.analysis.diff.Growth;
import io.pageowner.analysis.diff.GrowthHtml;
import io.pageowner.analysis.diff.Growths;
import io.pageowner.analysis.group.Aggregator;
import io.pageowner.analysis.group.Sampling;
import io.pageowner.analysis.group.SortKey;
import io.pageowner.analysis.output.OutputFile;
import io.pageowner.analysis.output.PprofWriter;
import io.pageowner.analysis.parse.DumpTime;
import io.pageowner.analysis.parse.SortException;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar page-owner.jar diff [options] OLD NEW [OUT]}: what grew between two dumps, one group per stack,
 * largest growth in bytes first. Each dump is aggregated as {@code sort} does it (memory by groups, not records),
 * then the groups are matched by their text, so dumps of two processes of the same program compare.
 */
public final class PageOwnerDiff
{
    private static final String PROGRAM = "page-owner diff";

    static final String USAGE =
        "Usage: java -jar page-owner.jar diff [OPTIONS] <old> <new> [<output>]\n" +
        "What grew from the dump <old> to the dump <new>: one group per stack (stacks are compared\n" +
        "by their text, so the dumps may come from different processes of the same program),\n" +
        "each headed '+N times, +M pages, +B bytes' (new less old, signs always written), marked\n" +
        "', new' or ', vanished' when the stack is in one dump only, then the stack. Groups whose\n" +
        "figures did not change are counted in the first lines, not listed. Without <output>,\n" +
        "or with -, the diff goes to stdout; an input may be - (one of them) or gzip.\n" +
        "\n" +
        "Options, as sort's:\n" +
        "--cull <rules>\t\tGroup by these fields (default: stacktrace): pid, tgid, name,\n" +
        "\t\t\tstacktrace, allocator, module, kind, frame.\n" +
        "-t, -m, -b, -s, -n, -p, -P, -M, --sort <order>\n" +
        "\t\t\tOrder by the growth of times, pages or bytes, or by the text\n" +
        "\t\t\tof stacktrace, name, pid, tgid, module, kind, frame. Default:\n" +
        "\t\t\t--sort=-bytes, the largest growth first.\n" +
        "--pid, --tgid, --name, --module, --kind <list>\n" +
        "\t\t\tCompare only the records that match (in both dumps).\n" +
        "--min-age <age>, --max-age <age>\n" +
        "\t\t\tCompare only the records at least / at most this old when\n" +
        "\t\t\ttheir dump was taken (30s, 5m, 2h, 1d, 250ms, 1500ns). Each\n" +
        "\t\t\tdump's trailer must state its time ('# time:' line).\n" +
        "--format <fmt>\t\ttext (default); collapsed: 'root;...;leaf old new', the\n" +
        "\t\t\ttwo-count folded stacks flamegraph.pl draws as a differential\n" +
        "\t\t\tflame graph; html: one page, a flame graph of the new dump\n" +
        "\t\t\tcoloured by growth and a chart of each of the largest changes;\n" +
        "\t\t\tpprof: a gzipped pprof profile of the changes, one sample per\n" +
        "\t\t\tchanged group valued new less old (negative where it shrank),\n" +
        "\t\t\tthe same figures go tool pprof -diff_base old.pb.gz new.pb.gz\n" +
        "\t\t\tshows for two profiles of sort --format pprof.\n" +
        "--weight <w>\t\tCollapsed counts: bytes (default), pages or times.\n" +
        "--unweighted, --strict, -d, -h\tAs sort's.\n" +
        "\n" +
        "Sampled dumps: both dumps must be sampled or both full; the figures are then estimates\n" +
        "(sums of weight=1/p), each marked ~, with the samples each side rests on.\n" +
        "The output is written to a temporary file and renamed, never left half-written.\n" +
        "Exit status: 0 done, 1 wrong command line, 2 an input cannot be read or has no record,\n" +
        "the dumps are of different modes (full and sampled), or the output cannot be written.\n";

    private PageOwnerDiff()
    {
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
     * Run a diff.
     *
     * @param args options and operands, without the leading {@code diff}.
     * @param out  standard output: the usage, and the diff if the output is stdout.
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
                check(options);
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
            diff(options, out, err);
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

    private static void check(final SortOptions options) throws UsageException
    {
        final List<String> operands = options.operands();
        if (operands.size() < 2)
        {
            throw new UsageException(operands.isEmpty() ? null : "missing <new>", true);
        }
        if (operands.size() > 3)
        {
            throw new UsageException("too many operands, starting at '" + operands.get(3) + "'", true);
        }
        if ("-".equals(operands.get(0)) && "-".equals(operands.get(1)))
        {
            throw new UsageException("<old> and <new> cannot both be standard input", false);
        }
        options.defaultCull(SortKey.STACKTRACE.bit());
        options.defaultSort(SortKey.BYTES, -1);
        for (final SortKey key : options.sortKeys())
        {
            if (!Growths.SORTABLE.contains(key))
            {
                throw new UsageException("diff cannot sort by " + key.longName() + "; it sorts by times, pages, " +
                    "bytes (their growth), stacktrace, name, pid, tgid, module, kind or frame", false);
            }
        }
    }

    private static void diff(final SortOptions options, final PrintStream out, final PrintStream err)
        throws SortException
    {
        final List<String> operands = options.operands();
        final String oldName = operands.get(0);
        final String newName = operands.get(1);
        final String outName = operands.size() > 2 ? operands.get(2) : "-";

        final Aggregator older = DumpReader.read(options, oldName, PROGRAM, err);
        final Aggregator newer = DumpReader.read(options, newName, PROGRAM, err);
        final Sampling oldSampling = older.sampling();
        final Sampling newSampling = newer.sampling();
        if (oldSampling.sampled() != newSampling.sampled())
        {
            throw new SortException("cannot compare a " + mode(oldSampling) + " dump (" + oldName + ") with a " +
                mode(newSampling) + " dump (" + newName + "): a sampled dump's figures are estimates, a full " +
                "dump's are exact, and their difference would mostly be sampling error; take both dumps the same way");
        }
        final boolean estimated = oldSampling.estimated();
        final Growth[] growths = Growths.match(older.groups().groups(), newer.groups().groups(), options, estimated);
        Growths.sort(growths, options.sortKeys(), options.sortSigns());

        final List<String> preamble = preamble(options, oldName, older, newName, newer, growths, estimated);
        try (OutputFile output = OutputFile.open(outName, out))
        {
            final DiffWriter writer = new DiffWriter(options, estimated);
            try
            {
                if (options.format() == SortOptions.Format.COLLAPSED)
                {
                    writer.writeCollapsed(growths, preamble, output.stream());
                }
                else if (options.format() == SortOptions.Format.PPROF)
                {
                    writer.writePprof(growths, preamble, newName, PprofWriter.timeNanos(newer.dumpTime()),
                        output.stream());
                }
                else if (options.format() == SortOptions.Format.HTML)
                {
                    GrowthHtml.writeDiff(growths, writer.headers(growths), preamble,
                        "page-owner diff: " + oldName + " \u2192 " + newName, output.stream());
                }
                else
                {
                    writer.writeText(growths, preamble, output.stream());
                }
            }
            catch (final IOException ex)
            {
                throw new SortException("cannot write " + outName + ": " + PageOwnerSort.describe(ex), ex);
            }
            output.commit();
        }
    }

    private static String mode(final Sampling sampling)
    {
        return sampling.sampled() ? "sampled" : "full";
    }

    private static List<String> preamble(
        final SortOptions options, final String oldName, final Aggregator older, final String newName,
        final Aggregator newer, final Growth[] growths, final boolean estimated)
    {
        final List<String> lines = new ArrayList<>();
        lines.add("# diff " + oldName + when(older.dumpTime()) + " -> " + newName + when(newer.dumpTime()));
        long times = 0;
        long pages = 0;
        long bytes = 0;
        int created = 0;
        int vanished = 0;
        int unchanged = 0;
        for (final Growth growth : growths)
        {
            times += growth.times();
            pages += growth.pages();
            bytes += growth.bytes();
            created += growth.isNew() ? 1 : 0;
            vanished += growth.vanished() ? 1 : 0;
            unchanged += growth.unchanged() ? 1 : 0;
        }
        final String mark = estimated ? "~" : "";
        lines.add("# total: " + mark + DiffWriter.signed(times) + " times, " + mark + DiffWriter.signed(pages) +
            " pages, " + mark + DiffWriter.signed(bytes) + " bytes; " + growths.length + " groups: " +
            (growths.length - unchanged) + " changed (" + created + " new, " + vanished + " vanished), " + unchanged +
            " unchanged and not listed");
        if (estimated)
        {
            lines.add("# sampled dumps: figures marked ~ are estimates for all allocations, from sums of " +
                "weight=1/p over " + Sampling.samples(older.accepted()) + " (old) and " +
                Sampling.samples(newer.accepted()) + " (new); --unweighted counts the samples instead");
        }
        else if (older.sampling().sampled())
        {
            lines.add("# sampled dumps, --unweighted: the figures count samples, not allocations");
        }
        if (options.ageFilter())
        {
            lines.add("# records of age " + (options.minAge() >= 0 ? "at least " + options.minAge() + " ns" : "") +
                (options.minAge() >= 0 && options.maxAge() >= 0 ? " and " : "") +
                (options.maxAge() >= 0 ? "at most " + options.maxAge() + " ns" : "") + " at their dump's time");
        }
        return lines;
    }

    private static String when(final DumpTime time)
    {
        if (null == time)
        {
            return "";
        }
        return " (taken at ts " + time.tsNanos() + " ns" +
            (time.wallMillis() >= 0 ? ", " + Instant.ofEpochMilli(time.wallMillis()) : "") + ")";
    }
}
