package io.pageowner.analysis;

import io.pageowner.analysis.group.Aggregator;
import io.pageowner.analysis.group.Group;
import io.pageowner.analysis.group.Sampling;
import io.pageowner.analysis.group.SortKey;
import io.pageowner.analysis.output.GroupWriter;
import io.pageowner.analysis.output.HtmlWriter;
import io.pageowner.analysis.output.PprofWriter;
import io.pageowner.analysis.output.RunSummary;
import io.pageowner.analysis.parse.DumpTime;
import io.pageowner.analysis.parse.SortException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code java -jar page-owner.jar top [options] <dump> [N]}: the N stacks that hold the most bytes, one line each,
 * for people: rank, bytes (human-readable), allocations, kind, age of the oldest, and the first application frame.
 */
public final class PageOwnerTop
{
    private static final String PROGRAM = "page-owner top";
    private static final int DEFAULT_N = 10;

    static final String USAGE =
        "Usage: java -jar page-owner.jar top [OPTIONS] <dump> [N]\n" +
        "Print the N (default 10) stacks that hold the most bytes in a dump, largest first, one\n" +
        "line each: bytes, allocations, kind, the age of the oldest allocation (when the dump\n" +
        "states its time), and the first application frame (outside java., javax., jdk., sun.,\n" +
        "com.sun.), so the line names the code to look at. sort -b --cull=st gives the same groups\n" +
        "with their whole stacks, in the kernel tool's format. <dump> may be - or gzip.\n" +
        "\n" +
        "Options, as sort's: --pid, --tgid, --name, --module, --kind <list> (select records),\n" +
        "--min-age <age>, --max-age <age> (30s, 5m, 2h, 1d: only records at least / at most this\n" +
        "old when the dump was taken), --cull <rules> (default: stacktrace), --unweighted,\n" +
        "--strict, -d, -h. --format html: the N stacks as sort's page (flame graph and table), to\n" +
        "stdout (top --format html dump.txt 20 > top.html). --format pprof: the N stacks as a\n" +
        "gzipped pprof profile, to stdout (top --format pprof dump.txt 20 > top.pb.gz), as sort's.\n" +
        "Sampled dumps: bytes and allocations are estimates, marked ~.\n" +
        "On a running JVM: java -jar page-owner.jar top <pid> [N] (through a temporary dump).\n" +
        "Exit status: 0 done, 1 wrong command line, 2 the dump cannot be read or has no record.\n";

