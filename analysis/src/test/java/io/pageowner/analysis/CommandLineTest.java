package io.pageowner.analysis;

import io.pageowner.analysis.parse.BlockFramer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest
{
    @TempDir
    Path dir;

    private static Path golden(final String name) throws Exception
    {
        return GoldenTest.goldenDirectory().resolve(name);
    }

    private static String expected(final String name) throws Exception
    {
        return Files.readString(golden("expected/" + name), StandardCharsets.ISO_8859_1);
    }

    private List<String> filesInDir() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void shouldPrintUsageOnHelpAndExitZero()
    {
        final GoldenTest.Result result = GoldenTest.Result.run("-h");
        assertEquals(ExitStatus.OK, result.exit);
        assertTrue(result.out.startsWith("Usage: java -jar page-owner.jar sort [OPTIONS] <input> <output>"));
        assertTrue(result.out.contains("--strict"));
        assertEquals("", result.err);
    }

    @Test
    void shouldExitOneOnWrongCommandLine()
    {
        final GoldenTest.Result twoSorts = GoldenTest.Result.run("-m", "-p", "in", "out");
        assertEquals(ExitStatus.USAGE, twoSorts.exit);
        assertTrue(twoSorts.err.contains("Usage:"));

        final GoldenTest.Result badCull = GoldenTest.Result.run("--cull=comm", "in", "out");
        assertEquals(ExitStatus.USAGE, badCull.exit);
        assertEquals("page-owner sort: wrong argument after --cull option:comm\n", badCull.err);
    }

    @Test
    void shouldPrintKernelProgressLines() throws Exception
    {
        final Path out = dir.resolve("out.txt");
        final GoldenTest.Result result =
            GoldenTest.Result.run(golden("input/kernel-worked.txt").toString(), out.toString());
        assertEquals(0, result.exit);
        assertEquals("loaded 3\nsorting ....\nculling\n", result.out);
        assertEquals(expected("worked-default.out"), Files.readString(out, StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldRefuseDirectoryAsInput()
    {
        final Path out = dir.resolve("out.txt");
        final GoldenTest.Result result = GoldenTest.Result.run(dir.toString(), out.toString());
        assertEquals(ExitStatus.FAILURE, result.exit);
        assertTrue(result.err.contains("cannot read " + dir + ": is a directory"), result.err);
        assertFalse(Files.exists(out));
    }

    @Test
    void shouldRefuseMissingInput()
    {
        final Path out = dir.resolve("out.txt");
        final GoldenTest.Result result = GoldenTest.Result.run(dir.resolve("nope.txt").toString(), out.toString());
        assertEquals(ExitStatus.FAILURE, result.exit);
        assertTrue(result.err.contains("cannot read " + dir.resolve("nope.txt") + ": no such file"), result.err);
        assertFalse(Files.exists(out));
    }

    @Test
    void shouldReportReadErrorsWithTheFileName() throws Exception
    {
        final Path memory = Paths.get("/proc/self/mem");
        assumeTrue(Files.exists(memory), "needs Linux /proc");
        final Path out = dir.resolve("out.txt");
        final GoldenTest.Result result = GoldenTest.Result.run(memory.toString(), out.toString());
        assertEquals(ExitStatus.FAILURE, result.exit);
        assertTrue(result.err.contains("cannot read /proc/self/mem: Input/output error"), result.err);
        assertFalse(Files.exists(out));
    }

    @Test
    void shouldRefuseDirectoryAsOutput() throws Exception
    {
        final GoldenTest.Result result =
            GoldenTest.Result.run(golden("input/kernel-worked.txt").toString(), dir.toString());
        assertEquals(ExitStatus.FAILURE, result.exit);
        assertTrue(result.err.contains("cannot write " + dir + ": is a directory"), result.err);
    }

    @Test
    void shouldRefuseOutputInMissingDirectory() throws Exception
    {
        final Path out = dir.resolve("missing/out.txt");
        final GoldenTest.Result result =
            GoldenTest.Result.run(golden("input/kernel-worked.txt").toString(), out.toString());
        assertEquals(ExitStatus.FAILURE, result.exit);
        assertTrue(result.err.contains("cannot write " + out + ": directory"), result.err);
        assertTrue(result.err.contains("does not exist"), result.err);
        assertEquals("", result.out, "fails before reading the input");
    }

    @Test
    void shouldRefuseUnwritableOutputBeforeReading() throws Exception
    {
        final Path proc = Paths.get("/proc/page-owner-sort-test.txt");
        assumeTrue(Files.isDirectory(Paths.get("/proc/self")), "needs Linux /proc");
        final GoldenTest.Result result =
            GoldenTest.Result.run(golden("input/kernel-worked.txt").toString(), proc.toString());
        assertEquals(ExitStatus.FAILURE, result.exit);
        assertTrue(result.err.contains("cannot write " + proc), result.err);
        assertEquals("", result.out, "fails before reading the input");
    }

    @Test
    void shouldLeaveExistingOutputUntouchedOnFailure() throws Exception
    {
        final Path out = dir.resolve("out.txt");
        Files.writeString(out, "previous result\n");
        final GoldenTest.Result result = GoldenTest.Result.run(golden("input/garbage.bin").toString(), out.toString());
        assertEquals(ExitStatus.FAILURE, result.exit);
        assertEquals("previous result\n", Files.readString(out));
        assertEquals(List.of("out.txt"), filesInDir(), "no temporary file left behind");
    }

    @Test
    void shouldReplaceOutputAndKeepItsPermissions() throws Exception
    {
        final Path out = dir.resolve("out.txt");
        Files.writeString(out, "previous result\n");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-rw----"));
        final GoldenTest.Result result =
            GoldenTest.Result.run(golden("input/kernel-worked.txt").toString(), out.toString());
        assertEquals(0, result.exit, result.err);
        assertEquals(expected("worked-default.out"), Files.readString(out, StandardCharsets.ISO_8859_1));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        assertEquals(List.of("out.txt"), filesInDir());
    }

    @Test
    void shouldCreateNewOutputReadableByAll() throws Exception
    {
        final Path out = dir.resolve("new.txt");
        assertEquals(0, GoldenTest.Result.run(golden("input/kernel-worked.txt").toString(), out.toString()).exit);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    }

    @Test
    void shouldWriteThroughSymbolicLink() throws Exception
    {
        final Path real = dir.resolve("real.txt");
        final Path link = dir.resolve("link.txt");
        Files.writeString(real, "old\n");
        Files.createSymbolicLink(link, real);
        assertEquals(0, GoldenTest.Result.run(golden("input/kernel-worked.txt").toString(), link.toString()).exit);
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(expected("worked-default.out"), Files.readString(real, StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldWriteToNonRegularFileDirectly() throws Exception
    {
        final Path devNull = Paths.get("/dev/null");
        assumeTrue(Files.exists(devNull));
        final GoldenTest.Result result =
            GoldenTest.Result.run(golden("input/kernel-worked.txt").toString(), "/dev/null");
        assertEquals(0, result.exit, result.err);
        assertFalse(Files.isRegularFile(devNull));
    }

    @Test
    void shouldWriteToStandardOutputAndMoveProgressToStandardError() throws Exception
    {
        final GoldenTest.Result result = GoldenTest.Result.run(golden("input/kernel-worked.txt").toString(), "-");
        assertEquals(0, result.exit, result.err);
        assertEquals(expected("worked-default.out"), result.out);
        assertTrue(result.err.contains("loaded 3"));
    }

    @Test
    void shouldReadStandardInput() throws Exception
    {
        final InputStream saved = System.in;
        try
        {
            System.setIn(new ByteArrayInputStream(Files.readAllBytes(golden("input/kernel-worked.txt"))));
            final Path out = dir.resolve("out.txt");
            assertEquals(0, GoldenTest.Result.run("-", out.toString()).exit);
            assertEquals(expected("worked-default.out"), Files.readString(out, StandardCharsets.ISO_8859_1));
        }
        finally
        {
            System.setIn(saved);
        }
    }

    @Test
    void shouldReadGzipInput() throws Exception
    {
        final Path gz = dir.resolve("dump.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz)))
        {
            out.write(Files.readAllBytes(golden("input/jvm-basic.txt")));
        }
        final Path out = dir.resolve("out.txt");
        assertEquals(0, GoldenTest.Result.run(gz.toString(), out.toString()).exit);
        assertEquals(expected("jvm-basic-default.out"), Files.readString(out, StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldPrintTrailerToStandardError() throws Exception
    {
        final Path out = dir.resolve("out.txt");
        final GoldenTest.Result result =
            GoldenTest.Result.run(golden("input/jvm-basic.txt").toString(), out.toString());
        assertTrue(result.err.contains("# page-owner: records 40, bytes 6470249"), result.err);
        assertTrue(result.err.contains("# direct buffer pool: count 5 capacity 20480"), result.err);
        assertFalse(result.err.contains("damaged"), result.err);
    }

    @Test
    void shouldSkipOverlongLineAndKeepRecordsAroundIt() throws Exception
    {
        final String worked = Files.readString(golden("input/kernel-worked.txt"), StandardCharsets.ISO_8859_1);
        final String input = worked.replaceFirst("\n\nPage", "\n\n" + "A".repeat(3 << 20) + "\n\nPage");
        final Path in = dir.resolve("in.txt");
        Files.writeString(in, input, StandardCharsets.ISO_8859_1);
        final Path out = dir.resolve("out.txt");
        final GoldenTest.Result result = GoldenTest.Result.run(in.toString(), out.toString());
        assertEquals(0, result.exit, result.err);
        assertTrue(result.err.contains(in + ":14: line is longer than 1048576 bytes"), result.err);
        assertEquals(expected("worked-default.out"), Files.readString(out, StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldSkipOverlongRecordAndKeepRecordsAroundIt() throws Exception
    {
        final String worked = Files.readString(golden("input/kernel-worked.txt"), StandardCharsets.ISO_8859_1);
        final StringBuilder huge =
            new StringBuilder("Page allocated via order 0, mask 0x2(DIRECT), pid 1, tgid 2 (x), ts 3 ns\n");
        final String frame = " com.example.Deep.recurse(Deep.java:1)\n";
        while (huge.length() < BlockFramer.MAX_RECORD_LENGTH + 1000)
        {
            huge.append(frame);
        }
        final String input = worked.replaceFirst("\n\nPage", "\n\n" + huge + "\nPage");
        final Path in = dir.resolve("in.txt");
        Files.writeString(in, input, StandardCharsets.ISO_8859_1);
        final Path out = dir.resolve("out.txt");
        final GoldenTest.Result result = GoldenTest.Result.run(in.toString(), out.toString());
        assertEquals(0, result.exit, result.err);
        assertTrue(result.err.contains("record is longer than 16777216 bytes"), result.err);
        assertEquals(expected("worked-default.out"), Files.readString(out, StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldListEveryDamagedRecordWithDebug() throws Exception
    {
        final StringBuilder input = new StringBuilder();
        for (int i = 0; i < 8; i++)
        {
            input.append("garbage ").append(i).append("\n\n");
        }
        input.append(Files.readString(golden("input/kernel-worked.txt"), StandardCharsets.ISO_8859_1));
        final Path in = dir.resolve("in.txt");
        Files.writeString(in, input, StandardCharsets.ISO_8859_1);
        final Path out = dir.resolve("out.txt");

        final GoldenTest.Result quiet = GoldenTest.Result.run(in.toString(), out.toString());
        assertEquals(0, quiet.exit);
        assertTrue(quiet.err.contains("skipped 8 damaged records, the first 5:"), quiet.err);
        assertTrue(quiet.err.contains(in + ":9: expected a record header"), quiet.err);
        assertFalse(quiet.err.contains(in + ":11:"), quiet.err);

        final GoldenTest.Result debug = GoldenTest.Result.run("-d", in.toString(), out.toString());
        assertTrue(debug.err.contains(in + ":15: expected a record header 'Page allocated via order <n>, ...', " +
            "found 'garbage 7' (record skipped)"), debug.err);
    }

    @Test
    void shouldSkipUtf8ByteOrderMark() throws Exception
    {
        final Path in = dir.resolve("bom.txt");
        final byte[] dump = Files.readAllBytes(golden("input/kernel-worked.txt"));
        final byte[] withBom = new byte[dump.length + 3];
        withBom[0] = (byte)0xEF;
        withBom[1] = (byte)0xBB;
        withBom[2] = (byte)0xBF;
        System.arraycopy(dump, 0, withBom, 3, dump.length);
        Files.write(in, withBom);
        final Path out = dir.resolve("out.txt");
        final GoldenTest.Result result = GoldenTest.Result.run(in.toString(), out.toString());
        assertEquals(0, result.exit, result.err);
        assertEquals(expected("worked-default.out"), Files.readString(out, StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldNameUtf16AndCarriageReturnOnlyInputs() throws Exception
    {
        final String worked = Files.readString(golden("input/kernel-worked.txt"), StandardCharsets.ISO_8859_1);
        final Path utf16 = dir.resolve("utf16.txt");
        Files.writeString(utf16, "\ufeff" + worked, StandardCharsets.UTF_16LE);
        final GoldenTest.Result wide = GoldenTest.Result.run(utf16.toString(), dir.resolve("a.txt").toString());
        assertEquals(ExitStatus.FAILURE, wide.exit);
        assertTrue(wide.err.contains("the file is UTF-16 text"), wide.err);

        final Path cr = dir.resolve("cr.txt");
        Files.writeString(cr, worked.replace('\n', '\r'), StandardCharsets.ISO_8859_1);
        final GoldenTest.Result mac = GoldenTest.Result.run(cr.toString(), dir.resolve("b.txt").toString());
        assertEquals(ExitStatus.FAILURE, mac.exit);
        assertTrue(mac.err.contains(cr + ":1: carriage return inside a line at column"), mac.err);
    }
}
