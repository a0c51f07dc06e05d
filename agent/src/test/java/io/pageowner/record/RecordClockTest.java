package io.pageowner.record;

import org.junit.jupiter.api.Test;

import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full mode's {@link RecordClock}: the time read for each record unless a thread allocates fast, then a ticking
 * thread's published time for a while, never later than the truth, and never earlier than a dump's fence.
 */
class RecordClockTest
{
    private static final long WAIT_NANOS = 20_000_000_000L;

    @Test
    void shouldReadTheTimeForEachRecordWhileNoThreadIsBusy()
    {
        // NOTE: a gap of 0 ns counts as not busy: no thread ever starts the ticking.
        final RecordClock clock = clock(0, 4, 1_000_000, 10);
        final ThreadState state = state();
        for (int i = 0; i < 1000; i++)
        {
            final long before = System.nanoTime();
            final long stamp = clock.stamp(state);
            final long after = System.nanoTime();
            assertTrue(before <= stamp && stamp <= after, "read now: " + before + " <= " + stamp + " <= " + after);
        }
        assertFalse(clock.ticking());
        assertEquals(0, clock.starts());
    }

    @Test
    void shouldTickWhileAThreadIsBusyThenStopByItselfAndStartAgain()
    {
        final RecordClock clock = clock(Long.MAX_VALUE, 8, 1_000_000, 20);
        final ThreadState state = state();
        for (int i = 0; i < 7; i++)
        {
            clock.stamp(state);
        }
        assertFalse(clock.ticking(), "seven stamps in a row are not yet busy");
        clock.stamp(state);
        await(clock::ticking, "the eighth starts the ticking");
        long last = Long.MIN_VALUE;
        int published = 0;
        while (clock.ticking())
        {
            final long stamp = clock.stamp(state);
            final long after = System.nanoTime();
            assertTrue(stamp <= after, "never later than the truth: " + stamp + " > " + after);
            assertTrue(stamp >= last, "never moves back: " + stamp + " < " + last);
            last = stamp;
            published++;
            Thread.onSpinWait();
        }
        assertTrue(published > 0);
        assertEquals(1, clock.starts(), "twenty ticks, then stopped");

        final long before = System.nanoTime();
        final long stamp = clock.stamp(state);
        assertTrue(stamp >= before, "stopped: read now again");
        for (int i = 0; i < 8; i++)
        {
            clock.stamp(state);
        }
        await(() -> clock.starts() == 2, "busy again: the same thread ticks again");
    }

    @Test
    void shouldStampRecordsMadeAfterAFenceLaterThanIt()
    {
        // NOTE: one tick, then a 30 s sleep before stopping: the published time stays a tick old meanwhile.
        final RecordClock clock = clock(Long.MAX_VALUE, 1, 30_000_000_000L, 1);
        final ThreadState state = state();
        clock.stamp(state);
        await(clock::ticking, "one stamp starts it");
        final long tick = clock.stamp(state);
        final long fence = clock.fenceNow();
        assertTrue(fence >= tick);
        final long after = clock.stamp(state);
        assertTrue(after > fence, "a record after the fence is stamped after it: " + after + " <= " + fence);
        assertTrue(after <= System.nanoTime(), "and still not later than the truth");
    }

    @Test
    void shouldLeaveTheTimeReadWhenAFenceComesWhileStopped()
    {
        final RecordClock clock = clock(0, 4, 1_000_000, 10);
        final ThreadState state = state();
        final long fence = clock.fenceNow();
        assertFalse(clock.ticking(), "a fence does not start the clock");
        assertTrue(clock.stamp(state) >= fence);
    }

    @Test
    void shouldTakeTheBusyGapFromThePropertyOnlyWhenItIsANumber()
    {
        assertEquals(RecordClock.BUSY_GAP_NANOS, RecordClock.busyGap(null));
        assertEquals(RecordClock.BUSY_GAP_NANOS, RecordClock.busyGap("2us"));
        assertEquals(0, RecordClock.busyGap("-5"));
        assertEquals(1_000_000_000L, RecordClock.busyGap(" 1000000000 "));
    }

    @Test
    void shouldStayExactUntilItsThreadIsMade()
    {
        final RecordClock clock = new RecordClock(Long.MAX_VALUE, 1, 1_000_000, 10);
        final ThreadState state = state();
        for (int i = 0; i < 100; i++)
        {
            final long before = System.nanoTime();
            assertTrue(clock.stamp(state) >= before, "read now");
        }
        assertFalse(clock.ticking());
        assertEquals(0, clock.starts());
        clock.prepare();
        clock.stamp(state);
        await(clock::ticking, "made later, the next busy run starts it");
    }

    private static RecordClock clock(final long busyGap, final int busyRun, final long tick, final int ticks)
    {
        final RecordClock clock = new RecordClock(busyGap, busyRun, tick, ticks);
        clock.prepare();
        return clock;
    }

    private static ThreadState state()
    {
        return new ThreadState(null, null, Thread.currentThread().getId(), 1);
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long start = System.nanoTime();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - start > WAIT_NANOS)
            {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.onSpinWait();
        }
    }
}
