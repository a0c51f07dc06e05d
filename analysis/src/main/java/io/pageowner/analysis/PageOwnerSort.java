package io.pageowner.analysis;

import io.pageowner.analysis.group.Aggregator;
import io.pageowner.analysis.group.BlockComparators;
import io.pageowner.analysis.group.Group;
import io.pageowner.analysis.group.Sampling;
import io.pageowner.analysis.output.CollapsedWriter;
import io.pageowner.analysis.output.GroupWriter;
import io.pageowner.analysis.output.HtmlWriter;
import io.pageowner.analysis.output.OutputFile;
import io.pageowner.analysis.output.PprofWriter;
import io.pageowner.analysis.output.RunSummary;
import io.pageowner.analysis.output.TextWriter;
import io.pageowner.analysis.parse.SortException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PushbackInputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * {@code java -jar page-owner.jar sort [options] <input> <output>}: the JVM twin of the kernel's
 * {@code tools/mm/page_owner_sort}. It reads a page_owner dump (ours or the kernel's), groups equal records, and
 * writes the groups sorted, in the kernel tool's text format or as folded stacks, HTML or a pprof profile.
 * <p>
 * Records are aggregated while they are read, so memory grows with the number of groups, not records. Exit
 * status: 0 on success, 1 for a wrong command line (as the kernel's tool), 2 when the input cannot be read or has
 * no readable record, the output cannot be written, or {@code --strict} meets a damaged record.
 */
public final class PageOwnerSort
{
    private static final String PROGRAM = "page-owner sort";

    static final String USAGE =
        "Usage: java -jar page-owner.jar sort [OPTIONS] <input> <output>\n" +
        "Group and sort a page_owner dump: ours, or the kernel's /sys/kernel/debug/page_owner\n" +
        "(any format since 3.19). <input> or <output> may be - for stdin or stdout; a gzip input\n" +
        "is read as is.\n" +
        "\n" +
        "Sort (one at most; default -t):\n" +
        "-a\t\t\tSort by memory allocation time.\n" +
        "-m\t\t\tSort by total memory (pages).\n" +
        "-b\t\t\tSort by total bytes, and show them.\n" +
        "-n\t\t\tSort by task command name (thread name).\n" +
        "-p\t\t\tSort by pid (thread id).\n" +
        "-P\t\t\tSort by tgid (process id).\n" +
        "-s\t\t\tSort by the stacktrace.\n" +
        "-t\t\t\tSort by number of times record is seen (default).\n" +
        "-M\t\t\tSort by module name.\n" +
        "--sort <order>\t\tSpecify sort order as: [+|-]key[,[+|-]key[,...]], - for\n" +
        "\t\t\tdescending. Keys: pid|p, tgid|tg, name|n, stacktrace|st,\n" +
        "\t\t\ttxt|T, alloc_ts|at, allocator|ator, module|mod, and ours:\n" +
        "\t\t\ttimes, pages, bytes, kind, frame. A single-key option above\n" +
        "\t\t\treplaces it.\n" +
        "\n" +
        "Select (all given filters must match):\n" +
        "--pid <pidlist>\t\tSelect by pid. This selects the information of\n" +
        "\t\t\tblocks whose process ID numbers appear in <pidlist>.\n" +
        "--tgid <tgidlist>\tSelect by tgid. This selects the information of\n" +
        "\t\t\tblocks whose Thread Group ID numbers appear in <tgidlist>.\n" +
        "--name <cmdlist>\tSelect by command name. This selects the information\n" +
        "\t\t\tof blocks whose command name appears in <cmdlist>.\n" +
        "--module <modlist>\tSelect by module name (first [module] in the text).\n" +
        "--kind <kindlist>\tSelect by kind: records whose mask names include one of\n" +
        "\t\t\tthe list (UNSAFE, DIRECT, MAPPED, ARENA, REALLOC, NIO_TEMP,\n" +
        "\t\t\tPOOLED, POOL_CHUNK, TOOL; or gfp flags in kernel dumps),\n" +
        "\t\t\tignoring case; another name is an error. ^NAME leaves\n" +
        "\t\t\tout records that name it (--kind ^TOOL: not the tool's own).\n" +
        "--min-age <age>\t\tSelect records at least this old when the dump was taken\n" +
        "--max-age <age>\t\t(or at most): 30s, 5m, 2h, 1d, 250ms, 1500ns. The dump's\n" +
        "\t\t\ttrailer must say when it was taken ('# time:' line), and it\n" +
        "\t\t\tmust be a file, not stdin; kernel dumps have no such line.\n" +
        "\n" +
        "Group:\n" +
        "--cull <rules>\t\tCull by user-defined rules. <rules> is a single\n" +
        "\t\t\targument in the form of a comma-separated list of: pid|p,\n" +
        "\t\t\ttgid|tg, name|n, stacktrace|st, allocator|ator, module|mod,\n" +
        "\t\t\tand ours: kind, frame (the first frame outside the JDK).\n" +
        "\t\t\tWithout it, records are grouped by their whole text, with\n" +
        "\t\t\tthe ts digits taken out unless sorting by alloc_ts first.\n" +
        "\n" +
        "Output:\n" +
        "--format <fmt>\t\ttext (default): the kernel tool's blocks, 'N times, M pages';\n" +
        "\t\t\tcollapsed: folded stacks 'root;...;leaf weight' for\n" +
        "\t\t\tflamegraph.pl or speedscope; html: one self-contained page;\n" +
        "\t\t\tpprof: a gzipped profile.proto for go tool pprof, one sample\n" +
        "\t\t\tper group, values inuse_objects (times) and inuse_space\n" +
        "\t\t\t(bytes), labels kind, thread, pid, tgid where the grouping\n" +
        "\t\t\tkeeps them (go tool pprof -http=: out.pb.gz).\n" +
        "--weight <w>\t\tWeight of folded stacks: bytes (default), pages or times.\n" +
        "--show-bytes\t\tAlso print ', B bytes' after the pages in text output.\n" +
        "\n" +
        "Sampled dumps (records with weight= in the PFN line, as the agent's sample=<bytes>\n" +
        "writes them; weight=1/p is the number of allocations a record stands for):\n" +
        "\t\t\ttimes, pages and bytes, printed and sorted by, are estimates:\n" +
        "\t\t\tsums of weight, weight x pages and weight x bytes, rounded\n" +
        "\t\t\tand marked '~N times, ~M pages[, ~B bytes] (S samples)'; the\n" +
        "\t\t\toutput starts with a '# sampled dump' line saying so, and\n" +
        "\t\t\tcollapsed weights are the rounded estimates. A record\n" +
        "\t\t\twithout weight= counts as 1 (with a warning); a malformed\n" +
        "\t\t\tweight makes the record damaged.\n" +
        "--unweighted\t\tCount the samples themselves instead: the kernel's plain\n" +
        "\t\t\t'N times, M pages', after a first line saying they are\n" +
        "\t\t\tsample counts.\n" +
        "\n" +
        "Damaged input:\n" +
        "\t\t\tCRLF line ends, a missing last empty line and a missing\n" +
        "\t\t\tempty line between records are read as intended. A record\n" +
        "\t\t\tthat is damaged (binary bytes, a header that is cut short\n" +
        "\t\t\tor is not one, no stack, cut off at the end of the input,\n" +
        "\t\t\ta malformed weight=) is skipped and counted; the count and\n" +
        "\t\t\tthe first line numbers go to stderr, and the run succeeds\n" +
        "\t\t\tif at least one record was read. Lines starting with '#'\n" +
        "\t\t\tafter the records (our dump's trailer) are printed to\n" +
        "\t\t\tstderr (and into HTML).\n" +
        "--strict\t\tStop at the first damaged record: no output, exit 2.\n" +
        "-d\t\t\tPrint every problem as it is found, and stack traces.\n" +
        "-h, --help\t\tPrint this help.\n" +
        "\n" +
        "The output file is written to a temporary file next to it and renamed at the end,\n" +
        "so it is never left half-written. Memory grows with the number of groups; with -a\n" +
        "(or --sort=at,...) each timestamp is a group, about 150 bytes each.\n" +
        "Exit status: 0 done, 1 wrong command line, 2 input or output failed.\n";

    private PageOwnerSort()
    {
    }

    /**
     * Command line entry point: {@code java -cp page-owner.jar io.pageowner.analysis.PageOwnerSort [options] in out}.
     *
     * @param args options and operands.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Run the sorter.
     *
     * @param args options and operands, without the leading {@code sort}.
     * @param out  standard output: the usage, the kernel tool's progress lines, and the result if the output is
     *             {@code -}.
     * @param err  standard error: errors, warnings and the dump's trailer.
     * @return the exit status: {@link ExitStatus#OK}, {@link ExitStatus#USAGE} or {@link ExitStatus#FAILURE}.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        final SortOptions options;
        try
        {
            options = SortOptions.parse(args);
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
            return sort(options, args, out, err);
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
            err.println(PROGRAM + ": error: out of memory while sorting " + options.input() + "; the number of " +
                "groups is too large for the heap (with -a every timestamp is a group): raise -Xmx");
            return ExitStatus.FAILURE;
        }
        finally
        {
            out.flush();
            err.flush();
        }
    }

    private static int sort(
        final SortOptions options, final String[] args, final PrintStream out, final PrintStream err)
        throws SortException
    {
        final PrintStream progress = "-".equals(options.output()) ? err : out;
        final String inputName = options.input();
        final Aggregator parser = new Aggregator(options, inputName, err);
        Ages.apply(options, inputName, parser);

        try (OutputFile output = OutputFile.open(options.output(), out))
        {
            try (InputStream in = openInput(inputName))
            {
                parser.parse(in);
            }
            catch (final IOException ex)
            {
                throw new SortException(inputName + ": read failed after line " + parser.lines() + ": " +
                    describe(ex), ex);
            }

            for (final String comment : parser.comments())
            {
                err.println(comment);
            }
            if (parser.commentLines() > parser.comments().size())
            {
                err.println(PROGRAM + ": " + (parser.commentLines() - parser.comments().size()) +
                    " more comment lines not shown");
            }
            reportProblems(parser, inputName, err);

            if (parser.records() == 0)
            {
                if (parser.damaged() > 0)
                {
                    throw new SortException(inputName + ": no readable record, " +
                        plural(parser.damaged(), "damaged record") + " skipped (first: " +
                        parser.damageExamples().get(0) + ")");
                }
                if (parser.commentLines() == 0)
                {
                    throw new SortException(inputName + ": " + (parser.bytesRead() == 0 ? "empty input" :
                        "no records (only blank lines)") + ", expected page_owner records " +
                        "('Page allocated via order ...')");
                }
            }

            final Sampling sampling = parser.sampling();
            if (sampling.estimated() && sampling.missingWeights() > 0)
            {
                err.println(PROGRAM + ": warning: " + inputName + ": the dump is sampled, but " +
                    plural(sampling.missingWeights(), "record") + " had no weight= (first at line " +
                    sampling.firstMissingWeight() + "); " + (sampling.missingWeights() == 1 ? "it was" : "each was") +
                    " counted as one allocation (weight 1)");
            }

            progress.println("loaded " + parser.accepted());
            progress.println("sorting ....");
            parser.rankTexts();
            final Group[] groups = parser.groups().groups();
            Arrays.sort(groups, BlockComparators.forOptions(options, sampling.estimated()));
            progress.println("culling");
            progress.flush();

            final RunSummary summary = new RunSummary(inputName, "sort " + String.join(" ", args), parser.records(),
                parser.accepted(), parser.damaged(), parser.comments(), sampling, parser.dumpTime());
            try
            {
                writer(options).write(groups, summary, output.stream());
            }
            catch (final IOException ex)
            {
                throw new SortException("cannot write " + options.output() + ": " + describe(ex), ex);
            }
            output.commit();
        }
        return ExitStatus.OK;
    }

    private static void reportProblems(final Aggregator parser, final String inputName, final PrintStream err)
    {
        reportProblems(PROGRAM, parser, inputName, err);
    }

    /**
     * Warn of records read as separate without their empty line, and of damaged records skipped.
     *
     * @param program   name that starts each message.
     * @param parser    that read the input.
     * @param inputName of the input.
     * @param err       for the warnings.
     */
    static void reportProblems(
        final String program, final Aggregator parser, final String inputName, final PrintStream err)
    {
        if (parser.missingSeparators() > 0)
        {
            err.println(program + ": warning: " + inputName + ": " + plural(parser.missingSeparators(), "record") +
                " had no empty line before " + (parser.missingSeparators() == 1 ? "it" : "them") + " (first at line " +
                parser.firstMissingSeparator() + "); read as separate records");
        }
        if (parser.damaged() > 0)
        {
            err.println(program + ": warning: " + inputName + ": skipped " +
                plural(parser.damaged(), "damaged record") +
                (parser.damaged() > parser.damageExamples().size() ?
                ", the first " + parser.damageExamples().size() + ":" : ":"));
            for (final String example : parser.damageExamples())
            {
                err.println("  " + example);
            }
        }
    }

    static String plural(final long count, final String noun)
    {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    private static GroupWriter writer(final SortOptions options)
    {
        switch (options.format())
        {
            case COLLAPSED:
                return new CollapsedWriter(options);
            case HTML:
                return new HtmlWriter(options);
            case PPROF:
                return new PprofWriter(options);
            default:
                return new TextWriter(options);
        }
    }

    static InputStream openInput(final String name) throws SortException
    {
        final InputStream raw;
        if ("-".equals(name))
        {
            raw = new NonClosingInputStream(System.in);
        }
        else
        {
            final Path path;
            try
            {
                path = Paths.get(name);
            }
            catch (final InvalidPathException ex)
            {
                throw new SortException("cannot read " + name + ": invalid path");
            }
            if (Files.isDirectory(path))
            {
                throw new SortException("cannot read " + name + ": is a directory, expected a page_owner dump file");
            }
            try
            {
                raw = Files.newInputStream(path);
            }
            catch (final NoSuchFileException ex)
            {
                throw new SortException("cannot read " + name + ": no such file");
            }
            catch (final AccessDeniedException ex)
            {
                throw new SortException("cannot read " + name + ": permission denied");
            }
            catch (final IOException ex)
            {
                throw new SortException("cannot read " + name + ": " + describe(ex), ex);
            }
        }

        try
        {
            final PushbackInputStream in = new PushbackInputStream(raw, 3);
            final byte[] magic = new byte[3];
            int read = 0;
            while (read < magic.length)
            {
                final int n = in.read(magic, read, magic.length - read);
                if (n < 0)
                {
                    break;
                }
                read += n;
            }
            final int b0 = read > 0 ? magic[0] & 0xFF : -1;
            final int b1 = read > 1 ? magic[1] & 0xFF : -1;
            final int b2 = read > 2 ? magic[2] & 0xFF : -1;
            if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF)
            {
                // NOTE: a dump saved by an editor may start with a UTF-8 byte order mark; it is not part of the text.
                return in;
            }
            in.unread(magic, 0, read);
            if (b0 == 0x1F && b1 == 0x8B)
            {
                return new GZIPInputStream(in, 1 << 16);
            }
            if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF))
            {
                throw new SortException("cannot read " + name + ": the file is UTF-16 text; convert it to UTF-8 " +
                    "(e.g. iconv -f UTF-16 -t UTF-8)");
            }
            return in;
        }
        catch (final IOException | SortException ex)
        {
            try
            {
                raw.close();
            }
            catch (final IOException suppressed)
            {
                ex.addSuppressed(suppressed);
            }
            if (ex instanceof SortException)
            {
                throw (SortException)ex;
            }
            throw new SortException("cannot read " + name + ": " + describe((IOException)ex), ex);
        }
    }

    static String describe(final IOException ex)
    {
        if (ex instanceof AccessDeniedException)
        {
            return "permission denied";
        }
        final String message = ex.getMessage();
        return null == message ? ex.getClass().getSimpleName() : message;
    }

    /**
     * Standard input stays open after a run, for a caller that runs the sorter in-process.
     */
    private static final class NonClosingInputStream extends java.io.FilterInputStream
    {
        NonClosingInputStream(final InputStream in)
        {
            super(in);
        }

        /**
         * Leave the stream open.
         */
        public void close()
        {
        }
    }
}
