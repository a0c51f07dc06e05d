package io.pageowner.record;

import io.pageowner.pool.PoolSink;
import io.pageowner.table.LiveSizes;

/**
 * The only subclass of the pool sink, {@link PoolSink}: it turns a pool's events (a chunk's memory and an offset
 * in it) into addresses and forwards them to the pools' own {@link Recorder}, whose table holds only
 * {@link Kind#POOLED} records. The chunks themselves stay in the main recorder's table, so no byte is counted in
 * both tables' totals, and a pooled buffer at a chunk's first byte never takes the chunk's record.
 * <p>
 * Only direct memory is recorded: a heap arena's chunk (a {@code byte[]}, a heap {@code ByteBuf}) is ignored.
 * <p>
 * In sampled mode, when the agent started before any pool class was loaded, an unsampled buffer takes the cheap
 * path of {@link PoolLive}: a thread-state lookup and two counts on acquire (the bytes acquired are the sampling
 * count-down too), a hash, one array read, a thread-state lookup and two counts on release; no address is read, no
 * guard taken and nothing indexed.
 */
public final class PoolSinkAdapter extends PoolSink implements StackFlag
{
    private final Recorder recorder;
    private final Recorder main;
    /**
     * The pools' recorder's thread states, held here so that the cheap path reaches the current thread's with one
     * dependent load fewer than through the recorder.
     */
    private final ThreadStates states;
    /** The cheap path of sampled mode, or null: full mode, or a pool class was loaded before the agent started. */
    private final PoolLive live;
    /**
     * {@link #live} while its path is taken and recording is not paused, else null: the one field an unsampled
     * buffer's events read to choose their path (set by the recorder through {@link #paused(boolean)}).
     */
    private volatile PoolLive running;
    /** Classes of chunk memory known to be direct ({@code DirectByteBuffer}, a direct {@code ByteBuf}), or null. */
    private Class<?> directType;
    private Class<?> directType2;
    /** A class of chunk memory known not to be: {@code byte[]}, a heap {@code ByteBuf}. */
    private Class<?> heapType;

    /**
     * Creates the adapter and lets the recorder set its {@code takeStack} flag from now on.
     *
     * @param recorder the pools' recorder, over a table of its own.
     * @param main     the main recorder, whose guard is held while the pools' recorder works, so that anything
     *                 the agent allocates off-heap meanwhile is never taken for the application's.
     */
    public PoolSinkAdapter(final Recorder recorder, final Recorder main)
    {
        this(recorder, main, false);
    }

    /**
     * Creates the adapter, with sampled mode's cheap path if it may be taken.
     *
     * @param recorder   the pools' recorder, over a table of its own.
     * @param main       the main recorder.
     * @param poolsFresh true if no pool class was loaded before the hooks were installed, so that no pooled buffer
     *                   can be older than the agent; the cheap path is taken only then, and only in sampled mode.
     */
    public PoolSinkAdapter(final Recorder recorder, final Recorder main, final boolean poolsFresh)
    {
        this.recorder = recorder;
        this.main = main;
        this.states = recorder.threadStates();
        this.live = poolsFresh && recorder.sampleBytes() > 0 ? new PoolLive() : null;
        if (null != live)
        {
            recorder.poolLive(live);
        }
        recorder.attach(this);
    }

    @Override
    public void takeStack(final boolean take)
    {
        takeStack = take;
    }

    @Override
    public void paused(final boolean paused)
    {
        running = null != live && live.active() && !paused ? live : null;
    }

    @Override
    public void acquired(final Object memory, final int offset, final int bytes, final Throwable stack)
    {
        final PoolLive cheap = running;
        if (null != cheap)
        {
            if (bytes > 0 && direct(memory))
            {
                acquiredSampled(cheap, memory, offset, bytes);
            }
            return;
        }
        final PoolLive stopped = live;
        if (null != stopped && stopped.fast)
        {
            // NOTE: paused: indexed apart, out of the totals.
            if (bytes > 0 && direct(memory))
            {
                sampleOrCountOff(stopped, states.current(), memory, offset, bytes, false);
            }
            return;
        }
        acquiredExact(memory, offset, bytes, stack);
    }

