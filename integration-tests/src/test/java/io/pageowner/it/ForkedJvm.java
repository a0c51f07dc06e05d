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
    private boolean withAgent;
    private String mainClass;
    private long timeoutSeconds = 120;

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
        final List<String> command = new ArrayList<>();
        command.add(java().toString());
        if (withAgent)
        {
            command.add("-javaagent:" + agentJar() + (null == agentOptions ? "" : "=" + agentOptions));
        }
        command.add("-Xmx256m");
        if (jdkVersion() >= 24)
        {
            // NOTE: the scenario apps use sun.misc.Unsafe as libraries do; keep JEP 498's warning
            // about that (the app's, not the agent's) off stderr, which the tests inspect.
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(required("pageowner.it.classpath"));
        command.add(mainClass);
        command.addAll(args);

        final Process process = new ProcessBuilder(command)
            .directory(work.toFile())
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
}