    private PageOwnerTop()
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
     * Run top.
     *
     * @param args options and operands, without the leading {@code top}.
     * @param out  standard output: the table or the usage.
     * @param err  standard error: errors and warnings.
     * @return the exit status: {@link ExitStatus#OK}, {@link ExitStatus#USAGE} or {@link ExitStatus#FAILURE}.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        final SortOptions options;
        final int count;
        try
        {
            options = SortOptions.parseAny(args);
            count = options.help() ? 0 : check(options);
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
            final String name = options.operands().get(0);
            if (name.chars().allMatch(Character::isDigit) && !Files.exists(Paths.get(name)))
            {
                throw new SortException("top " + name + ": there is no file " + name + " (top of a running JVM is " +
                    "java -jar page-owner.jar top <pid> [N])");
            }
            final Aggregator dump = DumpReader.read(options, name, PROGRAM, err);
            if (options.format() == SortOptions.Format.HTML || options.format() == SortOptions.Format.PPROF)
            {
                final Group[] groups = largestFirst(dump);
                final RunSummary summary = new RunSummary(name, "top " + String.join(" ", args), dump.records(),
                    dump.accepted(), dump.damaged(), dump.comments(), dump.sampling(), dump.dumpTime());
                try
                {
                    final GroupWriter writer = options.format() == SortOptions.Format.HTML ?
                        new HtmlWriter(options) : new PprofWriter(options);
                    writer.write(Arrays.copyOf(groups, Math.min(count, groups.length)), summary, out);
                }
                catch (final IOException ex)
                {
                    throw new SortException("cannot write the " +
                        (options.format() == SortOptions.Format.HTML ? "page" : "profile") + ": " +
                        PageOwnerSort.describe(ex), ex);
                }
                return ExitStatus.OK;
            }
            final StringBuilder text = new StringBuilder(4096);
            format(name, dump, count, text);
            out.print(text);
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

    private static int check(final SortOptions options) throws UsageException
    {
        final List<String> operands = options.operands();
        if (operands.isEmpty())
        {
            throw new UsageException(null, true);
        }
        if (operands.size() > 2)
        {
            throw new UsageException("too many operands, starting at '" + operands.get(2) + "'", true);
        }
        options.defaultCull(SortKey.STACKTRACE.bit());
        if (operands.size() == 1)
        {
            return DEFAULT_N;
        }
        final String n = operands.get(1);
        if (n.isEmpty() || n.length() > 9 || !n.chars().allMatch(Character::isDigit) || Integer.parseInt(n) == 0)
        {
            throw new UsageException("N must be a whole number from 1 to 999999999, not '" + n + "'", false);
        }
        return Integer.parseInt(n);
    }

    private static Group[] largestFirst(final Aggregator dump)
    {
        final boolean estimated = dump.sampling().estimated();
        final Group[] groups = dump.groups().groups();
        Arrays.sort(groups, Comparator.comparingDouble((Group g) -> estimated ? g.estimatedBytes() : g.bytes)
            .reversed().thenComparing((a, b) -> Arrays.compareUnsigned(a.stack.bytes, b.stack.bytes)));
        return groups;
    }

    /**
     * The table of the largest groups of a dump.
     *
     * @param name  of the dump.
     * @param dump  read.
     * @param count how many lines at most.
     * @param text  to append to.
     */
    static void format(final String name, final Aggregator dump, final int count, final StringBuilder text)
    {
        final Sampling sampling = dump.sampling();
        final boolean estimated = sampling.estimated();
        final String mark = estimated ? "~" : "";
        final Group[] groups = largestFirst(dump);
        final DumpTime time = dump.dumpTime();
        long totalBytes = 0;
        long totalTimes = 0;
        for (final Group group : groups)
        {
            totalBytes += sampling.bytes(group);
            totalTimes += sampling.times(group);
        }
        final int shown = Math.min(count, groups.length);
        text.append("# top ").append(shown).append(" of ").append(groups.length).append(groups.length == 1 ?
            " stack" : " stacks").append(" by bytes in ").append(name);
        if (null != time)
        {
            text.append(", taken at ts ").append(time.tsNanos()).append(" ns");
            if (time.wallMillis() >= 0)
            {
                text.append(" (").append(Instant.ofEpochMilli(time.wallMillis())).append(')');
            }
        }
        text.append("; all: ").append(mark).append(totalTimes).append(" allocations, ").append(mark)
            .append(human(totalBytes)).append('\n');
        if (estimated)
        {
            text.append("# sampled dump: ~ marks estimates from ").append(Sampling.samples(sampling.samples()))
                .append('\n');
        }
        text.append(String.format(Locale.ROOT, "%4s  %11s  %9s  %-8s  %7s  %s%n", "#", "BYTES", "COUNT", "KIND",
            "OLDEST", "FIRST APPLICATION FRAME"));
        for (int i = 0; i < shown; i++)
        {
            final Group group = groups[i];
            final String age = null == time ? "-" : age(time.age(group.minTimestamp));
            text.append(String.format(Locale.ROOT, "%4d  %11s  %9s  %-8s  %7s  %s%n", i + 1,
                mark + human(sampling.bytes(group)), mark + sampling.times(group), group.header.kind, age,
                group.stack.topFrame()));
        }
        if (null == time)
        {
            text.append("# OLDEST is '-': the dump does not state its time (no '").append(DumpTime.PREFIX.trim())
                .append("' line)\n");
        }
    }

    /**
     * Bytes for people: {@code 512 B}, {@code 1.5 KiB}, {@code 12.0 MiB}, {@code 3.25 GiB}.
     *
     * @param bytes not negative.
     * @return the text.
     */
    static String human(final long bytes)
    {
        final String[] units = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
        if (bytes < 1024)
        {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.2f %s" : value < 100 ? "%.1f %s" : "%.0f %s", value,
            units[unit]);
    }

    /**
     * An age for people: {@code 45s}, {@code 12m05s}, {@code 3h07m}, {@code 2d04h}, {@code 850ms}.
     *
     * @param nanos the age.
     * @return the text.
     */
    static String age(final long nanos)
    {
        final long seconds = nanos / 1_000_000_000L;
        if (seconds == 0)
        {
            return nanos / 1_000_000L + "ms";
        }
        if (seconds < 60)
        {
            return seconds + "s";
        }
        if (seconds < 3600)
        {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86400)
        {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", seconds / 86400, seconds % 86400 / 3600);
    }
}
