package io.pageowner.analysis;

import io.pageowner.analysis.parse.DumpTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The arithmetic of {@code diff} and the age filters, on small dumps whose every figure is known: weights, negative
 * growth, new and vanished groups, rounding once after subtracting, and ages counted from each dump's own time.
 */
class GrowthArithmeticTest
{
    @TempDir
    Path directory;

    private static String record(
        final String stack, final long bytes, final long pages, final long ts, final String weight)
    {
        final int order = Long.numberOfTrailingZeros(Long.highestOneBit(pages));
        return "Page allocated via order " + order + ", mask 0x1(UNSAFE), pid 3, tgid 99 (t), ts " + ts + " ns\n" +
            "PFN 0x1 type Unsafe Block 1 type Unsafe Flags 0x0(address=0x1000|bytes=" + bytes + "|pages=" + pages +
            (null == weight ? "" : "|weight=" + weight) + ")\n" +
            " jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632)\n" +
            " com.example." + stack + "(X.java:1)\n\n";
    }

    private Path dump(final String name, final long timeNs, final String... records) throws IOException
    {
        final StringBuilder text = new StringBuilder();
        for (final String record : records)
        {
            text.append(record);
        }
        if (timeNs >= 0)
        {
            text.append("# time: ts ").append(timeNs).append(" ns, wall 2026-12-05T00:00:00Z (epoch_ms 0)\n");
        }
        final Path path = directory.resolve(name);
        Files.writeString(path, text, StandardCharsets.ISO_8859_1);
        return path;
    }

