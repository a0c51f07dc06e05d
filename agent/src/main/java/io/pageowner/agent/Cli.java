package io.pageowner.agent;

import java.io.PrintStream;

/**
 * The jar's command line: {@code sort} (our page_owner_sort) and {@code version}.
 */
final class Cli
{
    static final String USAGE = String.join(
        System.lineSeparator(),
        "usage: java -jar page-owner.jar <command> [arguments]",
        "commands:",
        "  sort [options] <input> <output>   group a page_owner dump by stack (sort --help for options)",
        "  version                           print the version",
        "as an agent: java -javaagent:page-owner.jar=on[,key=value...] -jar app.jar",
        "agent options: " + AgentOptions.ACCEPTED);

    private Cli()
    {
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (0 == args.length)
        {
            err.println(USAGE);
            return 1;
        }
        switch (args[0])
        {
            case "sort":
                return io.pageowner.sort.PageOwnerSort.run(PageOwnerAgent.tail(args), out, err);
            case "version":
                out.println("page-owner " + version());
                return 0;
            case "-h":
            case "--help":
            case "help":
                out.println(USAGE);
                return 0;
            default:
                err.println("page-owner: unknown command '" + args[0] + "'");
                err.println(USAGE);
                return 1;
        }
    }

    static String version()
    {
        final String version = Cli.class.getPackage().getImplementationVersion();
        return null == version ? "(development build)" : version;
    }
}
