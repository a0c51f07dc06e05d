package io.pageowner.record;

import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.table.ConcurrentReads;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sampled mode's cheap path for pooled buffers ({@link PoolLive} through {@link PoolSinkAdapter}): exact live totals
 * with no index, the sampled buffers' records ended by their releases, buffers acquired while paused or before the
 * agent counted apart, and the pools' untracked counts shown with the main recorder's.
 */
class PoolLiveTest
{
    /** Mean bytes between samples: 64 KiB, so 1 KiB buffers are sampled now and then. */
    private static final long P = 64 * 1024;
    private static final long SEED = 0x5EEDL;

    private final OwnerTable mainTable = new OwnerTable(64, 12);
    private final OwnerTable poolTable = new OwnerTable(4096, 12);
    private final StackDepot stacks = new StackDepot(64);
    private final ThreadDepot threads = new ThreadDepot(16);
    private final Recorder main = new Recorder(mainTable, stacks, threads, 16, P, System.nanoTime(), null, null, SEED);
    private final Recorder pools =
        new Recorder(poolTable, stacks, threads, 16, P, System.nanoTime(), null, null, SEED);
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(4 << 20);
    private final OwnerRecord record = new OwnerRecord();

    @AfterEach
    void close()
    {
        mainTable.close();
        poolTable.close();
    }

    @Test
    void shouldKeepExactTotalsAndEndEverySampledRecordWithNoIndex() throws Exception
    {
        final PoolSinkAdapter adapter = new PoolSinkAdapter(pools, main, true);
        main.follow(pools);
        final PoolLive live = pools.poolLive();
        assertNotNull(live, "sampled mode, no pool class before the agent: the cheap path");
        final int n = 2000;
        for (int i = 0; i < n; i++)
        {
            adapter.acquired(chunk, i * 1024, 1024, null);
        }
        assertEquals(n, live.count());
        assertEquals(n * 1024L, live.bytes());
        final long sampled = poolTable.liveCount();
        assertTrue(sampled > 0 && sampled < n / 4, "2000 KiB at a 64 KiB mean: some, not most: " + sampled);
        assertEquals(0, indexed(), "nothing indexed");
        assertTrue(poolTable.ownerOf(adapter.base(chunk) + anySampled(adapter), record));
        assertEquals(Kind.POOLED, record.kind());

        // NOTE: half released by another thread: the per-thread counts go negative there, the sum stays exact.
        final Thread other = new Thread(() ->
        {
            for (int i = 0; i < n / 2; i++)
            {
                adapter.releasing(chunk, i * 1024, 1024);
            }
        });
        other.start();
        other.join();
        assertEquals(n / 2, live.count());
        assertEquals(n / 2 * 1024L, live.bytes());
        for (int i = n / 2; i < n; i++)
        {
            adapter.releasing(chunk, i * 1024, 1024);
        }
        assertEquals(0, live.count());
        assertEquals(0, live.bytes());
        assertEquals(0, poolTable.liveCount(), "every sampled buffer's record ended with its release");
        for (int slot = 0; slot < live.filter.length; slot++)
        {
            assertEquals(0, live.filter[slot], "slot " + slot);
        }
        assertEquals(0, main.counters().untracked());
        assertEquals(0, main.counters().suppressedErrors());
    }

