package io.pageowner.analysis;

import io.pageowner.analysis.group.Aggregator;
import io.pageowner.analysis.group.Group;
import io.pageowner.analysis.group.Sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pageowner.analysis.bench.DumpGenerator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sampled dumps: the {@code weight=} field, weighted sums, their marking in every format, {@code --unweighted},
 * records without a weight, and malformed weights.
 */
class SampledDumpTest
{
    private static final String TRAILER = "# page-owner: records 3, bytes 12288, pages 3, untracked 0 " +
        "(before_start=0, table_full=0, recursion=0)\n" +
        "# sampling: mean interval 524288 bytes, exponential by bytes; each record carries weight=1/p, the number of " +
        "allocations it stands for\n";

    @TempDir
    Path dir;

    /**
     * One of our records with a weight field (or none when {@code weight} is null).
     */
    static String record(final int order, final long bytes, final String weight, final String frame)
    {
        return "Page allocated via order " + order + ", mask 0x2(DIRECT), pid 1, tgid 4242 (main), ts 812345678 ns\n" +
            "PFN 0x7f3a2c001 type Direct Block 66934272 type Direct Flags 0x0(address=0x7f3a2c001010|bytes=" + bytes +
            "|pages=" + (1L << order) + (null == weight ? "" : "|weight=" + weight) + ")\n" +
            " java.nio.ByteBuffer.allocateDirect(ByteBuffer.java:332)\n" +
            " " + frame + "\n\n";
    }

    private Aggregator parse(final String text, final String... options) throws Exception
    {
        final String[] args = Arrays.copyOf(options, options.length + 2);
        args[options.length] = "in";
        args[options.length + 1] = "out";
        final Aggregator parser = new Aggregator(SortOptions.parse(args), "in",
            new PrintStream(OutputStream.nullOutputStream()));
        parser.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
        return parser;
    }

    private static Group only(final Aggregator parser)
    {
        final Group[] groups = parser.groups().groups();
        assertEquals(1, groups.length);
        return groups[0];
    }

    private double weightOf(final String weight) throws Exception
    {
        final Aggregator parser = parse(record(0, 4096, weight, "com.example.A.a(A.java:1)"));
        assertEquals(0, parser.damaged(), () -> "weight=" + weight + ": " + parser.damageExamples());
        return only(parser).estimatedTimes();
    }

    private String damageOf(final String weight) throws Exception
    {
        final Aggregator parser = parse(record(0, 4096, weight, "com.example.A.a(A.java:1)"));
        assertEquals(1, parser.damaged(), "weight=" + weight);
        assertEquals(0, parser.records());
        return parser.damageExamples().get(0);
    }

    private GoldenTest.Result run(final String text, final String... options) throws IOException
    {
        final Path input = dir.resolve("in.txt");
        Files.writeString(input, text, StandardCharsets.ISO_8859_1);
        final List<String> args = new ArrayList<>(Arrays.asList(options));
        args.add(input.toString());
        args.add(dir.resolve("out.txt").toString());
        return GoldenTest.Result.run(args.toArray(new String[0]));
    }

