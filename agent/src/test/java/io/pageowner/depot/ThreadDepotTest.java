package io.pageowner.depot;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadDepotTest
{
    @Test
    void shouldCutCommToFifteenBytesAtACharacterBoundary()
    {
        assertEquals("main", ThreadDepot.comm("main"));
        assertEquals("http-nio-8080-e", ThreadDepot.comm("http-nio-8080-exec-1"));
        final String cut = ThreadDepot.comm("thréad-ünïcode-näme");
        assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= 15, cut);
        assertEquals("thréad-ünïco", cut);
        assertEquals("a?b (x)", ThreadDepot.comm("a\nb (x)"));
    }

    @Test
    void shouldGrowPastItsInitialSizeAndStopAtCapacity()
    {
        final ThreadDepot depot = new ThreadDepot(1000);
        for (int i = 1; i <= 1000; i++)
        {
            final int ref = depot.intern(i, "t-" + i);
            assertEquals(i, ref);
            assertEquals("t-" + i, depot.entry(ref).name());
        }
        assertEquals("t-1", depot.entry(1).name());
        assertEquals(ThreadDepot.OVERFLOW_REF, depot.intern(1001, "one too many"));
        assertEquals(-1, depot.entry(1001).threadId());
    }

    @Test
    void shouldInternThreadsByIdAndName()
    {
        final ThreadDepot depot = new ThreadDepot(2);
        final int main = depot.intern(1, "main");
        assertEquals(main, depot.intern(1, "main"));
        final int renamed = depot.intern(1, "worker");
        assertNotEquals(main, renamed);
        assertEquals("worker", depot.entry(renamed).name());
        assertEquals(1, depot.entry(renamed).threadId());
        assertEquals(ThreadDepot.OVERFLOW_REF, depot.intern(2, "third"));
        assertEquals(-1, depot.entry(ThreadDepot.OVERFLOW_REF).threadId());
        assertEquals(-1, depot.entry(12345).threadId());
    }
}
