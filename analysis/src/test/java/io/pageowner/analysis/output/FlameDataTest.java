package io.pageowner.analysis.output;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flame graph's data: groups that differ only in what the flame graph does not show are one entry, summed;
 * another kind or another call path is an entry of its own. (The page itself is proved in headless Chromium by
 * {@code HtmlChromiumTest}.)
 */
class FlameDataTest
{
    private static final String[] LEAK = { "app.Cache.load(Cache.java:42)", "app.Main.main(Main.java:7)" };
    private static final String[] OTHER = { "app.Pool.grow(Pool.java:9)", "app.Main.main(Main.java:7)" };

    @Test
    void shouldSumGroupsOfOneCallPathAndKind() throws IOException
    {
        final FlameData data = new FlameData();
        data.add("direct", LEAK, 4096, 1, 100);
        data.add("direct", LEAK, 8192, 2, 200);
        data.add("unsafe", LEAK, 64, 1, 0);
        data.add("direct", OTHER, 1, 1, -5);
        assertEquals(3, data.stacks());
        // NOTE: the root, Main.main, then Cache.load and Pool.grow under it.
        assertEquals(4, data.nodes());
        final StringWriter json = new StringWriter();
        data.writeJson(json);
        final String text = json.toString();
        assertTrue(text.contains("\"stacks\":[2,0,12288,3,2,1,64,1,3,0,1,1]"), text);
        assertTrue(text.contains("\"growth\":[300,0,-5]"), text);
    }
}
