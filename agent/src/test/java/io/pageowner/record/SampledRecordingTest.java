package io.pageowner.record;

import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.table.LiveSizes;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recorder in sampled mode, called directly with no agent and no forked JVM. Every draw comes
 * from a fixed seed, so each statistical check is deterministic: its tolerance, five standard
 * deviations at the test's sample count, says how far the draws may stray, and the fixed seed makes
 * the outcome the same on every run.
 */
class SampledRecordingTest
{
    /** Mean bytes between samples. */
    private static final long P = 4096;
    private static final long SEED = 0x5EED_0F_1D_CAFEL;
    private static final long A = 1L << 32;
    private static final long B = 2L << 32;
    private static final long C = 3L << 32;

    private final OwnerTable table = new OwnerTable(1 << 16, 12);
    private final StackDepot stacks = new StackDepot(1024);
    private final ThreadDepot threads = new ThreadDepot(64);
    private final Recorder recorder = new Recorder(table, stacks, threads, 8, P, System.nanoTime(), null, null, SEED);
    private final LiveSizes sizes = recorder.liveSizes();
    private final Counters counters = recorder.counters();
    private final ThreadState state = recorder.state();
    private final OwnerRecord record = new OwnerRecord();

    @AfterEach
    void closeTable()
    {
        table.close();
    }

    @Test
    void shouldDrawIntervalsExponentialWithMeanSample()
    {
        final SampledRecording mode = new SampledRecording(recorder, P, new LiveSizes(16));
        final ThreadState drawing = new ThreadState(null, null, 1, SEED);
        final int draws = 200_000;
        final long[] intervals = new long[draws];
        double sum = 0;
        for (int i = 0; i < draws; i++)
        {
            intervals[i] = mode.nextInterval(drawing);
            assertTrue(intervals[i] >= 1);
            sum += intervals[i];
        }
        Arrays.sort(intervals);

        // NOTE: an exponential's standard deviation is its mean; the empirical q-quantile's is
        // sqrt(q (1 - q) / n) / density(q), and the density there is (1 - q) / P.
        final double sigmaOfMean = P / Math.sqrt(draws);
        assertEquals(P, sum / draws, 5 * sigmaOfMean, "mean");
        assertQuantile(intervals, 0.5, draws);
        assertQuantile(intervals, 0.9, draws);
        assertQuantile(intervals, 0.99, draws);
    }

    @Test
    void shouldSampleABlockWithProbabilityOneMinusExpOfSizeOverSample()
    {
        final SampledRecording mode = new SampledRecording(recorder, P, new LiveSizes(16));
        state.seed = SEED;
        state.untilSample = mode.nextInterval(state);
        final int trials = 20_000;
        for (final long size : new long[]{ P / 16, P / 2, P, 4 * P })
        {
            int sampled = 0;
            for (int i = 0; i < trials; i++)
            {
                final long address = (i + 1L) << 20;
                recorder.allocated(address, size, null);
                final long value = sizes.get(address);
                assertEquals(size, LiveSizes.size(value));
                assertEquals(LiveSizes.sampled(value), table.ownerOf(address, record), "a record iff sampled");
                if (LiveSizes.sampled(value))
                {
                    sampled++;
                }
                recorder.freeing(address);
            }

            final double p = 1 - Math.exp(-(double)size / P);
            final double sigma = Math.sqrt(trials * p * (1 - p));
            assertEquals(trials * p, sampled, 5 * sigma, "blocks of " + size + " bytes sampled");
        }
        assertEquals(0, table.liveCount());
        assertEquals(0, counters.beforeStart.get());
    }

    @Test
    void shouldKeepEveryBlockInLiveSizesWithExactTotalsPerKind()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        final int[] markers = { 0, Kind.DIRECT, Kind.ARENA, Kind.DIRECT | Kind.NIO_TEMP };
        final Map<Integer, List<Long>> expected = new TreeMap<>();
        final List<long[]> live = new ArrayList<>();
        for (int i = 0; i < 5000; i++)
        {
            if (!live.isEmpty() && 0 == random.nextInt(3))
            {
                final long[] freed = live.remove(random.nextInt(live.size()));
                recorder.freeing(freed[0]);
                add(expected, (int)freed[2], -1, -freed[1]);
            }
            final long address = (i + 1L) << 20;
            final long size = 1 + random.nextInt((int)(3 * P));
            final int marker = markers[random.nextInt(markers.length)];
            final int saved = recorder.kindEnter(marker);
            recorder.allocated(address, size, null);
            recorder.kindExit(saved);
            live.add(new long[]{ address, size, Kind.ofAllocation(marker) });
            add(expected, Kind.ofAllocation(marker), 1, size);
        }

