package io.pageowner.table;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadTallyTest
{
    private static final int PAGE_SHIFT = 12;
    private static final long BASE = 0x7f12_3456_0000L;

    private final OwnerTable table = new OwnerTable(1024, PAGE_SHIFT);

    @AfterEach
    void after()
    {
        table.close();
    }

    @Test
    void shouldSumTalliesWithStripes()
    {
        final ThreadTally tally = table.tally();
        assertTrue(table.insert(BASE, 100, 1, 1, 1, 0, tally) >= 0);
        assertTrue(table.insert(BASE + 8192, 5000, 2, 1, 1, 0) >= 0);

        assertEquals(2, table.liveCount());
        assertEquals(5100, table.liveBytes());
        assertEquals(1 + 2, table.livePages());

        // A record counted in the stripes removed through the tally, and the other way round.
        assertTrue(table.remove(BASE + 8192, null, tally));
        assertTrue(table.remove(BASE, null));
        assertEquals(0, table.liveCount());
        assertEquals(0, table.liveBytes());
        assertEquals(0, table.livePages());
    }

    @Test
    void shouldCountStaleReplacedThroughTally()
    {
        final ThreadTally tally = table.tally();
        assertTrue(table.insert(BASE, 100, 1, 1, 1, 0, tally) >= 0);
        assertTrue(table.insert(BASE, 300, 2, 1, 1, 0, tally) >= 0);

        assertEquals(1, table.staleReplaced());
        assertEquals(1, table.liveCount());
        assertEquals(300, table.liveBytes());
    }

    @Test
    void shouldKeepEndedThreadsSharesAndFoldThem() throws Exception
    {
        final int threads = 200;
        for (int i = 0; i < threads; i++)
        {
            final long address = BASE + (i * 4096L);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread thread = new Thread(() ->
            {
                try
                {
                    final ThreadTally own = table.tally();
                    if (table.insert(address, 4096, 1, 1, 1, 0, own) < 0)
                    {
                        throw new AssertionError("table full");
                    }
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            });
            thread.start();
            thread.join();
            assertNull(failure.get());
        }

        assertEquals(threads, table.liveCount());
        assertEquals(threads * 4096L, table.liveBytes());
        assertEquals(threads, table.livePages());
        assertTrue(table.tallies.size() < 64, "ended threads' tallies are folded: " + table.tallies.size());

        final ThreadTally tally = table.tally();
        for (int i = 0; i < threads; i++)
        {
            assertTrue(table.remove(BASE + (i * 4096L), null, tally));
        }
        assertEquals(0, table.liveCount());
        assertEquals(0, table.liveBytes());
        assertEquals(0, table.livePages());
    }
}
