package io.pageowner.cli;

import io.pageowner.analysis.ExitStatus;
import io.pageowner.options.AttachProperties;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The commands that work on a running JVM by process id: {@code dump}, {@code on}, {@code off},
 * {@code status}, {@code list}, and {@code baseline}, {@code diff}, {@code top} and {@code leaks} by pid. They use
 * the JDK's attach mechanism (so the same OS user only) and the agent's MBean over a local JMX connection.
 */
public final class AttachCli
{
    /** The commands this class runs. */
    public static final List<String> COMMANDS = List.of("dump", "on", "off", "status", "list", "baseline");

    private static final String PROGRAM = "page-owner: ";
    private static final String JAR_NAME = "page-owner.jar";

    private final PrintStream out;
    private final PrintStream err;
    private final Path jar;

    private AttachCli(final PrintStream out, final PrintStream err, final Path jar)
    {
        this.out = out;
        this.err = err;
        this.jar = jar;
    }

    /**
     * Whether a word starts one of these commands (or is {@code -d} before one).
     *
     * @param word the first argument.
     * @return true if {@link #run} handles it.
     */
    public static boolean handles(final String word)
    {
        return COMMANDS.contains(word) || "-d".equals(word) || "--debug".equals(word);
    }

    /**
     * Whether a command line is {@code diff <pid> [<file>]}, {@code top <pid> [N]} or {@code leaks <pid> ...} on a
     * running JVM rather than the same command on dump files: its first operand is a number that names no file.
     *
     * @param args the command and its arguments.
     * @return true if {@link #run} handles it.
     */
    public static boolean handlesLive(final String[] args)
    {
        if (args.length < 2 || !("diff".equals(args[0]) || "top".equals(args[0]) || "leaks".equals(args[0])))
        {
            return false;
        }
        for (int i = 1; i < args.length; i++)
        {
            if (!"-d".equals(args[i]) && !"--debug".equals(args[i]))
            {
                return args[i].matches("[0-9]{1,18}") && !Files.exists(Path.of(args[i]));
            }
        }
        return false;
    }

    /**
     * Runs a command.
     *
     * @param args the command and its arguments, {@code -d} or {@code --debug} anywhere.
     * @param out  standard output: the results.
     * @param err  standard error: one line per failure, stack traces with {@code -d}.
     * @return the exit status: {@link ExitStatus#OK}, {@link ExitStatus#USAGE}, {@link ExitStatus#FAILURE} or
     *         {@link ExitStatus#NOT_LOADED}.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        return run(args, out, err, Path.of("").toAbsolutePath(), ownJar());
    }

    static int run(
        final String[] args, final PrintStream out, final PrintStream err, final Path workingDir, final Path jar)
    {
        boolean debug = false;
        for (final String arg : args)
        {
            debug |= "-d".equals(arg) || "--debug".equals(arg);
        }
        try
        {
            final CliArguments arguments = CliArguments.parse(args, workingDir);
            return new AttachCli(out, err, jar).run(arguments);
        }
        catch (final CliException ex)
        {
            // NOTE: "page-owner is not loaded in <pid>" names the program already.
            err.println(ex.getMessage().startsWith("page-owner ") ? ex.getMessage() : PROGRAM + ex.getMessage());
            if (debug && null != ex.getCause())
            {
                ex.getCause().printStackTrace(err);
            }
            return ex.exitStatus();
        }
        catch (final NoClassDefFoundError ex)
        {
            // NOTE: a runtime image without jdk.attach (a jlink'ed JRE) fails when TargetJvm links.
            err.println(PROGRAM + "this Java runtime has no jdk.attach module (" + ex.getMessage() +
                "): run page-owner.jar with a JDK's java");
            if (debug)
            {
                ex.printStackTrace(err);
            }
            return ExitStatus.FAILURE;
        }
        catch (final RuntimeException ex)
        {
            err.println(PROGRAM + "unexpected error: " + ex + (debug ? "" : " (-d shows the stack trace)"));
            if (debug)
            {
                ex.printStackTrace(err);
            }
            return ExitStatus.FAILURE;
        }
        finally
        {
            out.flush();
            err.flush();
        }
    }

    private int run(final CliArguments arguments) throws CliException
    {
        if ("list".equals(arguments.command()))
        {
            list();
            return ExitStatus.OK;
        }
        final TargetProcess process = TargetProcess.check(arguments.pid());
        try (TargetJvm target = TargetJvm.attach(process))
        {
            switch (arguments.command())
            {
                case "dump":
                    dump(target, arguments.file());
                    break;
                case "on":
                    on(target, arguments.agentOptions());
                    break;
                case "off":
                    off(target);
                    break;
                case "status":
                    status(target);
                    break;
                case "baseline":
                    requireAgent(target, "");
                    out.println(target.baseline());
                    break;
                case "diff":
                    diff(target, arguments.file());
                    break;
                case "top":
                    return top(target, arguments.file());
                case "leaks":
                    return leaks(target, arguments.every(), arguments.span());
                default:
                    throw new IllegalStateException(arguments.command());
            }
        }
        return ExitStatus.OK;
    }

    /**
     * The growth since the target's baseline: to the file, or, without one, through a private temporary file to
     * stdout (the target writes it: it is the same user).
     */
    private void diff(final TargetJvm target, final String file) throws CliException
    {
        requireAgent(target, "");
        if (null != file)
        {
            out.println(target.diff(file));
            return;
        }
        final Path dir = privateTemp(target.pid());
        try
        {
            final Path text = dir.resolve("diff.txt");
            target.diff(text.toString());
            Files.copy(text, out);
        }
        catch (final java.io.IOException ex)
        {
            throw new CliException(ExitStatus.FAILURE, "cannot read the diff the target wrote: " + ex, ex);
        }
        finally
        {
            removeTemp(dir);
        }
    }

