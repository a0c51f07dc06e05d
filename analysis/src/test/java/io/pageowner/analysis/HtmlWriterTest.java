package io.pageowner.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pageowner.analysis.output.HtmlWriter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlWriterTest
{
    @TempDir
    Path dir;

    private String html(final Path input, final String... options) throws Exception
    {
        final Path out = dir.resolve("out.html");
        final String[] args = new String[options.length + 2];
        System.arraycopy(options, 0, args, 0, options.length);
        args[options.length] = input.toString();
        args[options.length + 1] = out.toString();
        final GoldenTest.Result result = GoldenTest.Result.run(args);
        assertEquals(0, result.exit, result.err);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static int count(final String text, final String pattern)
    {
        final Matcher m = Pattern.compile(Pattern.quote(pattern)).matcher(text);
        int n = 0;
        while (m.find())
        {
            n++;
        }
        return n;
    }

    @Test
    void shouldWriteOneSelfContainedPageWithARowPerGroup() throws Exception
    {
        final Path input = GoldenTest.goldenDirectory().resolve("input/jvm-basic.txt");
        final String page = html(input, "--format=html");
        final String text = Files.readString(
            GoldenTest.goldenDirectory().resolve("expected/jvm-basic-default.out"), StandardCharsets.ISO_8859_1);

        assertTrue(page.startsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
        assertTrue(page.endsWith("</html>\n"));
        assertEquals(count(text, " times, "), count(page, "<tr><td class=\"n\">"), "one row per group");
        assertEquals(count(page, "<tr>"), count(page, "</tr>"));
        assertEquals(count(page, "<details>"), count(page, "</details>"));
        for (final String external : new String[]{ "http:", "https:", "src=", "href=", "@import", "url(" })
        {
            assertFalse(page.contains(external), "no external resource: " + external);
        }
        assertTrue(page.contains("<script>") && page.contains("addEventListener('click'"), "sortable columns");
        assertTrue(page.contains("java.nio.DirectByteBuffer.&lt;init&gt;(DirectByteBuffer.java:125)"), "escaped");
        assertFalse(page.contains("<init>"));
        assertTrue(page.contains("# page-owner: records 40, bytes 6470249"), "the trailer is shown");
        assertTrue(page.contains("<th data-num>bytes</th>") && page.contains("<th>kind</th>"));
        assertTrue(page.contains("40 records in 38 groups"), page.substring(0, 1200));
    }

    @Test
    void shouldKeepTheSortOrderOfTheRun() throws Exception
    {
        final Path input = GoldenTest.goldenDirectory().resolve("input/jvm-basic.txt");
        final String page = html(input, "--format=html", "-b");
        final Matcher m = Pattern.compile("<td class=\"n\" data-v=\"(\\d+)\"").matcher(page);
        long previous = Long.MAX_VALUE;
        int rows = 0;
        while (m.find())
        {
            final long bytes = Long.parseLong(m.group(1));
            assertTrue(bytes <= previous, "bytes descending");
            previous = bytes;
            rows++;
        }
        assertEquals(38, rows);
    }

    @Test
    void shouldEscapeAndDecodeThreadNames() throws Exception
    {
        final String record = "Page allocated via order 0, mask 0x2(DIRECT), pid 7, tgid 9 (<b>\u00e9t\u00e9&'\"), " +
            "ts 1 ns\n" +
            "PFN 0x1 type Direct Block 0 type Direct Flags 0x0(address=0x1000|bytes=10|pages=1)\n" +
            " com.example.A.b(A.java:1)\n\n";
        final Path input = dir.resolve("in.txt");
        Files.writeString(input, record, StandardCharsets.UTF_8);
        final String page = html(input, "--format=html");
        assertTrue(page.contains("<td>&lt;b&gt;\u00e9t\u00e9&amp;&#39;&quot;</td>"), page);
        assertFalse(page.contains("<b>"));
    }

    @Test
    void shouldShowOnlyCulledFieldsWhenCulling() throws Exception
    {
        final Path input = GoldenTest.goldenDirectory().resolve("input/jvm-basic.txt");
        final String page = html(input, "--format=html", "--cull=kind");
        assertTrue(page.contains("<th>kind</th>"));
        assertFalse(page.contains("<th data-num>pid</th>"));
        assertEquals(4, count(page, "<tr><td class=\"n\">"), "one row per kind (jvm-basic has four)");
    }

    @Test
    void shouldFormatBytesForPeople()
    {
        assertEquals("0 B", HtmlWriter.humanBytes(0));
        assertEquals("1023 B", HtmlWriter.humanBytes(1023));
        assertEquals("1.0 KiB", HtmlWriter.humanBytes(1024));
        assertEquals("1.5 MiB", HtmlWriter.humanBytes(3 << 19));
    }
    @Test
    void shouldListTheFirstRowsOfAHugeRunInTheTableAndEveryStackInTheFlameGraph() throws Exception
    {
        final StringBuilder dump = new StringBuilder();
        for (int i = 0; i < 5003; i++)
        {
            dump.append("Page allocated via order 0, mask 0x1(UNSAFE), pid 1, tgid 7 (main), ts 100 ns\n")
                .append("PFN 0x1 type Unsafe Block 1 type Unsafe Flags 0x0(address=0x10|bytes=")
                .append(10_000 - i).append("|pages=1)\n jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632)\n")
                .append(" com.example.S").append(i).append(".s(S.java:1)\n\n");
        }
        final Path input = dir.resolve("huge.txt");
        Files.writeString(input, dump, StandardCharsets.ISO_8859_1);

        final String page = html(input, "--format=html", "--cull=st", "-b");

        assertEquals(5000, count(page, "<tr><td class=\"n\">"), "table rows");
        assertTrue(page.contains("The first 5000 of 5003 groups"), "says it is cut");
        assertTrue(page.contains("com.example.S5002.s(S.java:1)"), "the flame graph's data has the last stack");
        assertFalse(page.contains("<summary>com.example.S5002.s"), "but the table does not");
    }

    @Test
    void shouldWriteTopsLargestStacksAsAPage() throws Exception
    {
        final Path input = GoldenTest.goldenDirectory().resolve("input/growth-new.txt");
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        final java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        final int status = PageOwnerTop.run(new String[]{ "--format", "html", input.toString(), "2" },
            new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
            new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        final String page = out.toString(StandardCharsets.UTF_8);

        assertTrue(page.startsWith("<!DOCTYPE html>"), page);
        assertEquals(2, count(page, "<tr><td class=\"n\">"), "the two largest stacks");
        assertTrue(page.contains("top --format html " + input + " 2"), "the command line");
    }
}
