package io.pageowner.analysis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Totals are exact or the input is rejected with its line: a sum or a field past 2^63 - 1 never comes out as a
 * wrong number with exit status 0 (issue 15).
 */
class OverflowTest
{
    @TempDir
    Path dir;

    private static String kernelRecord(final int order)
    {
        return "Page allocated via order " + order + ", mask 0x100cca(GFP_HIGHUSER_MOVABLE), pid 1, tgid 1 (init), " +
            "ts 100 ns\n" +
            " get_page_from_freelist+0x0/0x10\n\n";
    }

    private static String jvmRecord(final int order, final String bytes)
    {
        return "Page allocated via order " + order + ", mask 0x2(DIRECT), pid 1, tgid 4242 (main), ts 812345678 ns\n" +
            "PFN 0x7f3a2c001 type Direct Block 66934272 type Direct Flags 0x0(address=0x7f3a2c001010|bytes=" + bytes +
            ")\n" +
            " java.nio.ByteBuffer.allocateDirect(ByteBuffer.java:332)\n" +
            " com.example.A.a(A.java:1)\n\n";
    }

    private GoldenTest.Result sort(final String input, final String... options) throws Exception
    {
        final Path in = dir.resolve("in.txt");
        Files.writeString(in, input, StandardCharsets.ISO_8859_1);
        final String[] args = new String[options.length + 2];
        System.arraycopy(options, 0, args, 0, options.length);
        args[options.length] = in.toString();
        args[options.length + 1] = dir.resolve("out.txt").toString();
        return GoldenTest.Result.run(args);
    }

    private String output() throws Exception
    {
        return Files.readString(dir.resolve("out.txt"), StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldRejectPagesThatAddUpPastALong() throws Exception
    {
        final GoldenTest.Result result = sort(jvmRecord(62, "1") + jvmRecord(62, "1"), "-m");

        assertEquals(ExitStatus.FAILURE, result.exit, result.err);
        assertTrue(result.err.contains("in.txt:6: "), result.err);
        assertTrue(result.err.contains("pages"), result.err);
        assertFalse(Files.exists(dir.resolve("out.txt")), "no output with a wrong total");
    }

    @Test
    void shouldRejectBytesThatAddUpPastALong() throws Exception
    {
        final String input = jvmRecord(0, "999999999999999999").repeat(10);

        final GoldenTest.Result result = sort(input, "-b");

        assertEquals(ExitStatus.FAILURE, result.exit, result.err);
        assertTrue(result.err.contains("in.txt:46: "), result.err);
        assertTrue(result.err.contains("bytes"), result.err);
        assertFalse(Files.exists(dir.resolve("out.txt")), "no output with a wrong total");
    }

    @Test
    void shouldSumBytesUpToTheLargestLongExactly() throws Exception
    {
        final GoldenTest.Result result = sort(jvmRecord(0, "9223372036854775806") + jvmRecord(0, "1"), "-b");

        assertEquals(ExitStatus.OK, result.exit, result.err);
        assertTrue(output().startsWith("2 times, 2 pages, 9223372036854775807 bytes,"), output());
    }

    @Test
    void shouldCountBytesFieldOfTwoToTheSixtyThreeAsDamage() throws Exception
    {
        final String input = jvmRecord(0, "4096") + jvmRecord(0, "9223372036854775808");

        final GoldenTest.Result result = sort(input, "-b");

        assertEquals(ExitStatus.OK, result.exit, result.err);
        assertTrue(result.err.contains("in.txt:7: "), result.err);
        assertTrue(result.err.contains("9223372036854775808"), result.err);
        assertTrue(output().startsWith("1 times, 1 pages, 4096 bytes,"), output());
    }

    @Test
    void shouldCountBytesFieldOfManyDigitsAsDamage() throws Exception
    {
        final String input = jvmRecord(0, "4096") + jvmRecord(0, "99999999999999999999999999");

        final GoldenTest.Result result = sort(input, "-b");

        assertEquals(ExitStatus.OK, result.exit, result.err);
        assertTrue(result.err.contains("in.txt:7: "), result.err);
        assertTrue(output().startsWith("1 times, 1 pages, 4096 bytes,"), output());
    }

    @Test
    void shouldCountKernelRecordWhoseBytesPassALongAsDamage() throws Exception
    {
        final String input = kernelRecord(0) + kernelRecord(51);

        final GoldenTest.Result result = sort(input, "-b");

        assertEquals(ExitStatus.OK, result.exit, result.err);
        assertTrue(result.err.contains("in.txt:4: "), result.err);
        assertTrue(output().startsWith("1 times, 1 pages, 4096 bytes,"), output());
    }

    @Test
    void shouldRejectTwoKernelRecordsOfOrderSixtyTwo() throws Exception
    {
        final GoldenTest.Result result = sort(kernelRecord(62) + kernelRecord(62), "-m");

        assertEquals(ExitStatus.FAILURE, result.exit, result.err);
        assertTrue(result.err.contains("in.txt:1: "), result.err);
        assertFalse(Files.exists(dir.resolve("out.txt")), "no output with a wrong total");
    }

    @Test
    void shouldKeepKernelRecordOfOrderFiftyExact() throws Exception
    {
        final GoldenTest.Result result = sort(kernelRecord(50), "-b");

        assertEquals(ExitStatus.OK, result.exit, result.err);
        assertTrue(output().startsWith("1 times, " + (1L << 50) + " pages, " + (1L << 62) + " bytes,"), output());
    }
}