        final Map<Integer, List<Long>> actual = new TreeMap<>();
        final long[] sampled = new long[1];
        sizes.forEach((address, value) ->
        {
            add(actual, LiveSizes.kind(value), 1, LiveSizes.size(value));
            if (LiveSizes.sampled(value))
            {
                sampled[0]++;
                assertTrue(table.ownerOf(address, record));
                assertEquals(LiveSizes.size(value), record.size());
                assertEquals(LiveSizes.kind(value), record.kind());
            }
        });
        expected.values().removeIf(totals -> 0 == totals.get(0));
        assertEquals(expected, actual);
        assertEquals(table.liveCount(), sampled[0], "a record for every sampled block and no other");
        assertTrue(sampled[0] > 0 && sampled[0] < live.size());
        assertEquals(0, counters.beforeStart.get());
    }

    @Test
    void shouldMarkSampledAndUnsampledNioTemporaryBuffersOfAThreadThatServedTheTool()
    {
        // NOTE: with this seed, some of these blocks are sampled and some not.
        final long[] addresses = { A, B, C, 4L << 32 };
        for (int i = 0; i < addresses.length; i++)
        {
            final int saved = recorder.kindEnter(Kind.DIRECT | Kind.NIO_TEMP);
            recorder.allocated(addresses[i], 0 == i % 2 ? 3 * P : P / 16, null);
            recorder.kindExit(saved);
        }
        recorder.allocated(5L << 32, 3 * P, null);

        recorder.servingTool();

        int sampled = 0;
        for (final long address : addresses)
        {
            final long value = sizes.get(address);
            assertEquals(Kind.DIRECT | Kind.NIO_TEMP | Kind.TOOL, LiveSizes.kind(value));
            if (LiveSizes.sampled(value))
            {
                sampled++;
                assertTrue(table.ownerOf(address, record));
                assertEquals(Kind.DIRECT | Kind.NIO_TEMP | Kind.TOOL, record.kind());
            }
        }
        assertTrue(sampled > 0 && sampled < addresses.length, "sampled " + sampled);
        assertEquals(Kind.UNSAFE, LiveSizes.kind(sizes.get(5L << 32)));
        assertEquals(0, counters.suppressedErrors());
    }

    @Test
    void shouldMoveASampledBlockOnRealloc()
    {
        allocateSampled(A, 100);

        state.untilSample = 1;
        recorder.reallocating(A, 200);
        recorder.reallocated(A, 200, B);

        assertEquals(LiveSizes.NONE, sizes.get(A));
        assertFalse(table.ownerOf(A, record));
        final long value = sizes.get(B);
        assertEquals(200, LiveSizes.size(value));
        assertEquals(Kind.REALLOC, LiveSizes.kind(value));
        assertTrue(LiveSizes.sampled(value));
        assertTrue(table.ownerOf(B, record));
        assertEquals(Kind.REALLOC, record.kind());
    }

    @Test
    void shouldPutASampledBlockBackWhenReallocFails()
    {
        allocateSampled(A, 100);

        recorder.reallocating(A, 200);
        assertFalse(table.ownerOf(A, record));
        assertEquals(LiveSizes.NONE, sizes.get(A));
        recorder.reallocated(A, 200, 0);

        final long value = sizes.get(A);
        assertEquals(100, LiveSizes.size(value));
        assertEquals(Kind.UNSAFE, LiveSizes.kind(value));
        assertTrue(LiveSizes.sampled(value));
        assertTrue(table.ownerOf(A, record));
        assertEquals(100, record.size());
    }

    @Test
    void shouldPutAnUnsampledBlockBackWhenReallocFails()
    {
        state.untilSample = 1L << 40;
        recorder.allocated(A, 100, null);

        recorder.reallocating(A, 200);
        recorder.reallocated(A, 200, 0);

        final long value = sizes.get(A);
        assertEquals(100, LiveSizes.size(value));
        assertFalse(LiveSizes.sampled(value));
        assertEquals(0, table.liveCount());
    }

    @Test
    void shouldCountAReallocOfABlockNeverSeenAsBeforeStart()
    {
        recorder.reallocating(A, 200);
        recorder.reallocated(A, 200, B);

        assertEquals(1, counters.beforeStart.get());
        assertEquals(200, LiveSizes.size(sizes.get(B)));
    }

    @Test
    void shouldDropTheIndexAndTheRecordOnFree()
    {
        allocateSampled(A, 100);
        state.untilSample = 1L << 40;
        recorder.allocated(B, 100, null);
        assertFalse(LiveSizes.sampled(sizes.get(B)));

        recorder.freeing(A);
        recorder.freeing(B);

        assertEquals(LiveSizes.NONE, sizes.get(A));
        assertEquals(LiveSizes.NONE, sizes.get(B));
        assertEquals(0, table.liveCount());
        assertEquals(0, counters.beforeStart.get());
        recorder.freeing(C);
        assertEquals(1, counters.beforeStart.get());
    }

    @Test
    void shouldIndexTheAgentsOwnBlockSoThatItsFreeIsKnown() throws Exception
    {
        recorder.asAgent(() ->
        {
            recorder.allocated(A, 100, null);
            return null;
        });

        assertEquals(1, counters.agentOwn.get());
        assertEquals(0, LiveSizes.kind(sizes.get(A)));
        assertFalse(LiveSizes.sampled(sizes.get(A)));
        assertEquals(0, table.liveCount());
        recorder.freeing(A);
        assertEquals(0, counters.beforeStart.get());
        assertEquals(LiveSizes.NONE, sizes.get(A));
    }

    @Test
    void shouldCountWhileOffWhenPausedAndStillDropOnFree()
    {
        allocateSampled(A, 100);
        recorder.pause(true);

        recorder.allocated(B, 300, null);
        recorder.freeing(A);

        assertEquals(1, counters.whileOff.get());
        assertEquals(300, counters.whileOffBytes.get());
        assertEquals(LiveSizes.NONE, sizes.get(B));
        assertEquals(LiveSizes.NONE, sizes.get(A));
        assertEquals(0, table.liveCount());
    }

    @Test
    void shouldNeverTellTheHooksToTakeStacks()
    {
        final List<Boolean> flags = new ArrayList<>();
        recorder.attach(flags::add);
        recorder.pause(true);
        recorder.pause(false);

        assertEquals(List.of(false, false, false), flags);
    }

    @Test
    void shouldForgetTheIndexAndTheRecordsOnClear()
    {
        allocateSampled(A, 100);
        state.untilSample = 1L << 40;
        recorder.allocated(B, 100, null);

        assertEquals(1, recorder.clear());

        assertEquals(LiveSizes.NONE, sizes.get(A));
        assertEquals(LiveSizes.NONE, sizes.get(B));
        recorder.freeing(B);
        assertEquals(1, counters.beforeStart.get());
    }

    @Test
    void shouldLeaveNothingBehindAfterWarmUp()
    {
        recorder.warmUp(1L << 47);

        assertEquals(0, table.liveCount());
        final long[] blocks = new long[1];
        sizes.forEach((address, value) -> blocks[0]++);
        assertEquals(0, blocks[0]);
        assertEquals(0, counters.untracked());
    }

    private void allocateSampled(final long address, final long bytes)
    {
        state.untilSample = 1;
        recorder.allocated(address, bytes, null);
        assertTrue(LiveSizes.sampled(sizes.get(address)));
        assertTrue(table.ownerOf(address, record));
    }

    private static void assertQuantile(final long[] sorted, final double q, final int draws)
    {
        final double expected = -Math.log(1 - q) * P;
        final double sigma = Math.sqrt(q * (1 - q) / draws) / ((1 - q) / P);
        assertEquals(expected, sorted[(int)(q * draws)], 5 * sigma, q + " quantile");
    }

    private static void add(final Map<Integer, List<Long>> totals, final int kind, final long count, final long bytes)
    {
        final List<Long> old = totals.getOrDefault(kind, List.of(0L, 0L));
        totals.put(kind, List.of(old.get(0) + count, old.get(1) + bytes));
    }
}
