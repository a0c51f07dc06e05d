package io.pageowner.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a scenario main in a fresh JVM of the JDK under test, with the real shaded agent jar, and
 * collects its exit code and output. The JDK comes from {@code pageowner.test.javaHome}, which the
 * POM sets once per failsafe execution (17, then 25): a missing JDK fails the test, never skips it.
 */
public final class ForkedJvm
{
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private String agentOptions;
    private String extraClassPath;
    private boolean withAgent;
    private String mainClass;
    private long timeoutSeconds = 120;
    private Path directory;
    private boolean cli;
    private boolean bare;

    private ForkedJvm()
    {
    }

    /**
     * A JVM running a scenario main.
     *
     * @param mainClass the scenario.
     * @return the builder.
     */
    public static ForkedJvm main(final Class<?> mainClass)
    {
        final ForkedJvm jvm = new ForkedJvm();
        jvm.mainClass = mainClass.getName();
        return jvm;
    }

    /**
     * The command line of the agent jar: {@code java -jar page-owner.jar <args>}, on the JDK under test.
     *
     * @param args the command and its arguments.
     * @return the builder.
     */
    public static ForkedJvm cli(final String... args)
    {
        final ForkedJvm jvm = new ForkedJvm();
        jvm.cli = true;
        jvm.args.addAll(List.of(args));
        return jvm;
    }

    /**
     * Sets the working directory (default: {@link #workDir()}).
     *
     * @param dir the directory, created if missing.
     * @return this.
     */
    public ForkedJvm directory(final Path dir)
    {
        directory = dir;
        return this;
    }

    /**
     * Adds jars after the probes' class path: a library the probe runs against in one version or another
     * (Netty 4.1, 4.2, a shaded copy), named by a system property that the build sets.
     *
     * @param property whose value is the jars, separated as class paths are.
     * @return this.
     */
    public ForkedJvm classPathFrom(final String property)
    {
        extraClassPath = required(property);
        return this;
    }

    /**
     * Adds {@code -javaagent:page-owner.jar[=options]}.
     *
     * @param options after the {@code =}, or null for none.
     * @return this.
     */
    public ForkedJvm agent(final String options)
    {
        withAgent = true;
        agentOptions = options;
        return this;
    }

    /**
     * Adds JVM options.
     *
     * @param options to add.
     * @return this.
     */
    public ForkedJvm jvmArgs(final String... options)
    {
        jvmArgs.addAll(List.of(options));
        return this;
    }

    /**
     * Starts the JVM with no JVM option at all (not even the usual heap limit), as {@code java -cp app.jar Main}
     * does: the JVM then reports its arguments as null rather than empty.
     *
     * @return this.
     */
    public ForkedJvm withoutJvmOptions()
    {
        bare = true;
        return this;
    }

    /**
     * Adds program arguments.
     *
     * @param values to add.
     * @return this.
     */
    public ForkedJvm args(final String... values)
    {
        args.addAll(List.of(values));
        return this;
    }

    /**
     * Sets the time after which the JVM is killed and the test fails.
     *
     * @param seconds the limit.
     * @return this.
     */
    public ForkedJvm timeout(final long seconds)
    {
        timeoutSeconds = seconds;
        return this;
    }