    private String sort(final String text, final String... options) throws IOException
    {
        final GoldenTest.Result result = run(text, options);
        assertEquals(0, result.exit, result.err);
        return Files.readString(dir.resolve("out.txt"), StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldParseWeightsAsDecimals() throws Exception
    {
        assertEquals(128.5, weightOf("128.5"));
        assertEquals(1.0001, weightOf("1.0001"));
        assertEquals(7.0, weightOf("007"));
        assertEquals(0.5, weightOf("0.5"));
        assertEquals(1e-7, weightOf("0.0000001"));
        assertEquals(123456789.123456789, weightOf("123456789.123456789"));
        assertEquals(1e30, weightOf("1000000000000000000000000000000"));
        assertEquals(Double.parseDouble("3.14159265358979323846264338327950288"),
            weightOf("3.14159265358979323846264338327950288"));
    }

    @Test
    void shouldParseWeightsCorrectlyRounded() throws Exception
    {
        final Random random = new Random(7);
        final StringBuilder text = new StringBuilder();
        final double[] expected = new double[500];
        for (int i = 0; i < expected.length; i++)
        {
            final String weight = (1 + random.nextInt(1_000_000)) + "." + random.nextInt(1_000_000_000);
            expected[i] = Double.parseDouble(weight);
            text.append(record(0, 4096, weight, "com.example.A.a" + i + "(A.java:1)"));
        }
        final Aggregator parser = parse(text.toString(), "--cull=st");
        assertEquals(0, parser.damaged());
        for (final Group group : parser.groups().groups())
        {
            final String frame = group.stack.frames()[1];
            final int i = Integer.parseInt(frame.substring("com.example.A.a".length(), frame.indexOf('(')));
            assertEquals(expected[i], group.estimatedTimes(), frame);
        }
    }

    @Test
    void shouldFindTheWeightAfterAFileAndOnlyAsAField() throws Exception
    {
        final String mapped = "Page allocated via order 0, mask 0x4(MAPPED), pid 1, tgid 4242 (main), ts 5 ns\n" +
            "PFN 0x7f3a2c001 type Mapped Block 66934272 type Mapped Flags 0x0(address=0x7f3a2c001000|bytes=4096|" +
            "pages=1|file=/data/weight=9|offset=0|weight=3)\n" +
            " com.example.A.a(A.java:1)\n\n";
        assertEquals(3.0, only(parse(mapped)).estimatedTimes());

        final String first = record(0, 4096, null, "com.example.A.a(A.java:1)")
            .replace("(address=", "(weight=4|address=");
        assertEquals(4.0, only(parse(first)).estimatedTimes());

        final Aggregator unsampled = parse(mapped.replace("|weight=3", ""));
        assertSame(Sampling.NONE, unsampled.sampling());
    }

    @Test
    void shouldMarkMalformedWeightsDamaged() throws Exception
    {
        assertTrue(damageOf("").endsWith("in:2: malformed weight: 'weight=' has no value; expected a positive " +
            "decimal such as weight=128.5"), damageOf(""));
        for (final String bad : new String[]{ "-1", "abc", "NaN", "Infinity", "-Infinity", "1e3", "1.", ".5",
            "+2", "2.5x", " 2", "0x10", "1,5" })
        {
            assertEquals("in:2: malformed weight 'weight=" + bad + "': expected a positive decimal such as " +
                "weight=128.5 (digits, optionally '.' and digits)", damageOf(bad));
        }
        for (final String zero : new String[]{ "0", "0.000", "00" })
        {
            assertEquals("in:2: malformed weight 'weight=" + zero + "': a weight must be positive (the number of " +
                "allocations the record stands for)", damageOf(zero));
        }
        final String huge = "1" + "0".repeat(400);
        assertEquals("in:2: malformed weight 'weight=" + huge.substring(0, 40) + "...': out of range", damageOf(huge));

        final String unterminated = record(0, 4096, "2", "com.example.A.a(A.java:1)").replace("weight=2)", "weight=2");
        final Aggregator parser = parse(unterminated);
        assertEquals(1, parser.damaged());
    }

    @Test
    void shouldStopAtAMalformedWeightWhenStrict() throws Exception
    {
        final String text = record(0, 4096, "2", "com.example.A.a(A.java:1)") +
            record(0, 4096, "NaN", "com.example.A.a(A.java:1)");
        final GoldenTest.Result result = run(text, "--strict");
        assertEquals(ExitStatus.FAILURE, result.exit);
        assertTrue(result.err.contains("in.txt:7: malformed weight 'weight=NaN'"), result.err);
        assertFalse(Files.exists(dir.resolve("out.txt")));
    }

    @Test
    void shouldScaleTimesPagesAndBytesByTheWeights() throws Exception
    {
        final String frame = "com.example.A.a(A.java:1)";
        final String text = record(1, 5000, "2.5", frame) + record(1, 5000, "2.5", frame) +
            record(1, 5000, "2.5", frame) + TRAILER;
        final Group group = only(parse(text));
        assertEquals(3, group.times);
        assertEquals(6, group.pages);
        assertEquals(15000, group.bytes);
        assertEquals(7.5, group.estimatedTimes());
        assertEquals(15.0, group.estimatedPages());
        assertEquals(37500.0, group.estimatedBytes());

        final String out = sort(text, "--show-bytes");
        assertEquals("# sampled dump (mean interval 524288 bytes): figures marked ~ are estimates for all " +
            "allocations, from sums of weight=1/p over 3 samples; --unweighted counts the samples instead\n\n" +
            "~8 times, ~15 pages, ~37500 bytes (3 samples), allocated by OTHERS :\n",
            out.substring(0, out.indexOf(":\n") + 2));

        final String unweighted = sort(text, "--unweighted", "--show-bytes");
        assertTrue(unweighted.startsWith("# sampled dump (mean interval 524288 bytes): --unweighted: times, pages " +
            "and bytes count the 3 samples themselves, not the allocations they stand for\n\n" +
            "3 times, 6 pages, 15000 bytes, allocated by OTHERS :\n"), unweighted);
    }

    @Test
    void shouldSortByTheEstimates() throws Exception
    {
        final String text = record(0, 4096, "1.5", "com.example.A.many(A.java:1)") +
            record(0, 4096, "1.5", "com.example.A.many(A.java:1)") +
            record(0, 4096, "1.5", "com.example.A.many(A.java:1)") +
            record(0, 4096, "40", "com.example.A.heavy(A.java:1)");
        final String weighted = sort(text, "--cull=st");
        assertTrue(weighted.indexOf("heavy") < weighted.indexOf("many"), weighted);
        assertTrue(weighted.contains("~40 times, ~40 pages (1 sample):\n"), weighted);
        assertTrue(weighted.contains("~5 times, ~5 pages (3 samples):\n"), weighted);

        final String counted = sort(text, "--cull=st", "--unweighted");
        assertTrue(counted.indexOf("many") < counted.indexOf("heavy"), counted);
        assertTrue(counted.contains("\n3 times, 3 pages:\n"), counted);

        final String byPages = sort(text, "--sort=-pages", "--cull=st");
        assertTrue(byPages.indexOf("heavy") < byPages.indexOf("many"), byPages);
    }

    @Test
    void shouldCountRecordsWithoutWeightAsOneAndWarn() throws Exception
    {
        final String frame = "com.example.A.a(A.java:1)";
        final String text = record(0, 4096, null, frame) + record(0, 4096, "3", frame) + record(0, 4096, null, frame);
        final Aggregator parser = parse(text);
        final Group group = only(parser);
        assertEquals(5.0, group.estimatedTimes());
        assertEquals(5.0 * 4096, group.estimatedBytes());
        final Sampling sampling = parser.sampling();
        assertTrue(sampling.sampled());
        assertEquals(-1, sampling.interval());
        assertEquals(2, sampling.missingWeights());
        assertEquals(1, sampling.firstMissingWeight());

        final GoldenTest.Result result = run(text);
        assertEquals(0, result.exit);
        assertTrue(result.err.contains("page-owner sort: warning: " + dir.resolve("in.txt") + ": the dump is " +
            "sampled, but 2 records had no weight= (first at line 1); each was counted as one allocation (weight 1)"),
            result.err);
        assertEquals(1, result.err.split("no weight=", -1).length - 1, "warned once");
        final String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.ISO_8859_1);
        assertTrue(out.startsWith("# sampled dump (interval not given in the trailer): figures marked ~ are " +
            "estimates for all allocations, from sums of weight=1/p over 3 samples; --unweighted counts the " +
            "samples instead; 2 records without weight= counted as one allocation each\n\n~5 times, ~5 pages " +
            "(3 samples), "), out);
        assertFalse(run(text, "--unweighted").err.contains("no weight="), "no warning where weights are not used");
    }

    @Test
    void shouldTakeTheTrailerAloneAsSampled() throws Exception
    {
        final String text = record(0, 4096, null, "com.example.A.a(A.java:1)") + TRAILER;
        final Sampling sampling = parse(text).sampling();
        assertTrue(sampling.sampled());
        assertEquals(524288, sampling.interval());
        assertEquals(1, sampling.missingWeights());
        assertTrue(sort(text).contains("\n~1 times, ~1 pages (1 sample), allocated by OTHERS :\n"));
    }

    @Test
    void shouldLeaveUnsampledDumpsAsTheyWere() throws Exception
    {
        final Path input = GoldenTest.goldenDirectory().resolve("input/jvm-basic.txt");
        final String text = Files.readString(input, StandardCharsets.ISO_8859_1);
        final String expected = Files.readString(GoldenTest.goldenDirectory().resolve("expected/jvm-basic-default.out"),
            StandardCharsets.ISO_8859_1);
        assertEquals(expected, sort(text, "--unweighted"));
        final Aggregator parser = parse(text);
        assertSame(Sampling.NONE, parser.sampling());
        for (final Group group : parser.groups().groups())
        {
            assertNull(group.weighted, "no weighted sums without weights");
        }
        final GoldenTest.Result result = run(text);
        assertFalse(result.err.contains("weight"), result.err);
    }

    @Test
    void shouldKeepWeightOneRecordsExact() throws Exception
    {
        final String frame = "com.example.A.a(A.java:1)";
        final Group plain = only(parse(record(3, 30000, "1", frame) + record(3, 30000, "1", frame)));
        assertNull(plain.weighted);
        assertEquals(2.0, plain.estimatedTimes());
        final Group later = only(parse(record(3, 30000, "1", frame) + record(3, 30000, "2", frame)));
        assertNotNull(later.weighted);
        assertEquals(3.0, later.estimatedTimes());
        assertEquals(24.0, later.estimatedPages());
        assertEquals(90000.0, later.estimatedBytes());
    }

    @Test
    void shouldWeighFoldedStacksByTheRoundedEstimate() throws Exception
    {
        final String text = record(0, 1000, "2.5", "com.example.A.a(A.java:1)") +
            record(0, 1000, "2.5", "com.example.A.a(A.java:1)") +
            record(0, 1001, "1.5", "com.example.A.b(A.java:2)") + TRAILER;
        final String bytes = sort(text, "--format=collapsed");
        assertEquals("# sampled dump (mean interval 524288 bytes): the counts (bytes, rounded) are estimates for all " +
            "allocations, from sums of weight=1/p over 3 samples; --unweighted counts the samples instead\n" +
            "com.example.A.a(A.java:1);java.nio.ByteBuffer.allocateDirect(ByteBuffer.java:332) 5000\n" +
            "com.example.A.b(A.java:2);java.nio.ByteBuffer.allocateDirect(ByteBuffer.java:332) 1502\n", bytes);
        final String times = sort(text, "--format=collapsed", "--weight=times");
        assertTrue(times.endsWith(
            " 5\ncom.example.A.b(A.java:2);java.nio.ByteBuffer.allocateDirect(ByteBuffer.java:332) 2\n"), times);
        final String counted = sort(text, "--format=collapsed", "--weight=times", "--unweighted");
        assertTrue(counted.endsWith(
            " 2\ncom.example.A.b(A.java:2);java.nio.ByteBuffer.allocateDirect(ByteBuffer.java:332) 1\n"), counted);
        for (final String output : new String[]{ bytes, times, counted })
        {
            final String first = output.substring(0, output.indexOf('\n'));
            assertFalse(Character.isDigit(first.charAt(first.length() - 1)),
                "flame graph tools must not read a count from the first line: " + first);
        }
    }

    @Test
    void shouldMarkEstimatesInHtml() throws Exception
    {
        final String text = record(1, 5000, "2.5", "com.example.A.a(A.java:1)") +
            record(1, 5000, "2.5", "com.example.A.a(A.java:1)") +
            record(1, 5000, "2.5", "com.example.A.a(A.java:1)") + TRAILER;
        final String page = Files.readString(writeHtml(text, "--format=html"), StandardCharsets.UTF_8);
        assertTrue(page.contains("3 samples in 1 groups, ~8 allocations, ~15 pages, ~36.6 KiB (~37500 bytes)"), page);
        assertTrue(page.contains("<p class=\"meta\">sampled dump (mean interval 524288 bytes): figures marked ~ are " +
            "estimates for all allocations, from sums of weight=1/p over 3 samples; --unweighted counts the samples " +
            "instead</p>"), page);
        assertTrue(page.contains("<th data-num>~times</th><th data-num>~pages</th><th data-num>~bytes</th>" +
            "<th data-num>samples</th>"), page);
        assertTrue(
            page.contains("<td class=\"n\" data-v=\"7.5\" title=\"7.5 estimated from 3 samples\">~8</td>"), page);
        assertTrue(
            page.contains("<td class=\"n\" data-v=\"15.0\" title=\"15.0 estimated from 3 samples\">~15</td>"), page);
        assertTrue(page.contains("<td class=\"n\" data-v=\"37500.0\" title=\"~37500 bytes, estimated from 3 " +
            "samples\">~36.6 KiB</td><td class=\"n\">3</td>"), page);
        assertTrue(page.contains("# sampling: mean interval 524288 bytes"), "the trailer is shown");

        final String counted =
            Files.readString(writeHtml(text, "--format=html", "--unweighted"), StandardCharsets.UTF_8);
        assertTrue(counted.contains("3 samples in 1 groups, 6 pages, 14.6 KiB (15000 bytes)"), counted);
        assertTrue(counted.contains("--unweighted: times, pages and bytes count the 3 samples themselves"), counted);
        assertTrue(counted.contains("<th data-num>samples</th><th data-num>pages</th><th data-num>bytes</th><th>"),
            counted);
        assertFalse(counted.contains("~"), counted);
    }

    private Path writeHtml(final String text, final String... options) throws IOException
    {
        final GoldenTest.Result result = run(text, options);
        assertEquals(0, result.exit, result.err);
        return dir.resolve("out.txt");
    }

    /**
     * Every record of a generated dump with the same weight k: each figure is k times the unsampled one, for any
     * options; with k = 1 the figures are the unsampled ones, and {@code --unweighted} gives them for any k.
     */
    @Test
    void shouldScaleEveryFigureOfAUniformlyWeightedDump() throws Exception
    {
        final Pattern plain = Pattern.compile("(?m)^(\\d+) times, (\\d+) pages(?:, (\\d+) bytes)?");
        final Pattern marked =
            Pattern.compile("(?m)^~(\\d+) times, ~(\\d+) pages(?:, ~(\\d+) bytes)? \\((\\d+) samples?\\)");
        for (int seed = 0; seed < 4; seed++)
        {
            final DumpGenerator generator = new DumpGenerator(300 + seed, 25, 5);
            final StringBuilder unsampled = new StringBuilder();
            for (final DumpGenerator.Rec record : generator.records(200))
            {
                unsampled.append(record.text());
            }
            final String text = unsampled.toString();
            for (final int k : new int[]{ 1, 3 })
            {
                final String weighted = text.replaceAll("(?m)^(PFN .*)\\)$", "$1|weight=" + k + ")");
                assertEquals(200, weighted.split("\\|weight=", -1).length - 1);
                for (final String[] options : new String[][]{ { "--show-bytes" }, { "-m", "--show-bytes" },
                    { "--cull=st", "-b" }, { "--cull=kind,frame", "--show-bytes" },
                    { "--sort=-bytes,n", "--cull=name" }, { "--kind=direct,arena", "--cull=pid", "--show-bytes" } })
                {
                    final List<long[]> expected = figures(plain, sort(text, options));
                    final List<long[]> actual = figures(marked, sort(weighted, options));
                    assertEquals(expected.size(), actual.size(), List.of(options).toString());
                    for (int i = 0; i < expected.size(); i++)
                    {
                        for (int f = 0; f < 3; f++)
                        {
                            assertEquals(k * expected.get(i)[f], actual.get(i)[f], "seed " + seed + " k " + k + " " +
                                List.of(options) + " group " + i);
                        }
                        assertEquals(expected.get(i)[0], actual.get(i)[3], "samples");
                    }
                    final String counted = sort(weighted, addUnweighted(options));
                    assertEquals(sort(text, options), counted.substring(counted.indexOf('\n') + 1)
                        .replaceFirst("^\n", ""), "--unweighted " + List.of(options));
                }
            }
        }
    }

    private static String[] addUnweighted(final String[] options)
    {
        final String[] with = Arrays.copyOf(options, options.length + 1);
        with[options.length] = "--unweighted";
        return with;
    }

    private static List<long[]> figures(final Pattern pattern, final String output)
    {
        final List<long[]> list = new ArrayList<>();
        final Matcher m = pattern.matcher(output);
        while (m.find())
        {
            final long[] f = new long[4];
            for (int g = 1; g <= Math.min(4, m.groupCount()); g++)
            {
                f[g - 1] = null == m.group(g) ? 0 : Long.parseLong(m.group(g));
            }
            list.add(f);
        }
        return list;
    }

    @Test
    void shouldDocumentTheNewOption()
    {
        final GoldenTest.Result help = GoldenTest.Result.run("--help");
        assertTrue(help.out.contains("--unweighted\t\tCount the samples themselves instead"), help.out);
        assertTrue(help.out.toLowerCase(Locale.ROOT).contains("sampled dumps"), help.out);
    }
}