    /**
     * {@code top} of a running JVM: a dump into a private temporary directory, {@code top} of it, the dump removed.
     */
    private int top(final TargetJvm target, final String count) throws CliException
    {
        requireAgent(target, "");
        final Path dir = privateTemp(target.pid());
        try
        {
            final Path dump = dir.resolve("dump.txt");
            target.dump(dump.toString());
            final java.io.ByteArrayOutputStream table = new java.io.ByteArrayOutputStream();
            final int status;
            try (PrintStream into = new PrintStream(table, true, java.nio.charset.StandardCharsets.UTF_8))
            {
                final String[] args =
                    null == count ? new String[]{ dump.toString() } : new String[]{ dump.toString(), count };
                status = io.pageowner.analysis.PageOwnerTop.run(args, into, err);
            }
            // NOTE: the table names its input, which is gone by now: name the process instead.
            out.print(table.toString(java.nio.charset.StandardCharsets.UTF_8)
                .replace(" in " + dump + ",", " in process " + target.pid() + ","));
            return status;
        }
        finally
        {
            removeTemp(dir);
        }
    }

    /**
     * {@code leaks} of a running JVM: a dump every {@code every} ns for {@code span} ns into a private temporary
     * directory, {@code leaks} over them, the dumps removed.
     */
    private int leaks(final TargetJvm target, final long every, final long span) throws CliException
    {
        requireAgent(target, "");
        final int dumps = (int)Math.min(1000, span / every + 1);
        final Path dir = privateTemp(target.pid());
        try
        {
            final String[] files = new String[dumps];
            final long start = System.nanoTime();
            for (int i = 0; i < dumps; i++)
            {
                final long wait = start + i * every - System.nanoTime();
                if (wait > 0)
                {
                    Thread.sleep(wait / 1_000_000L, (int)(wait % 1_000_000L));
                }
                files[i] = dir.resolve(String.format(java.util.Locale.ROOT, "dump-%04d.txt", i)).toString();
                target.dump(files[i]);
                err.println("page-owner: leaks " + target.pid() + ": dump " + (i + 1) + " of " + dumps);
            }
            final java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            final int status;
            try (PrintStream into = new PrintStream(text, true, java.nio.charset.StandardCharsets.ISO_8859_1))
            {
                status = io.pageowner.analysis.PageOwnerLeaks.run(files, into, err);
            }
            // NOTE: the first line names the dumps, which are gone by now: name the process instead.
            out.print(text.toString(java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace(files[0] + " to " + files[dumps - 1], "process " + target.pid()));
            return status;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new CliException(ExitStatus.FAILURE, "interrupted", ex);
        }
        finally
        {
            removeTemp(dir);
        }
    }

    private static Path privateTemp(final long pid) throws CliException
    {
        try
        {
            return Files.createTempDirectory("page-owner-" + pid + "-", java.nio.file.attribute.PosixFilePermissions
                .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        }
        catch (final java.io.IOException | UnsupportedOperationException ex)
        {
            throw new CliException(ExitStatus.FAILURE, "cannot make a private temporary directory: " + ex, ex);
        }
    }

    private static void removeTemp(final Path dir)
    {
        try (java.util.stream.Stream<Path> files = Files.list(dir))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        }
        catch (final java.io.IOException ignore)
        {
            // NOTE: a leftover in the temporary directory is harmless; the answer already went out.
        }
    }

    private void dump(final TargetJvm target, final String file) throws CliException
    {
        requireAgent(target, "");
        out.println(target.dump(null == file ? "" : file));
    }

    private void status(final TargetJvm target) throws CliException
    {
        requireAgent(target, "");
        for (final String line : StatusReport.lines(
            target.pid(), target.describe(), target.attributes(StatusReport.ATTRIBUTES), target.bufferPools()))
        {
            out.println(line);
        }
    }

    private void off(final TargetJvm target) throws CliException
    {
        requireAgent(target, ", so there is nothing to switch off");
        final long pid = target.pid();
        if (!enabled(target))
        {
            out.println(
                "page-owner is already off in " + pid + " (" + target.describe() + "); `on " + pid + "` resumes");
            return;
        }
        target.setEnabled(false);
        out.println("page-owner paused in " + pid + " (" + target.describe() + "): new allocations are not recorded " +
            "until `on " + pid + "`; frees still are, so a dump holds only blocks that are still live");
    }

    private void on(final TargetJvm target, final String options) throws CliException
    {
        final long pid = target.pid();
        // NOTE: a started agent says so in the target's agent properties: a JVM without it is loaded and checked
        // with no JMX connection (whose management agent the target would first start: most of a second).
        if (null == target.agentProperty(AttachProperties.OPTIONS))
        {
            final Path agentJar = requireJar();
            final long start = System.nanoTime();
            target.loadAgent(agentJar, options);
            final String running = target.agentProperty(AttachProperties.OPTIONS);
            if (null != running)
            {
                loaded(target, options, (System.nanoTime() - start) / 1_000_000, running,
                    AttachProperties.pools(target.agentProperty(AttachProperties.POOLS)));
                if (target.featureVersion() >= 21)
                {
                    jep451(target, target.agentProperty(AttachProperties.DYNAMIC_AGENT_LOADING));
                }
                return;
            }
            // NOTE: agentmain has returned, so an agent that started has published; only one of an older jar,
            // started with -javaagent before, publishes nothing and has its MBean, and loadAgent left it alone.
            if (!target.agentLoaded())
            {
                throw new CliException(ExitStatus.FAILURE, "page-owner was loaded into " + pid +
                    " but did not start: its stderr says why, in a line starting with [page-owner]");
            }
        }
        if (target.agentLoaded())
        {
            final String running = String.valueOf(target.attributes("Options").getOrDefault("Options", "?"));
            if (enabled(target))
            {
                out.println("page-owner is already on in " + pid + " (" + target.describe() + "), options " + running);
            }
            else
            {
                final boolean detached = Boolean.TRUE.equals(target.attributes("Detached").get("Detached"));
                target.setEnabled(true);
                out.println("page-owner resumed in " + pid + " (" + target.describe() + "): recording from now on" +
                    (detached ? ", the advice installed again; allocations and frees made while it was detached " +
                        "were not seen" : "; allocations made while it was off are not attributed (while_off)"));
            }
            if (!"on".equals(options))
            {
                out.println("options " + options.substring("on,".length()) + " not applied: they take effect only " +
                    "when page-owner loads, and it runs with " + running);
            }
            return;
        }

        // NOTE: started (it published its options) but its MBean is not there: the registration failed or timed out.
        throw new CliException(ExitStatus.FAILURE, "page-owner runs in " + pid + " but its MBean is not registered: " +
            "that JVM's stderr says why, in a line starting with [page-owner]");
    }

    private void loaded(
        final TargetJvm target, final String options, final long millis, final String running,
        final Map<String, long[]> before) throws CliException
    {
        out.println("page-owner loaded into " + target.pid() + " (" + target.describe() + ") in " + millis +
            " ms: tracking off-heap allocations from now on");
        out.println("options: " + (null == running ? options : running));
        out.println("before start: allocations made before now are not attributed; their frees are counted as " +
            "untracked (before_start)");
        if (!before.isEmpty())
        {
            out.println("  the JVM already held " + StatusReport.pools(before) +
                " (BufferPoolMXBean; no JVM counter totals raw Unsafe memory)");
        }
    }

    /**
     * JEP 451 (JDK 21+): loading an agent into a running JVM prints a warning on the target's stderr,
     * unless that JVM was started with {@code -XX:+EnableDynamicAgentLoading}.
     */
    private void jep451(final TargetJvm target, final String flagSet) throws CliException
    {
        final String advice = "start the JVM with -XX:+EnableDynamicAgentLoading to allow `on` without a " +
            "warning, or with -javaagent:" + JAR_NAME + "=on to track from the start";
        if ("true".equals(flagSet))
        {
            out.println("JEP 451: " + target.pid() + " runs with -XX:+EnableDynamicAgentLoading, so it printed no " +
                "warning");
        }
        else
        {
            out.println("JEP 451: Java " + target.featureVersion() +
                " printed \"WARNING: A Java agent has been loaded dynamically (...)\" on " + target.pid() +
                "'s stderr; it does no harm, but next time " + advice);
        }
    }

    private void list()
    {
        final String self = Long.toString(ProcessHandle.current().pid());
        final List<VirtualMachineDescriptor> jvms = new ArrayList<>(VirtualMachine.list());
        jvms.sort(Comparator.comparingLong(jvm -> pidOf(jvm.id())));
        for (final VirtualMachineDescriptor jvm : jvms)
        {
            final String name = jvm.displayName().isBlank() ? "(no main class known)" : jvm.displayName();
            out.println(jvm.id() + " " + name + (self.equals(jvm.id()) ? "   (this command)" : ""));
        }
    }

    private static long pidOf(final String id)
    {
        try
        {
            return Long.parseLong(id);
        }
        catch (final NumberFormatException ex)
        {
            return Long.MAX_VALUE;
        }
    }

    private static void requireAgent(final TargetJvm target, final String consequence) throws CliException
    {
        if (!target.agentLoaded())
        {
            final long pid = target.pid();
            throw new CliException(ExitStatus.NOT_LOADED, "page-owner is not loaded in " + pid + " (" +
                target.describe() + ")" + consequence + "; `java -jar " + JAR_NAME + " on " + pid +
                "` loads it and tracks from then on");
        }
    }

    private static boolean enabled(final TargetJvm target) throws CliException
    {
        return !Boolean.FALSE.equals(target.attributes("Enabled").get("Enabled"));
    }

    private Path requireJar() throws CliException
    {
        if (null == jar)
        {
            throw new CliException(ExitStatus.FAILURE, "on needs this command to run from " + JAR_NAME +
                " (java -jar " + JAR_NAME + " on <pid>), to load that jar into the target");
        }
        return jar;
    }

    /**
     * The jar this class was loaded from, which {@code on} loads into the target.
     *
     * @return its absolute path, or null when not run from a jar (tests).
     */
    static Path ownJar()
    {
        try
        {
            final Path path = Path.of(AttachCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(path) ? path.toAbsolutePath() : null;
        }
        catch (final URISyntaxException | RuntimeException ex)
        {
            return null;
        }
    }
}
