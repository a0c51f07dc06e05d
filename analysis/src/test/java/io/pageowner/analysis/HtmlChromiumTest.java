package io.pageowner.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML output in the real reader, headless Chromium (Debian's package, provided by
 * scripts/provide-chromium.sh, path in the system property {@code pageowner.chromium}): the page must run without
 * a script error, draw the flame graph with the dump's frames, and its self-test ({@code #selftest}) must find
 * search and zoom working. Frame text from the dump is hostile on purpose.
 */
class HtmlChromiumTest
{
    private static final String HOSTILE = "com.evil.X.</script><script>document.title='PWNED'+'X'</script>" +
        "<img src=x onerror=\"document.title='PWNED'+'Y'\">&amp;(X.java:1)";
    private static final String HOSTILE_TOP = "com.evil.Y.run\\u2028'\"\\(Y.java:2)";

    @TempDir
    Path dir;

    private static String chromium()
    {
        final String path = System.getProperty("pageowner.chromium", "/usr/bin/chromium");
        if (!new File(path).canExecute())
        {
            fail("Chromium not found at " + path + ": run scripts/provide-chromium.sh (scripts/test.sh does) and " +
                "pass its path as -Dpageowner.chromium=...");
        }
        return path;
    }

    private String run(final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox",
            "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--hide-scrollbars",
            "--user-data-dir=" + Files.createTempDirectory(dir, "chromium")));
        command.addAll(List.of(args));
        final Path out = Files.createTempFile(dir, "chromium", ".out");
        final Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(300, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            fail("Chromium did not finish in 300 s: " + command);
        }
        assertEquals(0, p.exitValue(), "Chromium's exit status for " + command);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private Path page(final String dump) throws Exception
    {
        final Path input = dir.resolve("dump.txt");
        Files.write(input, dump.getBytes(StandardCharsets.UTF_8));
        final Path html = dir.resolve("page.html");
        final GoldenTest.Result result = GoldenTest.Result.run("--format=html", input.toString(), html.toString());
        assertEquals(0, result.exit, result.err);
        return html;
    }

    private static String record(final String kind, final int mask, final long bytes, final String... frames)
    {
        final StringBuilder s = new StringBuilder()
            .append("Page allocated via order 0, mask 0x").append(Integer.toHexString(mask)).append('(').append(kind)
            .append("), pid 1, tgid 7 (main), ts 100 ns\nPFN 0x1 type X Block 1 type X Flags 0x0(address=0x10|bytes=")
            .append(bytes).append("|pages=1)\n");
        for (final String frame : frames)
        {
            s.append(' ').append(frame).append('\n');
        }
        return s.append('\n').toString();
    }

    private static String element(final String dom, final String id)
    {
        final Matcher m = Pattern.compile("<pre id=\"" + id + "\"[^>]*>([^<]*)</pre>").matcher(dom);
        assertTrue(m.find(), "no element " + id + " in the page Chromium rendered");
        return m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    }

    private static String attribute(final String dom, final String name)
    {
        final Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(dom);
        assertTrue(m.find(), "no attribute " + name + " in the page Chromium rendered");
        return m.group(1);
    }

    @Test
    void shouldRenderTheFlameGraphAndPassItsSelfTestInChromium() throws Exception
    {
        final String dump =
            record("DIRECT", 2, 3000, "jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632)", HOSTILE,
                HOSTILE_TOP) +
            record("DIRECT", 2, 1000, "jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632)",
                "com.example.B.b(B.java:9)", HOSTILE_TOP) +
            record("UNSAFE", 1, 500, "com.example.C.c(C.java:3)", "com.example.Main.main(Main.java:1)");
        final Path html = page(dump);
        final String dom = run("--dump-dom", html.toUri() + "#selftest");

        assertEquals("", element(dom, "errors"), "script errors of the page");
        assertTrue(!dom.contains("PWNEDX") && !dom.contains("PWNEDY"), "frame text ran as script");
        final String self = element(dom, "selftest");
        for (final String frame : new String[]{ "all", HOSTILE_TOP.replace("\\", "\\\\").replace("\"", "\\\""),
            HOSTILE.replace("\"", "\\\""), "com.example.B.b(B.java:9)", "com.example.Main.main(Main.java:1)" })
        {
            assertTrue(self.contains("\"" + frame.replace("\u2028", "\\u2028") + "\""),
                "drawn frame " + frame + " in " + self);
        }
        assertTrue(self.contains("\"total\":4500"), self);
        assertTrue(self.contains("\"rects\":8,"), "8 drawn frames: " + self);
        // the self-test searches the first leaf under the widest root child: Unsafe.allocateMemory, 4000 bytes
        assertTrue(self.contains("\"search\":\"jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632)\""), self);
        assertTrue(self.contains("\"searchMatched\":4000,"), self);
        assertTrue(self.contains("(88.89% of all)"), self);
        assertTrue(self.contains("\"zoomBytes\":4000,") && self.contains("\"zoomRects\":5,"), self);
        assertTrue(self.contains("\"unzoomRects\":8}"), self);

        final Path shot = Paths.get("target", "flamegraph-test.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        run("--window-size=1100,560", "--screenshot=" + shot, html.toUri().toString());
        assertTrue(Files.size(shot) > 1000, "screenshot " + shot);
    }

    private static String timed(final String stack, final long bytes, final long ts)
    {
        return "Page allocated via order 0, mask 0x1(UNSAFE), pid 3, tgid 99 (t), ts " + ts + " ns\n" +
            "PFN 0x1 type Unsafe Block 1 type Unsafe Flags 0x0(address=0x1000|bytes=" + bytes + "|pages=1)\n" +
            " jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632)\n com.example." + stack + "(X.java:1)\n" +
            " com.example.Main.main(Main.java:1)\n\n";
    }

    private Path series(final String name, final long timeNs, final String... records) throws Exception
    {
        final Path path = dir.resolve(name);
        Files.writeString(path, String.join("", records) + "# time: ts " + timeNs + " ns, wall " +
            "2026-12-05T00:00:00Z (epoch_ms 0)\n", StandardCharsets.ISO_8859_1);
        return path;
    }

    private static String[] command(final String which, final String... args)
    {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        final java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        final int status;
        try (java.io.PrintStream o = new java.io.PrintStream(out, true, StandardCharsets.ISO_8859_1);
            java.io.PrintStream e = new java.io.PrintStream(err, true, StandardCharsets.ISO_8859_1))
        {
            status = "leaks".equals(which) ? PageOwnerLeaks.run(args, o, e) : PageOwnerDiff.run(args, o, e);
        }
        return new String[]{ Integer.toString(status), out.toString(StandardCharsets.ISO_8859_1),
            err.toString(StandardCharsets.ISO_8859_1) };
    }

    private static int count(final String dom, final String needle)
    {
        int n = 0;
        for (int at = dom.indexOf(needle); at >= 0; at = dom.indexOf(needle, at + 1))
        {
            n++;
        }
        return n;
    }

    @Test
    void shouldColourADiffsFlameGraphByGrowthAndChartEachChange() throws Exception
    {
        final Path old = series("old.txt", 60_000_000_000L,
            timed("Grow.g", 100, 1), timed("Shrink.s", 400, 2), timed("Shrink.s", 400, 3), timed("Gone.g", 300, 4),
            timed("Same.s", 5000, 5));
        final Path now = series("new.txt", 120_000_000_000L,
            timed("Grow.g", 100, 1), timed("Grow.g", 100, 6), timed("Grow.g", 100, 7), timed("Shrink.s", 400, 2),
            timed("Born.b", 50, 8), timed("Same.s", 5000, 5));
        final Path html = dir.resolve("diff.html");
        final String[] result = command("diff", "--format", "html", old.toString(), now.toString(), html.toString());
        assertEquals("0", result[0], result[2]);

        final String dom = run("--dump-dom", html.toUri() + "#selftest");
        assertEquals("", element(dom, "errors"), "script errors of the page");
        final String self = element(dom, "selftest");
        // growth: +200 (Grow) -400 (Shrink) -300 (Gone) +50 (Born) = -450; four groups changed, Same did not
        assertTrue(self.contains("\"growth\":-450,"), self);
        assertTrue(self.contains("\"total\":5750,"), "widths are the new dump's bytes: " + self);
        assertTrue(self.contains("\"charts\":4"), self);
        assertEquals(4, count(dom, "<svg class=\"line\""), "one chart per changed group");
        assertEquals(4, count(dom, "data-points=\"2\""), "old and new");
        assertTrue(dom.contains("+200 bytes") && dom.contains("-300 bytes, vanished"), dom);
    }

    @Test
    void shouldChartEachLeakSuspectOverTheSeries() throws Exception
    {
        final List<String> dumps = new ArrayList<>();
        dumps.add("--format=html");
        final List<String> leak = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            final long at = 20_000_000_000L + 10_000_000_000L * i;
            leak.add(timed("Leak.grow", 1000, 1 + i));
            final List<String> records = new ArrayList<>(leak);
            records.add(timed("Flat.big", 1 << 20, 100));
            records.add(timed("Churn.tick", 64 << 10, at - 1_000_000_000L));
            dumps.add(series("d" + i + ".txt", at, records.toArray(new String[0])).toString());
        }
        final String[] result = command("leaks", dumps.toArray(new String[0]));
        assertEquals("0", result[0], result[2]);
        final Path html = dir.resolve("leaks.html");
        Files.writeString(html, result[1], StandardCharsets.ISO_8859_1);

        final String dom = run("--dump-dom", html.toUri() + "#selftest");
        assertEquals("", element(dom, "errors"), "script errors of the page");
        final String self = element(dom, "selftest");
        assertTrue(self.contains("\"charts\":1"), "one chart per suspect, and only the leak is one: " + self);
        assertTrue(self.contains("\"growth\":3000,"), self);
        assertEquals(1, count(dom, "data-points=\"4\""), "a point per dump");
        assertTrue(dom.contains("com.example.Leak.grow") && !dom.contains("Flat.big") && !dom.contains("Churn"), dom);
    }

    @Test
    void shouldRenderTenThousandStacks() throws Exception
    {
        final StringBuilder dump = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            dump.append(record(i % 3 == 0 ? "UNSAFE" : "DIRECT", i % 3 == 0 ? 1 : 2, 4096L + i,
                "jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632)",
                "com.example.L" + (i % 100) + ".leaf" + i + "(L.java:" + i + ")",
                "com.example.M" + (i % 10) + ".mid(M.java:" + (i % 37) + ")",
                "com.example.Main.main(Main.java:1)"));
        }
        final Path html = page(dump.toString());
        final String dom = run("--dump-dom", html.toUri().toString());
        assertEquals("", element(dom, "errors"), "script errors of the page");
        assertTrue(Integer.parseInt(attribute(dom, "data-rects")) > 10, "drawn frames");
        System.out.println("HtmlChromiumTest: 10000 stacks, page of " + Files.size(html) + " bytes, rendered in " +
            attribute(dom, "data-render-ms") + " ms");
    }
}