    private static String[] run(final String command, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.ISO_8859_1);
            PrintStream e = new PrintStream(err, true, StandardCharsets.ISO_8859_1))
        {
            status = "leaks".equals(command) ? PageOwnerLeaks.run(args, o, e) :
                "diff".equals(command) ? PageOwnerDiff.run(args, o, e) :
                "top".equals(command) ? PageOwnerTop.run(args, o, e) : PageOwnerSort.run(args, o, e);
        }
        return new String[]{ Integer.toString(status), out.toString(StandardCharsets.ISO_8859_1),
            err.toString(StandardCharsets.ISO_8859_1) };
    }

    @Test
    void shouldSubtractWeightedEstimatesAndRoundOnce() throws IOException
    {
        // old: 1 sample of weight 2.5 (est. 2.5 allocations, 10240 bytes); new: 2 samples (5, 20480): +2.5 -> +3.
        final Path old = dump("old", 100, record("A.a", 4096, 1, 1, "2.5"));
        final Path now = dump("new", 100, record("A.a", 4096, 1, 1, "2.5"), record("A.a", 4096, 1, 2, "2.5"));
        final String[] result = run("diff", old.toString(), now.toString());
        assertEquals("0", result[0], result[2]);
        assertTrue(result[1].contains("\n~+3 times, ~+3 pages, ~+10240 bytes (samples 1 -> 2):\n" +
            " jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632)\n com.example.A.a(X.java:1)\n"), result[1]);
    }

    @Test
    void shouldRoundTheDifferenceNotEachSide() throws IOException
    {
        // 1.4 -> 2.8 estimated allocations: rounding each side gives 3 - 1 = 2, the difference 1.4 rounds to 1.
        final Path old = dump("old", 100, record("A.a", 100, 1, 1, "1.4"));
        final Path now = dump("new", 100, record("A.a", 100, 1, 1, "1.4"), record("A.a", 100, 1, 2, "1.4"));
        final String[] result = run("diff", old.toString(), now.toString());
        assertTrue(result[1].contains("~+1 times, ~+1 pages, ~+140 bytes (samples 1 -> 2):"), result[1]);
    }

    @Test
    void shouldWriteNegativeGrowthAndMarkNewAndVanished() throws IOException
    {
        final Path old = dump("old", 100,
            record("Shrinks.s", 8192, 2, 1, null), record("Shrinks.s", 8192, 2, 2, null),
            record("Gone.g", 300, 1, 3, null));
        final Path now = dump("new", 100, record("Shrinks.s", 8192, 2, 1, null), record("Born.b", 50, 1, 4, null));
        final String[] result = run("diff", old.toString(), now.toString());
        assertEquals("0", result[0], result[2]);
        final String text = result[1];
        assertTrue(text.contains("# total: -1 times, -2 pages, -8442 bytes; 3 groups: 3 changed (1 new, " +
            "1 vanished), 0 unchanged and not listed\n"), text);
        final int born = text.indexOf("+1 times, +1 pages, +50 bytes, new:\n");
        final int gone = text.indexOf("-1 times, -1 pages, -300 bytes, vanished:\n");
        final int shrinks = text.indexOf("-1 times, -2 pages, -8192 bytes:\n");
        assertTrue(born > 0 && gone > born && shrinks > gone, text);
        assertFalse(text.contains("~"), "a full dump's figures are exact");
    }

    @Test
    void shouldWriteOldAndNewCountsInCollapsedForm() throws IOException
    {
        final Path old = dump("old", 100, record("Gone.g", 300, 1, 3, null));
        final Path now = dump("new", 100, record("Born.b", 50, 1, 4, null), record("Born.b", 50, 1, 5, null));
        final String[] result = run("diff", "--format=collapsed", old.toString(), now.toString());
        assertEquals("0", result[0], result[2]);
        final String[] lines = result[1].split("\n");
        assertEquals(3, lines.length, result[1]);
        assertEquals("com.example.Born.b(X.java:1);jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632) 0 100",
            lines[1]);
        assertEquals("com.example.Gone.g(X.java:1);jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632) 300 0",
            lines[2]);
    }

    @Test
    void shouldCountAgesFromEachDumpsOwnTime() throws IOException
    {
        // old taken at 10 s: the record of ts 4 s is 6 s old; new taken at 100 s: ts 4 s is 96 s old, ts 99 s is 1 s.
        final Path old = dump("old", 10_000_000_000L, record("A.a", 100, 1, 4_000_000_000L, null));
        final Path now = dump("new", 100_000_000_000L, record("A.a", 100, 1, 4_000_000_000L, null),
            record("A.a", 100, 1, 99_000_000_000L, null));
        final String[] atLeast5s = run("diff", "--min-age", "5s", old.toString(), now.toString());
        assertTrue(atLeast5s[1].contains("+0 times") && atLeast5s[1].contains("1 unchanged"), atLeast5s[1]);
        final String[] atLeast7s = run("diff", "--min-age", "7s", old.toString(), now.toString());
        assertTrue(atLeast7s[1].contains("+1 times, +1 pages, +100 bytes, new:"), atLeast7s[1]);
        final String[] atMost1s = run("diff", "--max-age=1s", old.toString(), now.toString());
        assertTrue(atMost1s[1].contains("+1 times, +1 pages, +100 bytes, new:"), atMost1s[1]);
        final String[] exactly6s = run("sort", "--min-age", "6000ms", "--max-age", "6s", old.toString(), "-");
        assertTrue(exactly6s[1].startsWith("1 times, 1 pages"), exactly6s[1]);
    }

    @Test
    void shouldRefuseMixedFullAndSampledDumps() throws IOException
    {
        final Path old = dump("old", 100, record("A.a", 100, 1, 1, null));
        final Path now = dump("new", 100, record("A.a", 100, 1, 1, "2.0"));
        final Path out = directory.resolve("out.txt");
        final String[] result = run("diff", old.toString(), now.toString(), out.toString());
        assertEquals("2", result[0]);
        assertTrue(result[2].contains("cannot compare a full dump"), result[2]);
        assertFalse(Files.exists(out), "nothing half-written");
        try (var files = Files.list(directory))
        {
            assertEquals(2, files.count(), "no temporary file left");
        }
    }

    @Test
    void shouldShowTheOldestAgeInTop() throws IOException
    {
        final Path now = dump("new", 7_200_000_000_000L, record("A.a", 100, 1, 1_000_000_000L, null),
            record("B.b", 5000, 2, 7_190_000_000_000L, null));
        final String[] result = run("top", now.toString());
        assertEquals("0", result[0], result[2]);
        final String[] lines = result[1].split("\n");
        assertTrue(lines[2].matches(" +1 +4.88 KiB +1 +UNSAFE +10s +com.example.B.b\\(X.java:1\\)"), lines[2]);
        assertTrue(lines[3].matches(" +2 +100 B +1 +UNSAFE +1h59m +com.example.A.a\\(X.java:1\\)"), lines[3]);
    }

    @Test
    void shouldParseAges() throws UsageException
    {
        assertEquals(30_000_000_000L, OptionValues.parseAge("30s", "--min-age"));
        assertEquals(300_000_000_000L, OptionValues.parseAge("5m", "--min-age"));
        assertEquals(7_200_000_000_000L, OptionValues.parseAge("2h", "--min-age"));
        assertEquals(86_400_000_000_000L, OptionValues.parseAge("1d", "--min-age"));
        assertEquals(250_000_000L, OptionValues.parseAge("250ms", "--min-age"));
        assertEquals(10_000L, OptionValues.parseAge("10us", "--min-age"));
        assertEquals(1500L, OptionValues.parseAge("1500ns", "--min-age"));
        assertEquals(0L, OptionValues.parseAge("0", "--min-age"));
        assertThrows(UsageException.class, () -> OptionValues.parseAge("30", "--min-age"));
        assertThrows(UsageException.class, () -> OptionValues.parseAge("-5s", "--min-age"));
        assertThrows(UsageException.class, () -> OptionValues.parseAge("s", "--min-age"));
        assertThrows(UsageException.class, () -> OptionValues.parseAge("5w", "--min-age"));
        assertThrows(UsageException.class, () -> OptionValues.parseAge("999999999999999999d", "--min-age"));
    }

    @Test
    void shouldParseTheTimeLine()
    {
        final DumpTime time = DumpTime.parse("# time: ts 812345678 ns, wall 2026-12-05T00:10:00.123Z " +
            "(epoch_ms 1796429400123)");
        assertEquals(812345678L, time.tsNanos());
        assertEquals(1796429400123L, time.wallMillis());
        assertEquals(12345678L, time.age(800_000_000L));
        assertEquals(0L, time.age(900_000_000L));
        assertNull(DumpTime.parse("# time: ts ns"));
        assertNull(DumpTime.parse("# timer: ts 5 ns"));
        assertEquals(-1L, DumpTime.parse("# time: ts 5 ns").wallMillis());
    }

    @Test
    void shouldNameOnlyTheSteadyLeakOverASeries() throws IOException
    {
        // One process, dumps at 60 s, 120 s, 180 s, 240 s. Flat: one big block from 1 s. Leak: one block more at
        // 50 s, 110 s, 170 s, 230 s. Spike: rises at 100 s, gone after 150 s. Churn: a new 10-second-old block in
        // every dump, always younger than an interval, so left out by the default --min-age (60 s).
        final long s = 1_000_000_000L;
        final String flat = record("Flat.f", 1 << 20, 256, 1 * s, null);
        final Path[] dumps = new Path[4];
        final StringBuilder leak = new StringBuilder();
        for (int i = 0; i < 4; i++)
        {
            final long at = (i + 1) * 60 * s;
            leak.append(record("Leak.l", 4096, 1, at - 10 * s, null));
            final String spike = i == 1 ? record("Spike.s", 1 << 22, 1024, 100 * s, null) : "";
            dumps[i] = dump("d" + i, at, flat, leak.toString(), spike,
                record("Churn.c", 9000, 4, at - 10 * s, null).replace("Churn.c", "Churn.c" + i));
        }
        final String[] args = new String[4];
        for (int i = 0; i < 4; i++)
        {
            args[i] = dumps[i].toString();
        }
        final String[] result = run("leaks", args);
        assertEquals("0", result[0], result[2]);
        final String text = result[1];
        assertTrue(text.contains("; 1 suspect\n"), text);
        assertTrue(text.contains("# allocations younger than 1m00s (the shortest interval)"), text);
        // at 60 s: the leak block of 50 s is 10 s old, left out; at 240 s three are old enough: 3 x 4096 grown.
        assertTrue(text.contains("\n+12288 bytes in 3m00s (+4096 bytes/min), grew in 3 of 3 intervals, 3 records, " +
            "oldest 3m10s:\n jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632)\n" +
            " com.example.Leak.l(X.java:1)\n\n"), text);
        assertFalse(text.contains("Flat.f") || text.contains("Spike.s") || text.contains("Churn.c"), text);

        final String[] noAge = run("leaks", "--min-age", "0", args[0], args[1], args[2], args[3]);
        assertTrue(noAge[1].contains("\n+12288 bytes in 3m00s (+4096 bytes/min), grew in 3 of 3 intervals, 4 records"),
            noAge[1]);
        assertFalse(noAge[1].contains("Churn.c") || noAge[1].contains("Flat.f"), noAge[1]);
    }

    @Test
    void shouldRefuseASeriesTooShortOrMixed() throws IOException
    {
        assertEquals("1", run("leaks")[0]);
        assertTrue(run("leaks")[2].contains("no dumps given"));
        final Path one = dump("one", 100, record("A.a", 100, 1, 1, null));
        final String[] single = run("leaks", one.toString());
        assertEquals("1", single[0]);
        assertTrue(single[2].contains("only one dump given"), single[2]);
        final Path sampled = dump("sampled", 200, record("A.a", 100, 1, 1, "2.0"));
        final String[] mixed = run("leaks", "--min-age", "0", one.toString(), sampled.toString());
        assertEquals("2", mixed[0], mixed[2]);
        assertTrue(mixed[2].contains("must be all one or the other"), mixed[2]);
        assertEquals("", mixed[1], "nothing written");
    }

    @Test
    void shouldWarnOfADumpCutShortAndRefuseAgesOnIt() throws IOException
    {
        final Path old = dump("old", 100, record("A.a", 100, 1, 1, null));
        final String whole = record("A.a", 100, 1, 1, null) + record("B.b", 100, 1, 2, null);
        final Path cut = directory.resolve("cut");
        Files.writeString(cut, whole.substring(0, whole.length() - 30), StandardCharsets.ISO_8859_1);
        final String[] result = run("diff", old.toString(), cut.toString());
        assertEquals("0", result[0], result[2]);
        assertTrue(result[2].contains("page-owner diff: warning: " + cut + ": skipped 1 damaged record"), result[2]);
        final String[] aged = run("diff", "--max-age", "1h", old.toString(), cut.toString());
        assertEquals("2", aged[0], aged[2]);
        assertTrue(aged[2].contains("a dump cut short lacks it"), aged[2]);
    }
}
