package io.pageowner.dump;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DumpPathsTest
{
    @Test
    void shouldExpandPidTimeAndPercent()
    {
        final Instant now = Instant.parse("2026-11-24T09:30:15.123Z");
        final String time =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS").withZone(ZoneId.systemDefault()).format(now);
        assertEquals(Path.of("/tmp/po-42-" + time + ".txt"), DumpPaths.resolve("/tmp/po-%p-%t.txt", 42, now));
        assertEquals(Path.of("a%b%"), DumpPaths.resolve("a%%b%", 1, now));
        assertEquals(Path.of("x%q"), DumpPaths.resolve("x%q", 1, now));
    }

    @Test
    void shouldExpandALiteralToItself()
    {
        final Instant now = Instant.parse("2026-11-24T09:30:15.123Z");
        for (final String path : new String[]{ "/tmp/50%pay-%t.txt", "100%", "a%%b", "%", "plain.txt" })
        {
            assertEquals(Path.of(path), DumpPaths.resolve(DumpPaths.literal(path), 42, now), path);
        }
    }
}
