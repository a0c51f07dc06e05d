package io.pageowner.cli;

import io.pageowner.analysis.ExitStatus;
import io.pageowner.options.AgentOptions;
import io.pageowner.dump.DumpPaths;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of the attach commands, checked before anything touches the target: the command,
 * the process id, the dump file or the agent options, and {@code -d}.
 */
final class CliArguments
{
    /** Commands that take a process id. */
    static final List<String> PID_COMMANDS =
        List.of("dump", "on", "off", "status", "baseline", "diff", "top", "leaks");
    /** {@code leaks <pid>}: a dump every this many ns ... */
    static final long DEFAULT_EVERY = 10_000_000_000L;
    /** ... for this long. */
    static final long DEFAULT_FOR = 60_000_000_000L;

    private final String command;
    private final long pid;
    private final String file;
    private final String agentOptions;
    private final boolean debug;
    private long every;
    private long span;

    private CliArguments(
        final String command, final long pid, final String file, final String agentOptions, final boolean debug)
    {
        this.command = command;
        this.pid = pid;
        this.file = file;
        this.agentOptions = agentOptions;
        this.debug = debug;
    }

    /**
     * Parses and checks a command line.
     *
     * @param args       the command and its arguments, {@code -d} or {@code --debug} anywhere.
     * @param workingDir against which a relative dump file or {@code dump=} path is made absolute.
     * @return the arguments.
     * @throws CliException with {@link ExitStatus#USAGE} and a one-line reason.
     */
    static CliArguments parse(final String[] args, final Path workingDir) throws CliException
    {
        boolean debug = false;
        final List<String> words = new ArrayList<>();
        for (final String arg : args)
        {
            if ("-d".equals(arg) || "--debug".equals(arg))
            {
                debug = true;
            }
            else
            {
                words.add(arg);
            }
        }
        if (words.isEmpty())
        {
            throw usage("no command given: one of " + String.join(", ", PID_COMMANDS) + ", list, help");
        }

        final String command = words.get(0);
        if ("leaks".equals(command))
        {
            return leaks(words, debug);
        }
        for (final String word : words.subList(1, words.size()))
        {
            if (word.startsWith("-") && !word.matches("-[0-9]+"))
            {
                throw usage("unknown option '" + word + "' for " + command + " (only -d, --debug)");
            }
        }
        if ("list".equals(command))
        {
            if (words.size() > 1)
            {
                throw usage("list takes no arguments");
            }
            return new CliArguments(command, 0, null, null, debug);
        }
        if (!PID_COMMANDS.contains(command))
        {
            throw usage("unknown command '" + command + "'");
        }
        if (words.size() < 2)
        {
            throw usage(command + " needs a process id: " + synopsis(command) + " (`list` shows them)");
        }
        final long pid = parsePid(words.get(1));

        switch (command)
        {
            case "dump":
                if (words.size() > 3)
                {
                    throw usage("too many arguments: " + synopsis(command));
                }
                return new CliArguments(
                    command, pid, words.size() == 3 ? dumpFile(words.get(2), pid, workingDir) : null, null, debug);
            case "diff":
                if (words.size() > 3)
                {
                    throw usage("too many arguments: " + synopsis(command));
                }
                return new CliArguments(
                    command, pid, words.size() == 3 ? dumpFile(words.get(2), pid, workingDir) : null, null, debug);
            case "top":
                if (words.size() > 3)
                {
                    throw usage("too many arguments: " + synopsis(command));
                }
                if (words.size() == 3 && !words.get(2).matches("[1-9][0-9]{0,8}"))
                {
                    throw usage("N must be a whole number from 1 to 999999999, not '" + words.get(2) + "'");
                }
                return new CliArguments(command, pid, words.size() == 3 ? words.get(2) : null, null, debug);
            case "on":
                return new CliArguments(
                    command, pid, null, agentOptions(words.subList(2, words.size()), workingDir), debug);
            default:
                if (words.size() > 2)
                {
                    throw usage("too many arguments: " + synopsis(command));
                }
                return new CliArguments(command, pid, null, null, debug);
        }
    }

    /**
     * {@code leaks <pid> [--every <age>] [--for <age>]}: at least two dumps.
     */
    private static CliArguments leaks(final List<String> words, final boolean debug) throws CliException
    {
        if (words.size() < 2)
        {
            throw usage("leaks needs a process id: " + synopsis("leaks") + " (`list` shows them)");
        }
        final long pid = parsePid(words.get(1));
        long every = DEFAULT_EVERY;
        long span = DEFAULT_FOR;
        for (int i = 2; i < words.size(); i += 2)
        {
            final String option = words.get(i);
            if (!"--every".equals(option) && !"--for".equals(option))
            {
                throw usage("unknown argument '" + option + "': " + synopsis("leaks"));
            }
            if (i + 1 == words.size())
            {
                throw usage(option + " needs an age, e.g. 10s or 5m");
            }
            try
            {
                final long age = io.pageowner.analysis.PageOwnerLeaks.age(words.get(i + 1), option);
                if ("--every".equals(option))
                {
                    every = age;
                }
                else
                {
                    span = age;
                }
            }
            catch (final IllegalArgumentException ex)
            {
                throw usage(ex.getMessage());
            }
        }
        if (every < 100_000_000L)
        {
            throw usage("--every must be at least 100ms");
        }
        if (span < every)
        {
            throw usage("--for must be at least --every: leaks needs two dumps or more");
        }
        final CliArguments arguments = new CliArguments("leaks", pid, null, null, debug);
        arguments.every = every;
        arguments.span = span;
        return arguments;
    }

