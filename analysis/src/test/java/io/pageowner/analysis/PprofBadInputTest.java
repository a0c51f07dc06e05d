package io.pageowner.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --format pprof} on bad input: an unknown format name, an output that is a directory, and dumps that cannot
 * become a profile give clear messages and the exit status of {@link ExitStatus}, and leave nothing behind, not
 * even a temporary file, and an existing profile untouched.
 */
class PprofBadInputTest
{
    @TempDir
    Path dir;

    private static String[] run(final String command, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.ISO_8859_1);
            PrintStream e = new PrintStream(err, true, StandardCharsets.ISO_8859_1))
        {
            status = "diff".equals(command) ? PageOwnerDiff.run(args, o, e) :
                "top".equals(command) ? PageOwnerTop.run(args, o, e) : PageOwnerSort.run(args, o, e);
        }
        return new String[]{ Integer.toString(status), out.toString(StandardCharsets.ISO_8859_1),
            err.toString(StandardCharsets.ISO_8859_1) };
    }

    private static String golden(final String name) throws Exception
    {
        return GoldenTest.goldenDirectory().resolve("input").resolve(name).toString();
    }

    private List<Path> files() throws Exception
    {
        try (Stream<Path> list = Files.list(dir))
        {
            return list.toList();
        }
    }

    @Test
    void shouldNameTheKnownFormatsForAnUnknownOne() throws Exception
    {
        final Path out = dir.resolve("out.pb.gz");
        for (final String command : new String[]{ "sort", "diff", "top" })
        {
            final String[] args = "diff".equals(command) ?
                new String[]{ "--format=prof", golden("growth-old.txt"), golden("growth-new.txt"), out.toString() } :
                "top".equals(command) ? new String[]{ "--format=prof", golden("jvm-basic.txt") } :
                new String[]{ "--format=prof", golden("jvm-basic.txt"), out.toString() };
            final String[] result = run(command, args);
            assertEquals(Integer.toString(ExitStatus.USAGE), result[0], command);
            assertTrue(result[2].contains("page-owner " + command + ": --format: expected text, collapsed, html or " +
                "pprof, got 'prof'"), command + ": " + result[2]);
            assertEquals("", result[1], command);
        }
        assertEquals(List.of(), files());
    }

    @Test
    void shouldRefuseADirectoryAsTheProfileAndWriteNothing() throws Exception
    {
        final Path target = Files.createDirectory(dir.resolve("profiles"));
        final String[] sort = run("sort", "--format", "pprof", golden("jvm-basic.txt"), target.toString());
        assertEquals(Integer.toString(ExitStatus.FAILURE), sort[0]);
        assertTrue(sort[2].contains("page-owner sort: error: cannot write " + target + ": is a directory"), sort[2]);
        assertFalse(sort[1].contains("loaded"), "the output is checked before the dump is read: " + sort[1]);

        final String[] diff = run("diff", "--format=pprof", golden("growth-old.txt"), golden("growth-new.txt"),
            target.toString());
        assertEquals(Integer.toString(ExitStatus.FAILURE), diff[0]);
        assertTrue(diff[2].contains("page-owner diff: error: cannot write " + target + ": is a directory"), diff[2]);

        assertEquals(List.of(target), files());
        try (Stream<Path> inside = Files.list(target))
        {
            assertEquals(0, inside.count());
        }
    }

    @Test
    void shouldFailOnADumpWithNoRecordAsTheTextOutputDoesAndKeepTheOldProfile() throws Exception
    {
        final Path profile = dir.resolve("dump.pb.gz");
        final String[] good = run("sort", "--format=pprof", golden("jvm-basic.txt"), profile.toString());
        assertEquals("0", good[0], good[2]);
        final byte[] before = Files.readAllBytes(profile);

        for (final String[] bad : new String[][]{
            { "garbage.bin" }, { "empty.txt" }, { "blank-only.txt" }, { "truncated-frame.txt", "--strict" },
            { "garbage-middle.txt", "--strict" } })
        {
            final String input = golden(bad[0]);
            final String[] text = bad.length > 1 ?
                run("sort", bad[1], input, dir.resolve("dump.txt").toString()) :
                run("sort", input, dir.resolve("dump.txt").toString());
            final String[] pprof = bad.length > 1 ?
                run("sort", "--format=pprof", bad[1], input, profile.toString()) :
                run("sort", "--format=pprof", input, profile.toString());
            assertEquals(Integer.toString(ExitStatus.FAILURE), text[0], bad[0] + ": " + text[2]);
            assertEquals(text[0], pprof[0], bad[0]);
            assertEquals(text[2], pprof[2], bad[0] + ": the same messages as the text output's");
            assertTrue(pprof[2].contains("page-owner sort: error: " + input), pprof[2]);
            assertArrayEquals(before, Files.readAllBytes(profile), bad[0] + ": the old profile is left as it was");
            assertEquals(List.of(profile), files(), bad[0] + ": no temporary file is left");
        }

        final String[] diff = run("diff", "--format=pprof", golden("growth-old.txt"), golden("garbage.bin"),
            profile.toString());
        assertEquals(Integer.toString(ExitStatus.FAILURE), diff[0]);
        assertTrue(diff[2].contains("page-owner diff: error: " + golden("garbage.bin") + ": no readable record"),
            diff[2]);
        assertArrayEquals(before, Files.readAllBytes(profile));

        final String[] top = run("top", "--format=pprof", golden("garbage.bin"));
        assertEquals(Integer.toString(ExitStatus.FAILURE), top[0]);
        assertEquals("", top[1], "nothing of a profile on stdout");
        assertEquals(List.of(profile), files());
    }
}
