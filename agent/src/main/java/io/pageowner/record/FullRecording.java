package io.pageowner.record;

import io.pageowner.table.LiveSizes;

/**
 * Full mode: every allocation is recorded with its stack, and the owner table is the one index of
 * live blocks.
 */
final class FullRecording extends Recording
{
    /** Every record's time: read for each, or published by a ticking thread while a thread allocates fast. */
    private final RecordClock clock = RecordClock.shared();

    FullRecording(final Recorder recorder)
    {
        super(recorder);
    }

    /**
     * Builds full mode, typed as the base class so that a caller's verifier need not load this class.
     *
     * @param recorder to work for.
     * @return the mode.
     */
    static Recording create(final Recorder recorder)
    {
        return new FullRecording(recorder);
    }

    @Override
    void agentOwn(final long address, final long bytes)
    {
    }

    @Override
    void allocated(final ThreadState state, final long address, final long bytes, final int kind, final Throwable stack)
    {
        record(state, address, bytes, kind, stack);
    }

    @Override
    void freeing(final long address)
    {
        recorder.release(address, false);
    }

    @Override
    boolean track(final ThreadState state, final long address, final long bytes, final int kind)
    {
        return record(state, address, bytes, kind, null);
    }

    @Override
    void drop(final ThreadState state, final long address)
    {
        if (!table.remove(address, null, state.tally))
        {
            counters.beforeStart.incrementAndGet();
        }
    }

    @Override
    void stash(final ThreadState state, final long address)
    {
        state.reallocStashed = table.remove(address, state.stash, state.tally);
        if (!state.reallocStashed)
        {
            counters.beforeStart.incrementAndGet();
        }
    }

    @Override
    void restore(final ThreadState state, final long address)
    {
        putBack(state);
    }

    @Override
    long stamp(final ThreadState state)
    {
        return clock.stamp(state);
    }

    @Override
    long nextInterval(final ThreadState state)
    {
        return 0;
    }

    @Override
    boolean recordsEveryStack()
    {
        return true;
    }

    @Override
    long sampleBytes()
    {
        return 0;
    }

    @Override
    LiveSizes liveSizes()
    {
        return null;
    }

    @Override
    void clear()
    {
    }

    @Override
    void warmUp(final long fakeAddress)
    {
    }
}