    /**
     * A process id: a positive whole number.
     *
     * @param text as typed.
     * @return the pid.
     * @throws CliException if it is not one.
     */
    static long parsePid(final String text) throws CliException
    {
        final String why = "'" + text + "' is not a process id (a positive whole number; `list` shows the JVMs)";
        if (text.isEmpty() || text.length() > 18)
        {
            throw usage(why);
        }
        long pid = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                throw usage(why);
            }
            pid = pid * 10 + (c - '0');
        }
        if (pid < 1 || pid > Integer.MAX_VALUE)
        {
            throw usage(why);
        }
        return pid;
    }

    /**
     * The dump file, absolute: the target JVM resolves a relative path against its own working
     * directory, which is rarely the user's. {@code %p}, {@code %t} and {@code %%} are expanded as in
     * the {@code dump=} option (the agent expands only that option's pattern).
     */
    private static String dumpFile(final String file, final long pid, final Path workingDir) throws CliException
    {
        if (file.isBlank())
        {
            throw usage("the dump file name is empty; leave it out to use the agent's dump= path");
        }
        try
        {
            return absolute(DumpPaths.resolve(file, pid, Instant.now()).toString(), workingDir);
        }
        catch (final InvalidPathException ex)
        {
            throw usage("'" + file + "' is not a valid path: " + ex.getReason());
        }
    }

    /**
     * The options for {@code on}, validated here with the agent's own parser, so a typo is reported
     * to the user rather than printed on the target's stderr; {@code dump=} is made absolute.
     */
    private static String agentOptions(final List<String> words, final Path workingDir) throws CliException
    {
        final List<String> tokens = new ArrayList<>();
        tokens.add("on");
        for (final String word : words)
        {
            for (final String raw : word.split(",", -1))
            {
                final String token = raw.trim();
                if ("on".equals(token))
                {
                    continue;
                }
                if ("off".equals(token))
                {
                    throw usage("'off' is not an option of on: use `off <pid>` to pause tracking");
                }
                if (token.startsWith("dump=") && token.length() > "dump=".length())
                {
                    tokens.add("dump=" + absolute(token.substring("dump=".length()).trim(), workingDir));
                }
                else
                {
                    tokens.add(token);
                }
            }
        }
        final String options = String.join(",", tokens);
        final AgentOptions parsed = AgentOptions.parse(options);
        if (null != parsed.error())
        {
            throw usage(parsed.error().replace(" page-owner stays off.", ""));
        }
        return options;
    }

    private static String absolute(final String file, final Path workingDir) throws CliException
    {
        try
        {
            return workingDir.resolve(file).toAbsolutePath().normalize().toString();
        }
        catch (final InvalidPathException ex)
        {
            throw usage("'" + file + "' is not a valid path: " + ex.getReason());
        }
    }

    /**
     * How a command is called.
     *
     * @param command the command.
     * @return e.g. {@code dump <pid> [<file>]}.
     */
    static String synopsis(final String command)
    {
        switch (command)
        {
            case "dump":
                return "dump <pid> [<file>]";
            case "on":
                return "on <pid> [<option>,...]";
            case "diff":
                return "diff <pid> [<file>]";
            case "top":
                return "top <pid> [N]";
            case "leaks":
                return "leaks <pid> [--every <age>] [--for <age>]";
            default:
                return command + " <pid>";
        }
    }

    private static CliException usage(final String message)
    {
        return new CliException(ExitStatus.USAGE, message);
    }

    /**
     * The command.
     *
     * @return dump, on, off, status or list.
     */
    String command()
    {
        return command;
    }

    /**
     * The target's process id.
     *
     * @return the pid, 0 for {@code list}.
     */
    long pid()
    {
        return pid;
    }

    /**
     * The dump file for {@code dump}, the output file for {@code diff}, or N for {@code top}.
     *
     * @return an absolute path, or null for the agent's {@code dump=} path (stdout for {@code diff}); for
     *         {@code top}, N or null.
     */
    String file()
    {
        return file;
    }

    /**
     * The agent options for {@code on}.
     *
     * @return starting with {@code on}, a {@code dump=} path made absolute.
     */
    String agentOptions()
    {
        return agentOptions;
    }

    /**
     * For {@code leaks}: the time between two dumps.
     *
     * @return ns.
     */
    long every()
    {
        return every;
    }

    /**
     * For {@code leaks}: how long to take dumps for.
     *
     * @return ns.
     */
    long span()
    {
        return span;
    }

    /**
     * Whether to print stack traces of failures.
     *
     * @return true with {@code -d} or {@code --debug}.
     */
    boolean debug()
    {
        return debug;
    }
}
