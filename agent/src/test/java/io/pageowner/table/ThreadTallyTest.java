package io.pageowner.table;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void shouldNeverReadTotalsBelowTheRecordsLiveThroughoutWhileOthersEndOnOtherThreads() throws Exception
    {
        try (OwnerTable big = new OwnerTable(1 << 15, PAGE_SHIFT))
        {
            final int kept = 64;
            for (int i = 0; i < kept; i++)
            {
                assertTrue(big.insert(BASE + (i * 4096L), 4096, 1, 1, 1, 0) >= 0);
            }
            // NOTE: each producer inserts records and hands them through a queue to a consumer that removes them, as
            // the JDK's cleaner thread frees what application threads allocated; the first pair counts both sides
            // in tallies, the second inserts through the stripes and removes through a tally, the third the other
            // way round. Addresses come round only long after their removal.
            final int pairs = 3;
            final int perProducer = 100_000;
            final int ring = 4096;
            final List<Thread> workers = new ArrayList<>();
            for (int p = 0; p < pairs; p++)
            {
                final long first = BASE + ((kept + (long)p * ring) * 4096L);
                final boolean producerTally = 2 != p;
                final boolean consumerTally = 1 != p;
                final BlockingQueue<Long> handed = new ArrayBlockingQueue<>(ring / 4);
                workers.add(new Thread(() ->
                {
                    final ThreadTally tally = producerTally ? big.tally() : null;
                    for (int i = 0; i < perProducer; i++)
                    {
                        final long address = first + ((i % ring) * 4096L);
                        if (big.insert(address, 4096, 1, 1, 1, 0, tally) < 0)
                        {
                            throw new AssertionError("table full");
                        }
                        ConcurrentReads.put(handed, address);
                    }
                    ConcurrentReads.put(handed, -1L);
                }, "producer-" + p));
                workers.add(new Thread(() ->
                {
                    final ThreadTally tally = consumerTally ? big.tally() : null;
                    long address = ConcurrentReads.take(handed);
                    while (address >= 0)
                    {
                        if (!big.remove(address, null, tally))
                        {
                            throw new AssertionError("not found: " + address);
                        }
                        address = ConcurrentReads.take(handed);
                    }
                }, "consumer-" + p));
            }
            final long[] lowest = ConcurrentReads.lowestWhile(workers, big::liveCount, big::liveBytes, big::livePages);
            assertTrue(lowest[0] >= kept, "read below the " + kept + " records live throughout: " + lowest[0]);
            assertTrue(lowest[1] >= kept * 4096L, "bytes read below what stays live: " + lowest[1]);
            assertTrue(lowest[2] >= kept, "pages read below what stays live: " + lowest[2]);
            assertEquals(kept, big.liveCount(), "exact once nothing changes");
            assertEquals(kept * 4096L, big.liveBytes());
            assertEquals(kept, big.livePages());
        }
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
        eachOnANewThread(threads, (address) ->
        {
            if (table.insert(address, 4096, 1, 1, 1, 0, table.tally()) < 0)
            {
                throw new AssertionError("table full");
            }
        });

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

    @Test
    void shouldReuseTheSlotTheThreadFreedLast()
    {
        final ThreadTally tally = table.tally();
        final int slot = table.insert(BASE, 100, 1, 1, 1, 0, tally);
        assertTrue(table.remove(BASE, null, tally));
        assertEquals(slot, table.insert(BASE + 4096, 200, 2, 2, 2, 0, tally));

        final OwnerRecord record = new OwnerRecord();
        assertFalse(table.ownerOf(BASE, record));
        assertTrue(table.ownerOf(BASE + 4096, record));
        assertEquals(200, record.size());
        assertEquals(2, record.timestampNs());
    }

    @Test
    void shouldGiveBackTheSlotsEndedThreadsKept() throws Exception
    {
        try (OwnerTable small = new OwnerTable(64, PAGE_SHIFT))
        {
            // Each thread keeps the slot it freed; more threads than slots only fit if ended ones give theirs back.
            final int threads = 200;
            eachOnANewThread(threads, (address) ->
            {
                final ThreadTally own = small.tally();
                if (small.insert(address, 64, 1, 1, 1, 0, own) < 0 || !small.remove(address, null, own))
                {
                    throw new AssertionError("no slot for thread " + address);
                }
            });
            assertEquals(0, small.liveCount());

            // The slots still kept are at most one per tally not yet swept; every other slot is free to anyone.
            int inserted = 0;
            while (small.insert(BASE + (inserted * 4096L), 64, 1, 1, 1, 0) >= 0)
            {
                inserted++;
            }
            assertTrue(inserted >= small.capacity() - small.tallies.size(), inserted + " of " + small.capacity());
        }
    }

    /**
     * Runs the work for {@code BASE + i * 4096}, i from 0, each on a thread of its own that has ended before the
     * next starts, and fails with what a thread threw.
     */
    private static void eachOnANewThread(final int threads, final java.util.function.LongConsumer work)
        throws InterruptedException
    {
        for (int i = 0; i < threads; i++)
        {
            final long address = BASE + (i * 4096L);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread thread = new Thread(() ->
            {
                try
                {
                    work.accept(address);
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            });
            thread.start();
            thread.join();
            assertNull(failure.get(), "thread " + i);
        }
    }
}