    @Test
    void shouldNeverReadTotalsBelowTheBuffersLiveThroughoutWhileOthersChangeThreads() throws Exception
    {
        final PoolSinkAdapter adapter = new PoolSinkAdapter(pools, main, true);
        main.follow(pools);
        final PoolLive live = pools.poolLive();
        final int kept = 64;
        final int size = 64;
        for (int i = 0; i < kept; i++)
        {
            adapter.acquired(chunk, i * size, size, null);
        }
        // NOTE: each producer acquires buffers and hands them through a queue to a consumer that releases them, as
        // an event loop releases what the application acquired; offsets come round only long after their release.
        final int pairs = 2;
        final int perProducer = 100_000;
        final int ring = 4096;
        final List<Thread> workers = new ArrayList<>();
        for (int p = 0; p < pairs; p++)
        {
            final int first = kept + p * ring;
            final BlockingQueue<Integer> handed = new ArrayBlockingQueue<>(ring / 4);
            workers.add(new Thread(() ->
            {
                for (int i = 0; i < perProducer; i++)
                {
                    final int offset = (first + i % ring) * size;
                    adapter.acquired(chunk, offset, size, null);
                    ConcurrentReads.put(handed, offset);
                }
                ConcurrentReads.put(handed, -1);
            }, "producer-" + p));
            workers.add(new Thread(() ->
            {
                int offset = ConcurrentReads.take(handed);
                while (offset >= 0)
                {
                    adapter.releasing(chunk, offset, size);
                    offset = ConcurrentReads.take(handed);
                }
            }, "consumer-" + p));
        }
        final long[] lowest = ConcurrentReads.lowestWhile(workers, live::count, live::bytes);
        assertTrue(lowest[0] >= kept, "read below the " + kept + " buffers live throughout: " + lowest[0]);
        assertTrue(lowest[1] >= (long)kept * size, "bytes read below what stays live: " + lowest[1]);
        assertEquals(kept, live.count(), "exact once nothing changes");
        assertEquals((long)kept * size, live.bytes());
        for (int i = 0; i < kept; i++)
        {
            adapter.releasing(chunk, i * size, size);
        }
        assertEquals(0, live.count());
        assertEquals(0, live.bytes());
        assertEquals(0, poolTable.liveCount(), "every sampled buffer's record ended with its release");
        assertEquals(0, main.counters().untracked());
        assertEquals(0, main.counters().suppressedErrors());
    }

    @Test
    void shouldCountABufferAcquiredWhileTheGuardIsHeldAsItsReleaseIsCounted() throws Exception
    {
        final PoolSinkAdapter adapter = new PoolSinkAdapter(pools, main, true);
        main.follow(pools);
        final PoolLive live = pools.poolLive();
        // NOTE: acquired inside the agent's own work (the guard held), released outside it: each acquire is
        // counted as its release is, so the totals come back to 0 rather than going negative.
        main.asAgent(() ->
        {
            for (int i = 0; i < 200; i++)
            {
                adapter.acquired(chunk, i * 1024, 1024, null);
            }
            return null;
        });
        assertEquals(200, live.count());
        assertEquals(200 * 1024L, live.bytes());
        for (int i = 0; i < 200; i++)
        {
            adapter.releasing(chunk, i * 1024, 1024);
        }
        assertEquals(0, live.count());
        assertEquals(0, live.bytes());
        assertEquals(0, poolTable.liveCount(), "nothing recorded while the guard was held");
        assertEquals(0, Arrays.stream(live.filter).sum());
    }

    @Test
    void shouldCountBuffersAcquiredWhilePausedApartAndTheirReleasesAsBeforeStart()
    {
        final PoolSinkAdapter adapter = new PoolSinkAdapter(pools, main, true);
        main.follow(pools);
        final PoolLive live = pools.poolLive();
        adapter.acquired(chunk, 0, 1024, null);
        main.pause(true);
        adapter.acquired(chunk, 1024, 2048, null);
        adapter.acquired(chunk, 4096, 2048, null);
        main.pause(false);
        assertEquals(1, live.count(), "the paused ones are not in the totals, as in the main table");
        assertEquals(1024, live.bytes());
        assertTrue(live.marked(PoolLive.slot(chunk, 1024)), "a buffer acquired while paused marks its filter slot");
        assertTrue(live.marked(PoolLive.slot(chunk, 4096)));
        main.clear();
        assertEquals(1, live.count(), "a clear forgets records; the buffer is still out");
        assertEquals(2, indexed(), "and the ones acquired while paused are still known");

        adapter.releasing(chunk, 1024, 2048);
        adapter.releasing(chunk, 0, 1024);
        adapter.releasing(chunk, 4096, 2048);
        assertEquals(0, live.count());
        assertEquals(0, live.bytes());
        assertEquals(0, Arrays.stream(live.filter).sum(), "every release found its buffer and cleared its mark");
        final Map<String, Long> untracked = main.counters().untrackedByReason();
        assertEquals(2, untracked.get("while_off_POOLED"), untracked.toString());
        assertEquals(4096, untracked.get("while_off_POOLED_bytes"), untracked.toString());
        assertEquals(2, untracked.get("before_start_POOLED"), untracked.toString());
        assertEquals(2, untracked.get("before_start"), "in the totals too: " + untracked);
        assertEquals(4, main.counters().untracked());
    }