    /**
     * Runs the JVM to completion.
     *
     * @return its exit code and output.
     * @throws Exception if it cannot start or does not finish in time.
     */
    public Result run() throws Exception
    {
        final Path work = workDir();
        final Path stdout = Files.createTempFile(work, "stdout-", ".txt");
        final Path stderr = Files.createTempFile(work, "stderr-", ".txt");
        final List<String> command = command();

        final Process process = new ProcessBuilder(command)
            .directory(directory().toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", command) +
                "\nstdout:\n" + Files.readString(stdout) + "\nstderr:\n" + Files.readString(stderr));
        }
        return new Result(
            process.exitValue(),
            Files.readString(stdout, StandardCharsets.UTF_8),
            Files.readString(stderr, StandardCharsets.UTF_8),
            String.join(" ", command));
    }

    /**
     * Runs a probe that takes a dump file and a truth file as its first two arguments, as most of
     * the scenario apps do: both are named after the scenario in {@link #workDir()}, any left by an
     * earlier run are deleted first, and the run must succeed.
     *
     * @param name     of the scenario: the files are {@code name.dump} and {@code name.truth}.
     * @param moreArgs after the two files.
     * @return the files and the run's result.
     * @throws Exception if the JVM cannot start, does not finish in time, or fails.
     */
    public Probed runProbe(final String name, final String... moreArgs) throws Exception
    {
        final Path work = workDir();
        final Path dumpFile = work.resolve(name + ".dump");
        final Path truthFile = work.resolve(name + ".truth");
        Files.deleteIfExists(dumpFile);
        Files.deleteIfExists(truthFile);
        args.addAll(0, List.of(dumpFile.toString(), truthFile.toString()));
        args.addAll(List.of(moreArgs));
        return new Probed(dumpFile, truthFile, run().assertSuccess());
    }

    private List<String> command()
    {
        final List<String> command = new ArrayList<>();
        command.add(java().toString());
        if (withAgent)
        {
            command.add("-javaagent:" + agentJar() + (null == agentOptions ? "" : "=" + agentOptions));
        }
        if (!bare)
        {
            command.add("-Xmx256m");
        }
        if (jdkVersion() >= 24 && !bare)
        {
            // NOTE: the scenario apps use sun.misc.Unsafe as libraries do; keep JEP 498's warning
            // about that (the app's, not the agent's) off stderr, which the tests inspect.
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(jvmArgs);
        if (cli)
        {
            command.add("-jar");
            command.add(agentJar().toString());
        }
        else
        {
            command.add("-cp");
            command.add(required("pageowner.it.classpath") +
                (null == extraClassPath ? "" : java.io.File.pathSeparator + extraClassPath));
            command.add(mainClass);
        }
        command.addAll(args);
        return command;
    }

    private Path directory() throws IOException
    {
        final Path dir = null == directory ? workDir() : directory;
        Files.createDirectories(dir);
        return dir;
    }

    /**
     * Starts the JVM and returns at once, for tests that work on a running process (the command
     * line's attach commands). Its stdout is read line by line as it comes, its stdin stays open
     * until {@link Background#stop()}, and {@link Background#close()} kills it if it still runs.
     *
     * @return the running JVM.
     * @throws Exception if it cannot start.
     */
    public Background start() throws Exception
    {
        final Path stderr = Files.createTempFile(workDir(), "stderr-", ".txt");
        final List<String> command = command();
        final Process process = new ProcessBuilder(command)
            .directory(directory().toFile())
            .redirectError(stderr.toFile())
            .start();
        return new Background(process, stderr, String.join(" ", command), timeoutSeconds);
    }

    /**
     * The java launcher of the JDK under test.
     *
     * @return its path.
     */
    public static Path java()
    {
        final String home = System.getProperty("pageowner.test.javaHome", "");
        final String version = System.getProperty("pageowner.test.jdk", "?");
        if (home.isBlank())
        {
            throw new AssertionError("JDK " + version + " for the integration tests is not set: run scripts/test.sh, " +
                "which finds it, or pass -Dpageowner.jdk" + version + ".home=/path/to/jdk");
        }
        final Path java = Path.of(home, "bin", "java");
        if (!Files.isExecutable(java))
        {
            throw new AssertionError("JDK " + version + " not found: " + java + " is not executable");
        }
        return java;
    }

    /**
     * The feature version the tests run on.
     *
     * @return 17 or 25.
     */
    public static int jdkVersion()
    {
        return Integer.parseInt(System.getProperty("pageowner.test.jdk", "17"));
    }

    /**
     * The shaded agent jar.
     *
     * @return its path.
     */
    public static Path agentJar()
    {
        final Path jar = Path.of(required("pageowner.agent.jar"));
        if (!Files.isRegularFile(jar))
        {
            throw new AssertionError("agent jar " + jar + " not found: run `mvn package` first");
        }
        return jar.toAbsolutePath().normalize();
    }

    /**
     * A fresh directory for one test's files.
     *
     * @return the directory.
     * @throws IOException if it cannot be created.
     */
    public static Path workDir() throws IOException
    {
        final Path root = Path.of(System.getProperty("pageowner.it.workdir", "target/it-work"), "jdk" + jdkVersion());
        Files.createDirectories(root);
        return root.toAbsolutePath();
    }

    private static String required(final String property)
    {
        final String value = System.getProperty(property);
        if (null == value || value.isBlank())
        {
            throw new AssertionError("system property " + property + " is not set: run the tests through Maven");
        }
        return value;
    }

    /**
     * How a forked JVM ended.
     *
     * @param exitCode its exit code.
     * @param stdout   what it printed.
     * @param stderr   what it printed on stderr.
     * @param command  the command line, for messages.
     */
    /**
     * What {@link #runProbe(String, String...)} gives back.
     *
     * @param dumpFile  the dump the probe wrote.
     * @param truthFile what the probe knows to be true.
     * @param result    the run.
     */
    public record Probed(Path dumpFile, Path truthFile, Result result)
    {
        /**
         * The dump, parsed.
         *
         * @return it.
         * @throws IOException if it cannot be read.
         */
        public Dump dump() throws IOException
        {
            return Dump.parse(dumpFile);
        }

        /**
         * The truth file, read.
         *
         * @return it.
         * @throws IOException if it cannot be read.
         */
        public Truth truth() throws IOException
        {
            return Truth.read(truthFile);
        }
    }

    public record Result(int exitCode, String stdout, String stderr, String command)
    {
        /**
         * Fails unless the exit code was 0.
         *
         * @return this.
         */
        public Result assertSuccess()
        {
            if (0 != exitCode)
            {
                throw new AssertionError("exit code " + exitCode + " from " + command + "\nstdout:\n" + stdout +
                    "\nstderr:\n" + stderr);
            }
            return this;
        }
    }
    /**
     * A JVM started by {@link #start()}, running until stopped or closed.
     */
    public static final class Background implements AutoCloseable
    {
        private final Process process;
        private final Path stderr;
        private final String command;
        private final long timeoutSeconds;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;
        private final java.io.Writer stdin;

        private Background(final Process process, final Path stderr, final String command, final long timeoutSeconds)
        {
            this.process = process;
            this.stderr = stderr;
            this.command = command;
            this.timeoutSeconds = timeoutSeconds;
            this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.reader = new Thread(this::readStdout, "stdout of " + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        private void readStdout()
        {
            try (java.io.BufferedReader in = new java.io.BufferedReader(
                new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = in.readLine()))
                {
                    synchronized (lines)
                    {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            }
            catch (final IOException ex)
            {
                // NOTE: the process ended; what it printed is kept.
            }
            finally
            {
                synchronized (lines)
                {
                    lines.notifyAll();
                }
            }
        }

        /**
         * The process id.
         *
         * @return the pid.
         */
        public long pid()
        {
            return process.pid();
        }

        /**
         * Waits for a line of stdout starting with a prefix, printed after the first {@code skip} lines.
         *
         * @param prefix  the line's start.
         * @param skip    lines already seen (see {@link #stdoutLines()}).
         * @param seconds how long to wait.
         * @return the line.
         * @throws Exception if it does not come in time or the process ends first.
         */
        public String awaitLine(final String prefix, final int skip, final long seconds) throws Exception
        {
            final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            synchronized (lines)
            {
                int next = skip;
                while (true)
                {
                    for (; next < lines.size(); next++)
                    {
                        if (lines.get(next).startsWith(prefix))
                        {
                            return lines.get(next);
                        }
                    }
                    final long left = deadline - System.nanoTime();
                    if (left <= 0 || (!process.isAlive() && !reader.isAlive()))
                    {
                        throw new AssertionError("no line '" + prefix + "...' from " + command + "\nstdout:\n" +
                            String.join("\n", lines) + "\nstderr:\n" + stderr());
                    }
                    lines.wait(Math.max(1, left / 1_000_000L));
                }
            }
        }

        /**
         * Waits for a line of stdout starting with a prefix.
         *
         * @param prefix the line's start.
         * @return the line.
         * @throws Exception if it does not come within the timeout.
         */
        public String awaitLine(final String prefix) throws Exception
        {
            return awaitLine(prefix, 0, timeoutSeconds);
        }

        /**
         * Writes a line to the process's stdin.
         *
         * @param line to write.
         * @throws IOException if the process has closed its stdin.
         */
        public void send(final String line) throws IOException
        {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        }

        /**
         * What the process printed on stdout so far.
         *
         * @return the lines.
         */
        public List<String> stdoutLines()
        {
            synchronized (lines)
            {
                return new ArrayList<>(lines);
            }
        }

        /**
         * What the process printed on stderr so far.
         *
         * @return the text.
         * @throws IOException if it cannot be read.
         */
        public String stderr() throws IOException
        {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        }

        /**
         * Closes the process's stdin and waits for it to end.
         *
         * @return its exit code and output.
         * @throws Exception if it does not end in time.
         */
        public Result stop() throws Exception
        {
            try
            {
                stdin.close();
            }
            catch (final IOException ex)
            {
                // NOTE: it has already gone.
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
            {
                close();
                throw new AssertionError("timed out after " + timeoutSeconds + " s: " + command);
            }
            reader.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
            return new Result(process.exitValue(), String.join("\n", stdoutLines()), stderr(), command);
        }

        /**
         * Kills the process if it still runs.
         */
        @Override
        public void close()
        {
            if (process.isAlive())
            {
                process.destroyForcibly();
            }
        }
    }
}
