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
