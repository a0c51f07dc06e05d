package io.pageowner.runtime;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pid and start of this JVM from the kernel's own files agree with what {@code ProcessHandle} says, and a
 * command name with spaces and parentheses does not shift the fields.
 */
class SelfProcessTest
{
    @Test
    void shouldAgreeWithProcessHandleOnThisJvm() throws Exception
    {
        final String stat = Files.readString(Path.of("/proc/self/stat"));
        final String uptime = Files.readString(Path.of("/proc/uptime"));
        final SelfProcess self = SelfProcess.fromProc(stat, uptime);
        final long handleSince =
            System.currentTimeMillis() - ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();

        assertEquals(ProcessHandle.current().pid(), self.pid);
        assertEquals(self.pid, SelfProcess.read().pid);
        // NOTE: ProcessHandle counts from the boot time in whole seconds; both count the start in ticks.
        assertTrue(Math.abs(self.sinceStartMillis - handleSince) < 5_000,
            self.sinceStartMillis + " ms against ProcessHandle's " + handleSince + " ms (" + Instant.now() + ")");
    }

    @Test
    void shouldCountFieldsFromTheCommandNamesLastParenthesis()
    {
        final StringBuilder stat = new StringBuilder("4242 (a) b (c) d) S 1");
        for (int field = 5; field <= 21; field++)
        {
            stat.append(" 0");
        }
        stat.append(" 1500 0 0\n");
        final SelfProcess self = SelfProcess.fromProc(stat.toString(), "20.25 11.00\n");
        assertEquals(4242, self.pid);
        assertEquals(5_250, self.sinceStartMillis, "20.25 s up, started 15 s after boot");
        assertNull(SelfProcess.fromProc("4242 (x) S 1 2", "20.25 11.00\n"), "too few fields");
        assertNull(SelfProcess.fromProc(stat.toString(), null));
    }
}
