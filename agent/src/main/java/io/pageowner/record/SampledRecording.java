package io.pageowner.record;

import io.pageowner.table.LiveSizes;

/**
 * Sampled mode ({@code sample=P}): each thread counts down the bytes it allocates from an
 * exponentially distributed interval of mean P, as jemalloc's {@code lg_prof_sample} does; the
 * allocation that takes the count to zero or below is sampled (probability {@code 1 - exp(-size/P)}
 * for an allocation of {@code size} bytes, whatever came before it) and recorded with its stack;
 * every allocation, sampled or not, goes into {@link LiveSizes}, which keeps the live counts and
 * bytes per kind exact and tells a free whether there is a record to drop. No stack is captured for
 * an allocation that is not sampled.
 */
final class SampledRecording extends Recording
{
    private final long sampleBytes;
    private final LiveSizes sizes;

    SampledRecording(final Recorder recorder, final long sampleBytes, final LiveSizes sizes)
    {
        super(recorder);
        this.sampleBytes = sampleBytes;
        this.sizes = sizes;
    }

    /**
     * Builds sampled mode, typed as the base class so that a caller's verifier need not load this class.
     *
     * @param recorder    to work for.
     * @param sampleBytes mean bytes between samples.
     * @param sizes       the index of every live block.
     * @return the mode.
     */
    static Recording create(final Recorder recorder, final long sampleBytes, final LiveSizes sizes)
    {
        return new SampledRecording(recorder, sampleBytes, sizes);
    }

    @Override
    void agentOwn(final long address, final long bytes)
    {
        // NOTE: indexed with no kind, so that its free is not taken for one of a block allocated before
        // start, and counted nowhere else.
        try
        {
            if (bytes <= LiveSizes.MAX_SIZE)
            {
                sizes.put(address, LiveSizes.pack(bytes, 0, false));
            }
        }
        catch (final Throwable ex)
        {
            recorder.fail(ex);
        }
    }

    @Override
    void allocated(final ThreadState state, final long address, final long bytes, final int kind, final Throwable stack)
    {
        // NOTE: a block that is not sampled costs a count-down and an index entry, and no stack.
        final long left = state.untilSample - bytes;
        if (left > 0 && !recorder.paused() && bytes <= LiveSizes.MAX_SIZE)
        {
            state.untilSample = left;
            indexed(address, bytes, kind, false);
            return;
        }
        track(state, address, bytes, kind);
    }

    @Override
    void freeing(final long address)
    {
        // NOTE: no guard: dropping touches only the index and the table, and allocates nothing off-heap;
        // the agent's own blocks are in the index too, with no kind, so their frees are known.
        try
        {
            drop(address);
        }
        catch (final Throwable ex)
        {
            recorder.fail(ex);
        }
    }

    /**
     * Counts a block down from the thread's interval, records it with its stack if it is the one
     * sampled, and puts it in {@link LiveSizes} either way.
     */
    @Override
    boolean track(final ThreadState state, final long address, final long bytes, final int kind)
    {
        if (recorder.paused())
        {
            countWhileOff(bytes);
            return false;
        }
        if (bytes > LiveSizes.MAX_SIZE)
        {
            // NOTE: no such block exists in a 48-bit address space; counted, never silently truncated.
            counters.tableFull(kind, bytes);
            return false;
        }
        final long left = state.untilSample - bytes;
        boolean recorded = false;
        if (left > 0)
        {
            state.untilSample = left;
        }
        else
        {
            state.untilSample = nextInterval(state);
            recorded = record(state, address, bytes, kind, null);
        }
        if (!indexed(address, bytes, kind, recorded) && recorded)
        {
            // NOTE: a record whose block is not in the index would never see its free.
            table.remove(address, null);
            return false;
        }
        return recorded;
    }

    @Override
    void markTool(final ThreadState state, final long address)
    {
        final long value = sizes.get(address);
        final int kind = LiveSizes.kind(value);
        if (LiveSizes.NONE == value || 0 == (kind & Kind.NIO_TEMP) || 0 != (kind & Kind.TOOL))
        {
            return;
        }
        // NOTE: a sampled block is marked in the table too; the live index's kind makes the exact kind lines.
        if (!LiveSizes.sampled(value) || retagTool(state, address))
        {
            sizes.put(address, LiveSizes.pack(LiveSizes.size(value), kind | Kind.TOOL, LiveSizes.sampled(value)));
        }
    }

    @Override
    void drop(final ThreadState state, final long address)
    {
        drop(address);
    }

    private void drop(final long address)
    {
        final long value = sizes.remove(address);
        if (LiveSizes.NONE == value)
        {
            counters.beforeStart.incrementAndGet();
        }
        else if (LiveSizes.sampled(value))
        {
            table.remove(address, null);
        }
    }

    @Override
    void stash(final ThreadState state, final long address)
    {
        final long old = sizes.remove(address);
        state.reallocOld = old;
        if (LiveSizes.NONE == old)
        {
            counters.beforeStart.incrementAndGet();
        }
        else if (LiveSizes.sampled(old))
        {
            state.reallocStashed = table.remove(address, state.stash);
        }
    }

    @Override
    void restore(final ThreadState state, final long address)
    {
        final boolean restored = putBack(state);
        final long old = state.reallocOld;
        if (LiveSizes.NONE != old)
        {
            sizes.put(address, LiveSizes.pack(LiveSizes.size(old), LiveSizes.kind(old), restored));
        }
    }

    @Override
    long stamp(final ThreadState state)
    {
        // NOTE: read for each of the few sampled records; the ticking clock pays only at full mode's rates.
        return System.nanoTime();
    }

    /**
     * Exponential with mean {@link #sampleBytes}, from the thread's own xorshift generator (no shared
     * state, no allocation).
     */
    @Override
    long nextInterval(final ThreadState state)
    {
        long x = state.seed;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        state.seed = x;
        // NOTE: u in (0, 1], so the log is finite.
        final double u = ((x >>> 11) + 1) * 0x1.0p-53;
        return Math.max(1, (long)(-Math.log(u) * sampleBytes));
    }

    @Override
    boolean recordsEveryStack()
    {
        return false;
    }

    @Override
    long sampleBytes()
    {
        return sampleBytes;
    }

    @Override
    LiveSizes liveSizes()
    {
        return sizes;
    }

    @Override
    void clear()
    {
        sizes.clear();
    }

    /**
     * Runs one sampled allocation and its free at a fake address, so that the classes of the sampled
     * path are loaded before the first real allocation needs them.
     */
    @Override
    void warmUp(final long fakeAddress)
    {
        final ThreadState state = recorder.state();
        final long saved = state.untilSample;
        state.untilSample = 1;
        recorder.allocated(fakeAddress, 1, null);
        recorder.freeing(fakeAddress);
        state.untilSample = saved;
    }

    /**
     * Puts a block in the index: counts it as untracked if the index is full, and drops the record of
     * a block freed unseen at the same address.
     *
     * @return false if the index was full.
     */
    private boolean indexed(final long address, final long bytes, final int kind, final boolean recorded)
    {
        final long stale = sizes.put(address, LiveSizes.pack(bytes, kind, recorded));
        if (LiveSizes.FULL == stale)
        {
            counters.tableFull(kind, bytes);
            return false;
        }
        if (LiveSizes.NONE != stale && !recorded && LiveSizes.sampled(stale))
        {
            // NOTE: a block at this address was freed unseen; its record must not outlive it.
            table.remove(address, null);
        }
        return true;
    }
}
