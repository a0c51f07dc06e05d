package io.pageowner.cli;

import io.pageowner.analysis.ExitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class AttachCliTest
{
    private String out;
    private String err;

    private int run(final String... args)
    {
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final int status = AttachCli.run(
            args,
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8),
            Path.of("/tmp"),
            null);
        out = stdout.toString(StandardCharsets.UTF_8);
        err = stderr.toString(StandardCharsets.UTF_8);
        return status;
    }

    @Test
    void shouldListThisJvmAndMarkIt()
    {
        assertEquals(ExitStatus.OK, run("list"));
        final String self = Long.toString(ProcessHandle.current().pid());
        assertTrue(out.lines().anyMatch(line -> line.startsWith(self + " ") && line.endsWith("(this command)")), out);
        assertEquals("", err);
    }

    @Test
    void shouldPrintOneLineAndNoStackTraceOnAWrongCommandLine()
    {
        assertEquals(ExitStatus.USAGE, run("status", "abc"));
        assertEquals("page-owner: 'abc' is not a process id (a positive whole number; `list` shows the JVMs)\n", err);
        assertEquals("", out);
    }

    @Test
    void shouldExitTwoWhenTheProcessCannotBeReached()
    {
        assertEquals(ExitStatus.FAILURE, run("dump", Long.toString(ProcessHandle.current().pid())));
        assertTrue(err.startsWith("page-owner: ") && err.endsWith("is this command's own JVM\n"), err);
        assertEquals(1, err.lines().count(), err);
    }

    @Test
    void shouldHandleOnlyItsCommandsAndDebug()
    {
        for (final String command : new String[]{ "dump", "on", "off", "status", "list", "-d", "--debug" })
        {
            assertTrue(AttachCli.handles(command), command);
        }
        for (final String other : new String[]{ "sort", "version", "help", "-h", "frob" })
        {
            assertFalse(AttachCli.handles(other), other);
        }
    }

    @Test
    void shouldTellTheFeatureVersionOfOldAndNewSchemes()
    {
        assertEquals(25, TargetJvm.featureVersion("25"));
        assertEquals(17, TargetJvm.featureVersion("17"));
        assertEquals(8, TargetJvm.featureVersion("1.8"));
        assertEquals(21, TargetJvm.featureVersion("21.0.1"));
        assertEquals(0, TargetJvm.featureVersion(""));
    }
}