    /**
     * Full mode, or sampled mode with the exact index: the pools' recorder takes the buffer as an allocation.
     */
    private void acquiredExact(final Object memory, final int offset, final int bytes, final Throwable stack)
    {
        final long base = base(memory);
        if (0 == base || bytes <= 0)
        {
            return;
        }
        final ThreadState guard = main.state();
        if (!guard.enter())
        {
            return;
        }
        final int saved = recorder.kindEnter(Kind.POOLED);
        try
        {
            recorder.allocated(base + offset, bytes, stack);
        }
        finally
        {
            recorder.kindExit(saved);
            guard.exit();
        }
    }

    @Override
    public void releasing(final Object memory, final int offset, final int bytes)
    {
        // NOTE: a release takes the cheap path while it is taken, paused or not: `running`, the field an acquire
        // reads, answers the common case with one read; only when it is null is the path itself asked.
        final PoolLive fast = running;
        final PoolLive cheap = null != fast ? fast : live;
        if (null != fast || (null != cheap && cheap.fast))
        {
            if (bytes > 0 && direct(memory))
            {
                releasingSampled(cheap, memory, offset, bytes);
            }
            return;
        }
        releasingExact(memory, offset);
    }

    /**
     * Full mode, or sampled mode with the exact index: the pools' recorder takes the release as a free.
     */
    private void releasingExact(final Object memory, final int offset)
    {
        final long base = base(memory);
        if (0 == base)
        {
            return;
        }
        final ThreadState guard = main.state();
        if (!guard.enter())
        {
            return;
        }
        try
        {
            recorder.freeing(base + offset);
        }
        finally
        {
            guard.exit();
        }
    }

    @Override
    public int chunkEnter()
    {
        return main.kindEnter(Kind.POOL_CHUNK);
    }

    @Override
    public void chunkExit(final int saved)
    {
        main.kindExit(saved);
    }

    @Override
    public void suppressed(final Throwable throwable)
    {
        recorder.suppressed(throwable);
    }

    /**
     * Sampled mode's cheap path, acquire: an unsampled buffer is counted on its thread and nothing more; the bytes
     * the thread has acquired, which the count keeps, tell whether it is the one sampled. The guard is not looked
     * at: a buffer is counted on acquire as its release is, whatever the thread does (the agent's own work never
     * acquires from an application's pool).
     */
    private void acquiredSampled(final PoolLive cheap, final Object memory, final int offset, final int bytes)
    {
        final ThreadState state = states.current();
        if (state.poolAcquire(bytes) >= state.poolSampleAt)
        {
            sampleOrCountOff(cheap, state, memory, offset, bytes, true);
        }
    }

    /**
     * The cheap path's rare acquire: the thread's first (whose figures are summed from then on), the buffer
     * sampled (recorded with its stack, its filter slot marked), or recording is paused (indexed apart, not in the
     * totals).
     *
     * @param counted whether the buffer was counted already (the cheap path), or is to be counted here if it
     *                belongs in the totals (the path taken while paused).
     */
    private void sampleOrCountOff(
        final PoolLive cheap,
        final ThreadState state,
        final Object memory,
        final int offset,
        final int bytes,
        final boolean counted)
    {
        if (counted && !state.poolCounted)
        {
            cheap.register(state);
            if (state.poolAcquiredBytes() < state.poolSampleAt)
            {
                return;
            }
        }
        final long base = base(memory);
        final ThreadState guard = main.state();
        if (0 == base || !guard.enter())
        {
            // NOTE: neither recorded nor indexed (the chunk's address could not be read, which is counted, or the
            // agent's own work holds the guard): counted like an unsampled buffer, as its release will be.
            if (!counted)
            {
                cheap.acquired(state, bytes);
            }
            return;
        }
        state.enter();
        try
        {
            if (recorder.paused())
            {
                // NOTE: not in the totals, as in the main table; indexed with no kind, so that its release is
                // known for one of a buffer never counted (before_start), not taken off the totals.
                recorder.counters.whileOff.incrementAndGet();
                recorder.counters.whileOffBytes.addAndGet(bytes);
                final long stale = recorder.liveSizes().put(base + offset, LiveSizes.pack(bytes, 0, false));
                if (LiveSizes.FULL == stale)
                {
                    // NOTE: its release cannot be told from one of a counted buffer, so it is counted: the totals
                    // stay exact about what is live, and the table_full count says one was not indexed.
                    recorder.counters.tableFull(Kind.POOLED, bytes);
                    if (!counted)
                    {
                        cheap.acquired(state, bytes);
                    }
                    return;
                }
                if (counted)
                {
                    // NOTE: recording was paused after this acquisition took the cheap path: taken out again.
                    cheap.released(state, bytes);
                }
                if (LiveSizes.NONE == stale)
                {
                    // NOTE: its slot is marked like a sampled buffer's, so that only releases at marked slots look
                    // it up, rather than every release while one such buffer is out.
                    cheap.offIndexed(1);
                    cheap.mark(PoolLive.slot(memory, offset));
                }
                return;
            }
            if (!counted)
            {
                cheap.acquired(state, bytes);
            }
            state.poolSampleAt = state.poolAcquiredBytes() + recorder.mode().nextInterval(state);
            if (recorder.recording() && recorder.mode().record(state, base + offset, bytes, Kind.POOLED, null))
            {
                cheap.mark(PoolLive.slot(memory, offset));
            }
        }
        catch (final Throwable ex)
        {
            recorder.fail(ex);
        }
        finally
        {
            state.exit();
            guard.exit();
        }
    }