    @Test
    void shouldKeepTheExactIndexAfterALateAttachAndCountOlderBuffersAsBeforeStart()
    {
        final PoolSinkAdapter adapter = new PoolSinkAdapter(pools, main, false);
        main.follow(pools);
        assertNull(pools.poolLive(), "a pool class was loaded first: buffers may be older than the agent");
        adapter.releasing(chunk, 8192, 1024);
        adapter.acquired(chunk, 0, 1024, null);
        assertEquals(1, indexed());
        final Map<String, Long> untracked = main.counters().untrackedByReason();
        assertEquals(1, untracked.get("before_start_POOLED"), untracked.toString());
    }

    @Test
    void shouldGiveUpTheCheapPathWhenTheAdviceComesBackAfterADetach()
    {
        final PoolSinkAdapter adapter = new PoolSinkAdapter(pools, main, true);
        main.follow(pools);
        adapter.acquired(chunk, 0, 1024, null);
        assertNotNull(pools.poolLive());
        main.reattaching();
        assertNull(pools.poolLive(), "acquisitions while detached were never seen");
        adapter.acquired(chunk, 1024, 1024, null);
        assertEquals(1, indexed(), "indexed again");
        adapter.releasing(chunk, 0, 1024);
        assertEquals(1, main.counters().untrackedByReason().get("before_start_POOLED"));
    }

    @Test
    void shouldShowWhatThePoolsTableCouldNotHoldUnderPooled()
    {
        try (OwnerTable tiny = new OwnerTable(1, 12))
        {
            final Recorder full = new Recorder(tiny, stacks, threads, 16, 0, System.nanoTime(), null, null);
            final PoolSinkAdapter adapter = new PoolSinkAdapter(full, main, true);
            main.follow(full);
            assertNull(full.poolLive(), "full mode records every buffer");
            int i = 0;
            while (main.counters().tableFullByKind().isEmpty() && i < 1000)
            {
                adapter.acquired(chunk, 256 * i++, 256, null);
            }
            final Map<String, Long> untracked = main.counters().untrackedByReason();
            assertTrue(untracked.get("table_full_POOLED") > 0, untracked.toString());
            assertEquals(256 * untracked.get("table_full_POOLED"), untracked.get("table_full_POOLED_bytes"));
            assertEquals(untracked.get("table_full_POOLED"), untracked.get("table_full"));
        }
    }

    @Test
    void shouldKeepTheTotalsExactWhenABufferAcquiredWhilePausedFindsTheIndexFull()
    {
        try (OwnerTable tiny = new OwnerTable(1, 12))
        {
            final Recorder small = new Recorder(tiny, stacks, threads, 16, P, System.nanoTime(), null, null, SEED);
            final PoolSinkAdapter adapter = new PoolSinkAdapter(small, main, true);
            main.follow(small);
            final PoolLive live = small.poolLive();
            main.pause(true);
            int acquired = 0;
            while (main.counters().tableFullByKind().isEmpty() && acquired < (4 << 20) / 64)
            {
                adapter.acquired(chunk, 64 * acquired++, 64, null);
            }
            main.pause(false);
            final Map<String, Long> untracked = main.counters().untrackedByReason();
            assertEquals(1, untracked.get("table_full_POOLED"), untracked.toString());
            assertEquals(1, live.count(), "the one the index could not hold is counted, so its release balances");
            for (int i = 0; i < acquired; i++)
            {
                adapter.releasing(chunk, 64 * i, 64);
            }
            assertEquals(0, live.count());
            assertEquals(0, live.bytes());
            assertEquals(acquired - 1, main.counters().untrackedByReason().get("before_start_POOLED"));
        }
    }

    private long indexed()
    {
        final long[] count = new long[1];
        pools.liveSizes().forEach((address, value) -> count[0]++);
        return count[0];
    }

    private long anySampled(final PoolSinkAdapter adapter)
    {
        final long base = adapter.base(chunk);
        final long[] first = { -1 };
        poolTable.forEach(new OwnerRecord(), (final OwnerRecord r) -> first[0] = r.address() - base);
        assertFalse(first[0] < 0);
        return first[0];
    }
}
