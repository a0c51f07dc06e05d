package io.pageowner.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the pprof output in the real reader, {@code go tool pprof} (Debian's golang-go, provided by
 * scripts/provide-go.sh, path in the system property {@code pageowner.go}), and compares what it shows, stack by
 * stack, with our text output of the same dump: {@code -traces} (stacks with their bytes, counts and labels),
 * {@code -top} (totals), {@code -comments}, the web UI of {@code -http}, and for a diff {@code -diff_base} on two
 * profiles of {@code sort}.
 */
class PprofToolTest
{
    private static final Pattern TEXT_HEADER = Pattern.compile(
        "^~?(-?\\d+) times, ~?(-?\\d+) pages, ~?(-?\\d+) bytes.*$");
    private static final Pattern RECORD_HEADER = Pattern.compile(
        "mask 0x[0-9a-f]+\\((.*)\\), pid (-?\\d+), tgid (-?\\d+) \\((.*)\\), ts");
    private static final Pattern DIFF_HEADER = Pattern.compile("^([-+]\\d+) times, [-+]\\d+ pages, ([-+]\\d+) bytes");
    private static final Pattern TRACE_VALUE = Pattern.compile("^\\s*(-?\\d+)B?   (\\S.*)$");
    private static final Pattern TRACE_FRAME = Pattern.compile("^ {13}(\\S.*)$");
    private static final Pattern TRACE_LABEL = Pattern.compile("^\\s*(\\w+):  (.*)$");
    private static final Pattern JAVA_FRAME = Pattern.compile("^(.*)\\(([^()]*)\\)$");
    private static final Pattern KERNEL_FRAME = Pattern.compile("^([^+ ]+)\\+0x[0-9a-f]+/0x[0-9a-f]+( \\[.*\\])?$");

    @TempDir
    Path dir;

    private static String go()
    {
        final String path = System.getProperty("pageowner.go", "/usr/bin/go");
        if (!new File(path).canExecute())
        {
            fail("go not found at " + path + ": run scripts/provide-go.sh (scripts/test.sh does) and pass its path " +
                "as -Dpageowner.go=...");
        }
        return path;
    }

