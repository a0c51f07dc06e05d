package io.pageowner.cli;

import io.pageowner.analysis.ExitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class CliArgumentsTest
{
    private static final Path CWD = Path.of("/home/me/work");

    private static CliArguments parse(final String... args) throws CliException
    {
        return CliArguments.parse(args, CWD);
    }

    private static String usageError(final String... args)
    {
        final CliException ex = assertThrows(CliException.class, () -> parse(args));
        assertEquals(ExitStatus.USAGE, ex.exitStatus(), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
        return ex.getMessage();
    }

    @Test
    void shouldParseEachPidCommand() throws Exception
    {
        for (final String command : CliArguments.PID_COMMANDS)
        {
            final CliArguments arguments = parse(command, "4242");
            assertEquals(command, arguments.command());
            assertEquals(4242, arguments.pid());
            assertFalse(arguments.debug());
        }
    }

    @Test
    void shouldParseTheLiveGrowthCommands() throws Exception
    {
        final CliArguments leaks = parse("leaks", "7", "--every", "5s", "--for", "1m");
        assertEquals(5_000_000_000L, leaks.every());
        assertEquals(60_000_000_000L, leaks.span());
        assertEquals(CliArguments.DEFAULT_EVERY, parse("leaks", "7").every());
        assertEquals(CliArguments.DEFAULT_FOR, parse("leaks", "7").span());
        assertTrue(usageError("leaks", "7", "--every", "50ms").contains("at least 100ms"));
        assertTrue(usageError("leaks", "7", "--every", "5s", "--for", "1s").contains("two dumps or more"));
        assertTrue(usageError("leaks", "7", "--every").contains("needs an age"));
        assertTrue(usageError("leaks", "7", "--every", "5").contains("5"));
        assertTrue(usageError("leaks", "7", "--weekly", "1d").contains("unknown argument '--weekly'"));
        assertEquals("12", parse("top", "7", "12").file());
        assertTrue(usageError("top", "7", "0").contains("N must be"));
        assertTrue(parse("diff", "7", "out.txt").file().endsWith("out.txt"));
        assertTrue(usageError("diff", "7", "a", "b").startsWith("too many arguments"));
    }

    @Test
    void shouldAcceptDebugAnywhere() throws Exception
    {
        assertTrue(parse("-d", "status", "7").debug());
        assertTrue(parse("status", "--debug", "7").debug());
        assertTrue(parse("status", "7", "-d").debug());
        assertEquals(7, parse("status", "7", "-d").pid());
    }

    @Test
    void shouldMakeTheDumpFileAbsoluteAgainstTheCommandsDirectory() throws Exception
    {
        assertEquals("/home/me/work/leak.txt", parse("dump", "1", "leak.txt").file());
        assertEquals("/home/me/leak.txt", parse("dump", "1", "../leak.txt").file());
        assertEquals("/tmp/leak.txt", parse("dump", "1", "/tmp/leak.txt").file());
        assertEquals("/home/me/work/po-31.txt", parse("dump", "31", "po-%p.txt").file());
        assertEquals("/home/me/work/100%", parse("dump", "31", "100%%").file());
        assertTrue(parse("dump", "31", "po-%t.txt").file().matches("/home/me/work/po-\\d{8}-\\d{6}\\.\\d{3}\\.txt"));
        assertNull(parse("dump", "1").file(), "no file: the agent's dump= path");
    }

    @Test
    void shouldValidateAgentOptionsHereAndMakeTheDumpPathAbsolute() throws Exception
    {
        assertEquals("on", parse("on", "9").agentOptions());
        assertEquals(
            "on,depth=32,dump=/home/me/work/x-%p.txt", parse("on", "9", "depth=32,dump=x-%p.txt").agentOptions());
        assertEquals("on,depth=32,log=info", parse("on", "9", "depth=32", "log=info").agentOptions());
        assertEquals("on,depth=8", parse("on", "9", "on,depth=8").agentOptions());
        assertEquals("on,dump=/abs/d.txt", parse("on", "9", "dump=/abs/d.txt").agentOptions());
    }

    @Test
    void shouldRejectBadAgentOptionsWithTheAgentsMessage()
    {
        final String typo = usageError("on", "9", "depht=3");
        assertTrue(typo.startsWith("bad agent option 'depht=3'"), typo);
        assertTrue(typo.contains("unknown key 'depht'"), typo);
        assertFalse(typo.contains("stays off"), typo);
        assertTrue(usageError("on", "9", "depth=0").contains("depth must be a whole number"));
        assertTrue(usageError("on", "9", "off").contains("`off <pid>`"));
    }

    @Test
    void shouldRejectWhatIsNotAProcessId()
    {
        for (final String bad :
            new String[]{ "abc", "0", "-5", "12x", "1.5", "", "99999999999999999999", "2147483648" })
        {
            final String message = usageError("status", bad);
            assertTrue(message.contains("'" + bad + "' is not a process id"), message);
        }
    }

    @Test
    void shouldNameWhatIsMissingOrExtra()
    {
        assertTrue(usageError().startsWith("no command given"));
        assertEquals("dump needs a process id: dump <pid> [<file>] (`list` shows them)", usageError("dump"));
        assertEquals("on needs a process id: on <pid> [<option>,...] (`list` shows them)", usageError("on"));
        assertEquals("too many arguments: dump <pid> [<file>]", usageError("dump", "1", "a", "b"));
        assertEquals("too many arguments: status <pid>", usageError("status", "1", "2"));
        assertEquals("too many arguments: off <pid>", usageError("off", "1", "2"));
        assertEquals("list takes no arguments", usageError("list", "1"));
        assertEquals("unknown command 'frob'", usageError("frob", "1"));
        assertEquals("unknown option '-x' for dump (only -d, --debug)", usageError("dump", "-x", "1"));
        assertTrue(usageError("dump", "1", " ").contains("dump file name is empty"));
    }
}