    /**
     * Sampled mode's cheap path, release: unless the filter says a sampled buffer, or one acquired while paused,
     * may be live at its slot, the buffer is taken off its thread's count and nothing more.
     */
    private void releasingSampled(final PoolLive cheap, final Object memory, final int offset, final int bytes)
    {
        final int slot = PoolLive.slot(memory, offset);
        final ThreadState state = states.current();
        if (!cheap.marked(slot))
        {
            cheap.released(state, bytes);
            return;
        }
        releasingMarked(cheap, state, memory, offset, bytes, slot);
    }

    /**
     * The cheap path's rare release: a sampled buffer, or one acquired while paused, may be live at the slot; the
     * address is read and looked up in the table, then in the index of those acquired while paused.
     */
    private void releasingMarked(
        final PoolLive cheap,
        final ThreadState state,
        final Object memory,
        final int offset,
        final int bytes,
        final int slot)
    {
        final long base = base(memory);
        final ThreadState guard = main.state();
        if (0 == base || !guard.enter())
        {
            return;
        }
        try
        {
            final long address = base + offset;
            if (recorder.table.remove(address, null))
            {
                cheap.unmark(slot);
            }
            else if (0 != cheap.offIndexed && LiveSizes.NONE != recorder.liveSizes().remove(address))
            {
                // NOTE: acquired while paused, never in the totals: counted as the main table counts its frees.
                cheap.offIndexed(-1);
                cheap.unmark(slot);
                recorder.counters.beforeStart.incrementAndGet();
                return;
            }
            cheap.released(state, bytes);
        }
        catch (final Throwable ex)
        {
            recorder.fail(ex);
        }
        finally
        {
            guard.exit();
        }
    }

    /**
     * Whether a chunk's memory is off-heap: known by its class after the first of each class. A class's
     * {@code isDirect()} is a constant for the JDK's buffers and Netty's own (a chunk is never a wrapper).
     */
    private boolean direct(final Object memory)
    {
        final Class<?> type = memory.getClass();
        if (type == directType || type == directType2)
        {
            return true;
        }
        if (type == heapType)
        {
            return false;
        }
        return learn(memory, type);
    }

    private boolean learn(final Object memory, final Class<?> type)
    {
        final boolean direct = 0 != base(memory);
        if (!direct)
        {
            heapType = type;
        }
        else if (null == directType)
        {
            directType = type;
        }
        else
        {
            directType2 = type;
        }
        return direct;
    }

    /**
     * The start of a chunk's memory.
     *
     * @param memory a direct buffer, a direct {@code ByteBuf}, or anything else.
     * @return its address, or 0 if it is not off-heap memory (or its library failed, which is counted).
     */
    long base(final Object memory)
    {
        try
        {
            return ChunkAddress.of(memory);
        }
        catch (final Throwable ex)
        {
            recorder.fail(ex);
            return 0;
        }
    }
}