    private ProcessBuilder pprofCommand(final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of(go(), "tool", "pprof"));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command);
        // NOTE: pprof keeps fetched profiles under $PPROF_TMPDIR; keep anything it writes in the test's directory.
        builder.environment().put("PPROF_TMPDIR", Files.createTempDirectory(dir, "pprof-tmp").toString());
        return builder;
    }

    /**
     * Run {@code go tool pprof} to its end.
     *
     * @return its standard output.
     */
    private String pprof(final String... args) throws Exception
    {
        final Path out = Files.createTempFile(dir, "pprof", ".out");
        final Path err = Files.createTempFile(dir, "pprof", ".err");
        final Process p = pprofCommand(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            fail("go tool pprof did not finish in 300 s: " + List.of(args));
        }
        assertEquals(0, p.exitValue(), "go tool pprof " + List.of(args) + ": " + Files.readString(err));
        return Files.readString(out, StandardCharsets.ISO_8859_1);
    }

    private static String[] run(final String command, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.ISO_8859_1);
            PrintStream e = new PrintStream(err, true, StandardCharsets.ISO_8859_1))
        {
            switch (command)
            {
                case "diff":
                    status = PageOwnerDiff.run(args, o, e);
                    break;
                case "top":
                    status = PageOwnerTop.run(args, o, e);
                    break;
                default:
                    status = PageOwnerSort.run(args, o, e);
                    break;
            }
        }
        return new String[]{ Integer.toString(status), out.toString(StandardCharsets.ISO_8859_1),
            err.toString(StandardCharsets.ISO_8859_1) };
    }

    private static String golden(final String name) throws Exception
    {
        return GoldenTest.goldenDirectory().resolve("input").resolve(name).toString();
    }

    private Path profile(final String command, final String... args) throws Exception
    {
        final Path pb = Files.createTempFile(dir, command, ".pb.gz");
        final List<String> all = new ArrayList<>(List.of("--format", "pprof"));
        all.addAll(List.of(args));
        all.add(pb.toString());
        final String[] result = run(command, all.toArray(new String[0]));
        assertEquals("0", result[0], result[2]);
        return pb;
    }

    /**
     * How pprof's {@code -traces -lines} shows a frame of the dump, by the mapping PprofProfile documents.
     */
    private static String asPprofShowsIt(final String frame)
    {
        final Matcher java = JAVA_FRAME.matcher(frame);
        if (java.matches())
        {
            final String where = java.group(2);
            if (where.matches(".*\\.\\w+:\\d+"))
            {
                return java.group(1) + " " + where;
            }
            return java.group(1) + (where.contains(".") ? " " + where : "");
        }
        final Matcher kernel = KERNEL_FRAME.matcher(frame);
        if (kernel.matches())
        {
            return kernel.group(1) + (null == kernel.group(2) ? "" : kernel.group(2));
        }
        return frame;
    }

    /**
     * The groups of our text output ({@code -b} or {@code --show-bytes}) as {@code labels | frames -> value}
     * lines, sorted; labels only where the text holds the record header (no {@code --cull}). Groups with the same
     * labels and stack (their headers differ in order or mask digits) are added up, as pprof adds up such samples.
     */
    private static List<String> textGroups(final String text, final boolean bytes)
    {
        final List<String> groups = new ArrayList<>();
        String value = null;
        String labels = "";
        final StringBuilder frames = new StringBuilder();
        for (final String line : (text + "\n").split("\n", -1))
        {
            final Matcher header = TEXT_HEADER.matcher(line);
            if (null == value && header.matches())
            {
                value = bytes ? header.group(3) : header.group(1);
                labels = "";
                frames.setLength(0);
            }
            else if (null != value && line.isEmpty())
            {
                groups.add(labels + "|" + (frames.length() == 0 ? "[no stack];" : frames) + "-> " + value);
                value = null;
            }
            else if (null != value && line.startsWith(" "))
            {
                frames.append(asPprofShowsIt(line.trim())).append(';');
            }
            else if (null != value)
            {
                final Matcher record = RECORD_HEADER.matcher(line);
                if (record.find())
                {
                    // NOTE: pprof prints labels sorted by key, and has none for an empty value.
                    labels = (record.group(1).isEmpty() ? "" : "kind=" + record.group(1) + ",") + "pid=" +
                        record.group(2) + ",tgid=" + record.group(3) +
                        (record.group(4).isEmpty() ? "" : ",thread=" + record.group(4));
                }
            }
        }
        return merged(groups);
    }

    private static List<String> merged(final List<String> samples)
    {
        final Map<String, Long> sums = new TreeMap<>();
        for (final String sample : samples)
        {
            final int arrow = sample.lastIndexOf("-> ");
            sums.merge(sample.substring(0, arrow), Long.parseLong(sample.substring(arrow + 3)), Long::sum);
        }
        final List<String> result = new ArrayList<>();
        sums.forEach((key, sum) -> result.add(key + "-> " + sum));
        return result;
    }

    /**
     * The samples pprof shows with {@code -traces -lines}, in the same form as {@link #textGroups}.
     */
    private static List<String> traces(final String output)
    {
        final List<String> samples = new ArrayList<>();
        final Map<String, String> labels = new TreeMap<>();
        String value = null;
        final StringBuilder frames = new StringBuilder();
        for (final String line : (output + "\n-----------+\n").split("\n", -1))
        {
            if (line.startsWith("-----------+"))
            {
                if (null != value)
                {
                    final StringBuilder key = new StringBuilder();
                    labels.forEach((k, v) -> key.append(key.length() > 0 ? "," : "").append(k).append('=').append(v));
                    samples.add(key + "|" + frames + "-> " + value);
                }
                value = null;
                labels.clear();
                frames.setLength(0);
                continue;
            }
            final Matcher first = TRACE_VALUE.matcher(line);
            final Matcher next = TRACE_FRAME.matcher(line);
            final Matcher label = TRACE_LABEL.matcher(line);
            if (null == value && first.matches())
            {
                value = first.group(1);
                frames.append(first.group(2).trim()).append(';');
            }
            else if (null != value && next.matches())
            {
                frames.append(next.group(1).trim()).append(';');
            }
            else if (null == value && label.matches())
            {
                labels.put(label.group(1), label.group(2).trim());
            }
        }
        final List<String> result = merged(samples);
        assertEquals(samples.size(), result.size(), "pprof -traces shows each stack and labels once: " + output);
        return result;
    }

    private static long total(final String top)
    {
        final Matcher m = Pattern.compile("Showing nodes accounting for (-?\\d+)B?, [\\d.]+% of (-?\\d+)B? total")
            .matcher(top);
        assertTrue(m.find(), "no total in pprof's -top: " + top);
        return Long.parseLong(m.group(1));
    }

    private static long sum(final List<String> groups)
    {
        long sum = 0;
        for (final String group : groups)
        {
            sum += Long.parseLong(group.substring(group.lastIndexOf("-> ") + 3));
        }
        return sum;
    }

    private void assertSameAsText(final String dump, final String... grouping) throws Exception
    {
        final List<String> textArgs = new ArrayList<>(List.of(grouping));
        textArgs.addAll(List.of("--show-bytes", golden(dump), "-"));
        final String[] text = run("sort", textArgs.toArray(new String[0]));
        assertEquals("0", text[0], text[2]);
        final List<String> args = new ArrayList<>(List.of(grouping));
        args.add(golden(dump));
        final Path pb = profile("sort", args.toArray(new String[0]));

        final List<String> bytes = textGroups(text[1], true);
        final List<String> counts = textGroups(text[1], false);
        assertTrue(bytes.size() > 1, dump + ": groups of the text output: " + text[1]);
        assertEquals(bytes, traces(pprof("-traces", "-lines", "-unit=byte", pb.toString())),
            dump + " " + List.of(grouping) + ": stacks and bytes, text output vs pprof -traces");
        assertEquals(counts, traces(pprof("-traces", "-lines", "-sample_index=inuse_objects", pb.toString())),
            dump + " " + List.of(grouping) + ": stacks and counts, text output vs pprof -traces");
        assertEquals(sum(bytes), total(pprof("-top", "-unit=byte", "-sample_index=inuse_space", pb.toString())),
            dump + ": total bytes of pprof -top");
        assertEquals(sum(counts), total(pprof("-top", "-sample_index=inuse_objects", pb.toString())),
            dump + ": total count of pprof -top");
    }

    @Test
    void shouldShowTheStacksBytesAndCountsOfTheTextOutputWithTheirLabels() throws Exception
    {
        assertSameAsText("jvm-basic.txt");
        assertSameAsText("jvm-large.txt");
        assertSameAsText("kernel-mixed.txt");

        final String[] direct = run("sort", "--show-bytes", "--kind", "DIRECT", golden("jvm-basic.txt"), "-");
        assertEquals("0", direct[0], direct[2]);
        final Path pb = profile("sort", golden("jvm-basic.txt"));
        assertEquals(sum(textGroups(direct[1], true)),
            total(pprof("-top", "-unit=byte", "-tagfocus=kind=DIRECT", pb.toString())),
            "pprof's -tagfocus=kind=DIRECT selects what sort --kind DIRECT does");
    }

    @Test
    void shouldShowTheStacksOfTheTextOutputWhenGroupedByStack() throws Exception
    {
        assertSameAsText("jvm-basic.txt", "--cull=st");
        assertSameAsText("jvm-large.txt", "--cull=st");
        assertSameAsText("kernel-worked.txt", "--cull=st");
    }

    @Test
    void shouldShowTheEstimatesOfASampledDumpAndSaySo() throws Exception
    {
        assertSameAsText("jvm-sampled.txt", "--cull=st");
        assertSameAsText("jvm-sampled.txt");

        final Path pb = profile("sort", golden("growth-sampled-new.txt"));
        final String comments = pprof("-comments", pb.toString());
        assertTrue(comments.contains("sampled dump (mean interval 524288 bytes): inuse_objects and inuse_space are " +
            "estimates for all allocations"), comments);
        assertTrue(comments.contains("dump " + golden("growth-sampled-new.txt") + ", taken at ts 2000000000 ns " +
            "(2026-12-05T00:00:02Z)"), comments);
        final String raw = pprof("-raw", pb.toString());
        assertTrue(raw.contains("Period: 524288"), raw);
        assertTrue(raw.contains("Time: 2026-12-05 00:00:02 +0000 UTC"), raw);
        assertTrue(raw.contains("inuse_objects/count inuse_space/bytes[dflt]"), raw);

        final Path unweighted = profile("sort", "--unweighted", golden("growth-sampled-new.txt"));
        assertTrue(pprof("-comments", unweighted.toString()).contains("--unweighted: times, pages and bytes count " +
            "the 3 samples themselves"));
    }

    @Test
    void shouldShowTopsStacks() throws Exception
    {
        final String[] text = run("sort", "-b", "--cull=st", golden("jvm-basic.txt"), "-");
        assertEquals("0", text[0], text[2]);
        final List<String> largest = new ArrayList<>();
        final Matcher header = TEXT_HEADER.matcher("");
        for (final String line : text[1].split("\n"))
        {
            if (header.reset(line).matches() && largest.size() < 3)
            {
                largest.add(header.group(3));
            }
        }
        final long expected = sum(largest.stream().map(b -> "-> " + b).toList());

        final String[] top = run("top", "--format", "pprof", golden("jvm-basic.txt"), "3");
        assertEquals("0", top[0], top[2]);
        final Path pb = dir.resolve("top.pb.gz");
        Files.write(pb, top[1].getBytes(StandardCharsets.ISO_8859_1));
        final List<String> samples = traces(pprof("-traces", "-unit=byte", pb.toString()));
        assertEquals(3, samples.size(), samples.toString());
        assertEquals(expected, total(pprof("-top", "-unit=byte", pb.toString())));
    }

    @Test
    void shouldShowADiffAsDiffBaseShowsTwoProfiles() throws Exception
    {
        final String old = golden("growth-old.txt");
        final String now = golden("growth-new.txt");
        final Path diff = profile("diff", old, now);
        final Path oldProfile = profile("sort", old);
        final Path newProfile = profile("sort", now);

        for (final String index : new String[]{ "inuse_space", "inuse_objects" })
        {
            final String unit = "inuse_space".equals(index) ? "-unit=byte" : "-unit=minimum";
            final String ours = pprof("-top", "-lines", unit, "-nodefraction=0", "-nodecount=100000",
                "-sample_index=" + index, diff.toString());
            final String theirs = pprof("-top", "-lines", unit, "-nodefraction=0", "-nodecount=100000",
                "-sample_index=" + index, "-diff_base", oldProfile.toString(), newProfile.toString());
            assertEquals(topRows(theirs), topRows(ours), index + ": diff --format pprof vs -diff_base");
            assertEquals(total(theirs), total(ours));
        }

        final String[] text = run("diff", old, now);
        assertEquals("0", text[0], text[2]);
        final List<String> expected = new ArrayList<>();
        String value = null;
        final StringBuilder frames = new StringBuilder();
        for (final String line : (text[1] + "\n").split("\n", -1))
        {
            final Matcher header = DIFF_HEADER.matcher(line);
            if (header.find())
            {
                value = Long.toString(Long.parseLong(header.group(2)));
                frames.setLength(0);
            }
            else if (null != value && line.startsWith(" "))
            {
                frames.append(asPprofShowsIt(line.trim())).append(';');
            }
            else if (null != value && line.isEmpty())
            {
                expected.add("|" + frames + "-> " + value);
                value = null;
            }
        }
        expected.sort(null);
        assertEquals(4, expected.size(), text[1]);
        assertEquals(expected, traces(pprof("-traces", "-lines", "-unit=byte", diff.toString())),
            "the diff's stacks and growth in bytes, text vs pprof -traces");
        final String comments = pprof("-comments", diff.toString());
        assertTrue(comments.contains("values are new less old per group"), comments);
        assertTrue(pprof("-raw", diff.toString()).contains("Time: 2026-12-05 00:01:00 +0000 UTC"));
    }

    @Test
    void shouldWriteAnEmptyProfileForADumpOfOnlyATrailerAsTheTextOutputIsEmpty() throws Exception
    {
        final String[] text = run("sort", golden("trailer-only.txt"), "-");
        assertEquals("0", text[0], text[2]);
        assertEquals("", text[1], "the text output of a dump without records");
        final Path pb = profile("sort", golden("trailer-only.txt"));
        assertEquals(0, total(pprof("-top", "-unit=byte", pb.toString())));
        final String raw = pprof("-raw", pb.toString());
        assertTrue(raw.contains("Samples:\ninuse_objects/count inuse_space/bytes[dflt]\nLocations\n"), raw);
    }

    /**
     * The rows of {@code -top}: flat, cum and name, without the percentages (their base differs).
     */
    private static List<String> topRows(final String top)
    {
        final List<String> rows = new ArrayList<>();
        boolean table = false;
        for (final String line : top.split("\n"))
        {
            if (line.trim().startsWith("flat  flat%"))
            {
                table = true;
                continue;
            }
            if (table)
            {
                final String[] cells = line.trim().split("\\s+", 6);
                rows.add(cells[0] + " " + cells[3] + " " + cells[5]);
            }
        }
        rows.sort(null);
        assertFalse(rows.isEmpty(), top);
        return rows;
    }

    @Test
    void shouldServeTheProfileInPprofsWebUi() throws Exception
    {
        final Path pb = profile("sort", golden("jvm-basic.txt"));
        final String[] text = run("sort", "--show-bytes", golden("jvm-basic.txt"), "-");
        final long bytes = sum(textGroups(text[1], true));
        final Path err = Files.createTempFile(dir, "pprof-http", ".err");
        // NOTE: an empty port makes pprof choose a free one and print it: no port of ours can be taken meanwhile.
        final Process p = pprofCommand("-http=127.0.0.1:", "-no_browser", pb.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        try
        {
            final String url = serving(p, err);
            final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60)).build();
            final String topPage = get(client, url + "/ui/top?unit=byte");
            for (final String name : new String[]{ "jdk.internal.misc.Unsafe.allocateMemory",
                "com.example.cache.BlockCache.load", "com.example.net.Codec.encode",
                "sun.nio.ch.FileChannelImpl.map0" })
            {
                assertTrue(topPage.contains(name), name + " in pprof's top page");
            }
            assertTrue(topPage.contains("Showing nodes accounting for " + bytes + "B, 100% of " + bytes + "B total"),
                "the text output's total in pprof's top page");
            final String flame = get(client, url + "/ui/flamegraph");
            assertTrue(flame.contains("com.example.util.Buffers.grow"), "a frame in pprof's flame graph page");
        }
        finally
        {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
            }
        }
    }

    private static String serving(final Process p, final Path err) throws Exception
    {
        final Pattern serving = Pattern.compile("Serving web UI on (http://127\\.0\\.0\\.1:\\d+)");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline)
        {
            final Matcher m = serving.matcher(Files.readString(err, StandardCharsets.ISO_8859_1));
            if (m.find())
            {
                return m.group(1);
            }
            if (!p.isAlive())
            {
                fail("go tool pprof -http exited with " + p.exitValue() + ": " + Files.readString(err));
            }
            Thread.sleep(100);
        }
        fail("go tool pprof -http did not say where it serves in 300 s: " + Files.readString(err));
        return null;
    }

    private static String get(final HttpClient client, final String url) throws Exception
    {
        // NOTE: pprof prints its address before it listens; until then the connection is refused.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (true)
        {
            try
            {
                final HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(120)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                assertEquals(200, response.statusCode(), url + ": " + response.body());
                return response.body();
            }
            catch (final ConnectException ex)
            {
                if (System.nanoTime() > deadline)
                {
                    throw ex;
                }
                Thread.sleep(200);
            }
        }
    }
}
