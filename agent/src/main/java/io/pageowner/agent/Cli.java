package io.pageowner.agent;

import io.pageowner.analysis.ExitStatus;
import io.pageowner.cli.AttachCli;
import io.pageowner.options.AgentOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * The jar's command line: {@code sort} (our page_owner_sort), {@code diff}, {@code top}, {@code jfc},
 * {@code version}, and
 * the commands that
 * work on a running JVM by process id ({@code dump}, {@code on}, {@code off}, {@code status},
 * {@code list}; see {@link AttachCli}).
 * <p>
 * Only {@link PageOwnerAgent#main} refers to this class, so a JVM running the agent never loads it,
 * nor the attach and JMX client code behind it.
 */
final class Cli
{
    static final String USAGE = String.join(
        System.lineSeparator(),
        "usage: java -jar page-owner.jar <command> [arguments]",
        "commands on a running JVM of your user, by process id:",
        "  dump <pid> [<file>]               write a dump of its live off-heap allocations; without <file>, to",
        "                                    the target's own dump= path, from the target's directory",
        "  on <pid> [<option>,...]           track from now on: load the agent if absent, or resume after off",
        "  off <pid>                         pause tracking: new allocations are not recorded, frees still are",
        "  status <pid>                      tracked totals, untracked counts by reason, errors, options",
        "  list                              the JVMs this command can attach to (your user's)",
        "  baseline <pid>                    keep the live totals of every stack now (in the target's memory)",
        "  diff <pid> [<file>]               what grew since the baseline, as diff of two dumps, no dump written",
        "  top <pid> [N]                     the N largest stacks now (through a private temporary dump)",
        "  leaks <pid> [--every 10s] [--for 1m]  leak suspects from dumps taken meanwhile (private, removed)",
        "  -d, --debug                       with the above: stack traces of failures",
        "  (a relative <file>, or dump= given to on, is taken from this directory; %p is the pid, %t the time;",
        "   dump prints the file it wrote)",
        "other commands:",
        "  top [options] <dump> [N]          the N (default 10) stacks holding the most bytes, one line each",
        "  diff [options] <old> <new> [<out>]  what grew between two dumps, largest growth first",
        "  leaks [options] <dump> <dump>...  leak suspects over a series of dumps: stacks that keep growing",
        "  sort [options] <input> <output>   group a page_owner dump by stack, as the kernel's page_owner_sort",
        "                                    (top, diff, leaks, sort: --help for options)",
        "  jfc                               print page-owner.jfc, the JFR settings that turn its events on",
        "  version                           print the version",
        "  help                              print this text",
        "exit status: 0 done, 1 wrong command line, 2 failed (no such process, cannot attach, cannot load,",
        "  cannot write), 3 page-owner is not loaded in that JVM (dump, off, status); top, diff, leaks, sort: 0 done,",
        "  1 wrong command line, 2 an input cannot be read or has no record, or the output cannot be written",
        "as an agent: java -javaagent:page-owner.jar=on[,key=value...] -jar app.jar",
        "agent options (also for on <pid>): " + AgentOptions.ACCEPTED);

    /** The JFR settings file in the jar. */
    static final String JFC_RESOURCE = "/io/pageowner/page-owner.jfc";

    private Cli()
    {
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (0 == args.length)
        {
            err.println(USAGE);
            return ExitStatus.USAGE;
        }
        if (AttachCli.handles(args[0]) || AttachCli.handlesLive(args))
        {
            return AttachCli.run(args, out, err);
        }
        switch (args[0])
        {
            case "sort":
                return io.pageowner.analysis.PageOwnerSort.run(PageOwnerAgent.tail(args), out, err);
            case "diff":
                return io.pageowner.analysis.PageOwnerDiff.run(PageOwnerAgent.tail(args), out, err);
            case "top":
                return io.pageowner.analysis.PageOwnerTop.run(PageOwnerAgent.tail(args), out, err);
            case "leaks":
                return io.pageowner.analysis.PageOwnerLeaks.run(PageOwnerAgent.tail(args), out, err);
            case "version":
                out.println("page-owner " + version());
                return ExitStatus.OK;
            case "jfc":
                return jfc(out, err);
            case "-h":
            case "--help":
            case "help":
                out.println(USAGE);
                return ExitStatus.OK;
            default:
                err.println("page-owner: unknown command '" + args[0] + "'");
                err.println(USAGE);
                return ExitStatus.USAGE;
        }
    }

    /**
     * Prints the JFR settings file that ships in the jar.
     *
     * @param out where it goes.
     * @param err where a failure is told.
     * @return the exit status.
     */
    static int jfc(final PrintStream out, final PrintStream err)
    {
        try (InputStream in = Cli.class.getResourceAsStream(JFC_RESOURCE))
        {
            if (null == in)
            {
                err.println("page-owner: " + JFC_RESOURCE + " is not in this jar");
                return ExitStatus.FAILURE;
            }
            out.write(in.readAllBytes());
            out.flush();
            return out.checkError() ? ExitStatus.FAILURE : ExitStatus.OK;
        }
        catch (final IOException ex)
        {
            err.println("page-owner: cannot read " + JFC_RESOURCE + ": " + ex.getMessage());
            return ExitStatus.FAILURE;
        }
    }

    static String version()
    {
        final String version = Cli.class.getPackage().getImplementationVersion();
        return null == version ? "(development build)" : version;
    }
}
