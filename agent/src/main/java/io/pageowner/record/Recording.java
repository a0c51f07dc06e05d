package io.pageowner.record;

import io.pageowner.depot.StackCapture;
import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.table.LiveSizes;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTable;

/**
 * What full and sampled mode do differently, chosen once when the {@link Recorder} is built: one
 * subclass, {@link FullRecording} or {@link SampledRecording}, is ever loaded in a run, so every call
 * here is monomorphic and inlines. Each method says whether the recorder calls it with the guard held.
 * What both modes share, the path that records a block with its stack, is here too.
 */
abstract class Recording
{
    /** The recorder this mode works for: its flags and its error count. */
    final Recorder recorder;
    final OwnerTable table;
    final Counters counters;
    private final StackDepot stacks;
    private final ThreadDepot threads;
    private final long zeroNanos;

    /**
     * Creates the mode; the recorder's table, counters, depots and clock are set already.
     *
     * @param recorder this mode works for.
     */
    Recording(final Recorder recorder)
    {
        this.recorder = recorder;
        this.table = recorder.table;
        this.counters = recorder.counters;
        this.stacks = recorder.stacks();
        this.threads = recorder.threads();
        this.zeroNanos = recorder.zeroNanos;
    }

    /**
     * An allocation the agent made itself, guard held by agent work: already counted as
     * {@code agent_own}. Must not throw.
     *
     * @param address of the block.
     * @param bytes   its size.
     */
    abstract void agentOwn(long address, long bytes);

    /**
     * An allocation to track, with the guard held, while recording.
     *
     * @param state of the allocating thread.
     * @param address of the block.
     * @param bytes   its size.
     * @param kind    its kind flags, marker used up.
     * @param stack   the throwable the hook made for it, or null.
     */
    abstract void allocated(ThreadState state, long address, long bytes, int kind, Throwable stack);

    /**
     * A block is about to be freed; this mode takes the guard if it needs it.
     *
     * @param address of the block.
     */
    abstract void freeing(long address);

    /**
     * Tracks a block made by a realloc or a mapping, with the guard held.
     *
     * @param state of the thread.
     * @param address of the block.
     * @param bytes   its size.
     * @param kind    its kind flags.
     * @return true if the block is in the owner table.
     */
    abstract boolean track(ThreadState state, long address, long bytes, int kind);

    /**
     * Drops the record of a block being freed or unmapped, counting a block never seen as
     * {@code before_start}; guard held.
     *
     * @param state   of the thread.
     * @param address of the block.
     */
    abstract void drop(ThreadState state, long address);

    /**
     * A realloc is about to move a block, guard held: takes its record (and index entry) out into the
     * thread's stash, so that a block the realloc frees has no record left behind.
     *
     * @param state   of the thread.
     * @param address of the block, never 0.
     */
    abstract void stash(ThreadState state, long address);

    /**
     * The realloc threw, guard held: the old block is still the caller's, so what was stashed goes back.
     *
     * @param state   of the thread.
     * @param address of the block.
     */
    abstract void restore(ThreadState state, long address);

    /**
     * A thread's next sampling interval.
     *
     * @param state of the thread.
     * @return bytes until its next sample; 0 in full mode.
     */
    abstract long nextInterval(ThreadState state);

    /**
     * The time to stamp a record with, with the guard held.
     *
     * @param state of the recording thread.
     * @return a {@code System.nanoTime()} value: full mode's {@link RecordClock}, sampled mode's own reading.
     */
    abstract long stamp(ThreadState state);

    /**
     * Whether the hooks may take each allocation's stack: full mode only.
     *
     * @return true if every allocation is recorded with its stack.
     */
    abstract boolean recordsEveryStack();

    /**
     * The mean sampling interval.
     *
     * @return bytes, 0 in full mode.
     */
    abstract long sampleBytes();

    /**
     * Every live block, sampled or not.
     *
     * @return the index, or null in full mode.
     */
    abstract LiveSizes liveSizes();

    /**
     * Forgets every block this mode keeps besides the owner table; guard held.
     */
    abstract void clear();

    /**
     * Loads the classes of the paths only this mode has, with a fake block.
     *
     * @param fakeAddress an address no real allocation has.
     */
    abstract void warmUp(long fakeAddress);

    /**
     * Records a block with its stack, or counts why it cannot; guard held.
     *
     * @param state   of the allocating thread.
     * @param address of the block.
     * @param bytes   its size.
     * @param kind    its kind flags.
     * @param stack   the throwable the hook made for this allocation, or null to capture the stack here.
     * @return true if the block is in the table.
     */
    final boolean record(
        final ThreadState state, final long address, final long bytes, final int kind, final Throwable stack)
    {
        if (recorder.paused())
        {
            // NOTE: frees are still seen while paused, so the table stays true; this is just not recorded.
            countWhileOff(bytes);
            return false;
        }
        final StackCapture capture = state.capture;
        final int stackId;
        try
        {
            stackId = stacks.intern(capture.capture(stack));
        }
        finally
        {
            capture.clear();
        }
        final long timestamp = stamp(state) - zeroNanos;
        if (table.insert(address, bytes, timestamp, threadRef(state), stackId, kind, state.tally) < 0)
        {
            counters.tableFull(kind, bytes);
            return false;
        }
        // NOTE: null unless a JFR recording asks for each allocation: one volatile read on the path otherwise.
        final RecordListener listener = recorder.listener;
        if (null != listener)
        {
            listener.recorded(address, bytes, kind);
        }
        return true;
    }

    /**
     * Puts a failed realloc's stashed record back in the table; guard held.
     *
     * @param state of the thread.
     * @return true if a record was stashed and is back.
     */
    final boolean putBack(final ThreadState state)
    {
        if (!state.reallocStashed)
        {
            return false;
        }
        final OwnerRecord old = state.stash;
        final boolean restored =
            table.insert(old.address(), old.size(), old.timestampNs(), old.threadRef(), old.stackId(), old.kind()) >= 0;
        if (!restored)
        {
            counters.tableFull(old.kind(), old.size());
        }
        return restored;
    }

    /**
     * Marks the {@link Kind#NIO_TEMP} blocks this thread remembers as the tool's own, and forgets them; guard held.
     *
     * @param state of the thread, which has just served the tool.
     */
    final void markTools(final ThreadState state)
    {
        for (int i = 0; i < ThreadState.RECENT_TEMPS; i++)
        {
            final long address = state.recentTemps[i];
            state.recentTemps[i] = 0;
            if (0 != address)
            {
                markTool(state, address);
            }
        }
    }

    /**
     * Marks one of this thread's {@link Kind#NIO_TEMP} blocks as the tool's own ({@link Kind#TOOL}), if it is still
     * this thread's and live; guard held. Only this thread can free it (NIO's cache is per thread), so nothing frees
     * it between the remove and the insert; a dump at that moment misses it at most.
     *
     * @param state   of the thread.
     * @param address of a block the thread allocated as {@code NIO_TEMP}.
     */
    void markTool(final ThreadState state, final long address)
    {
        retagTool(state, address);
    }

    /**
     * The table part of {@link #markTool(ThreadState, long)}.
     *
     * @param state   of the thread.
     * @param address of the block.
     * @return true if the block's record now carries {@link Kind#TOOL}.
     */
    final boolean retagTool(final ThreadState state, final long address)
    {
        final OwnerRecord record = state.stash;
        if (state.reallocStashed || !table.ownerOf(address, record) || record.address() != address ||
            record.threadRef() != threadRef(state) || 0 == (record.kind() & Kind.NIO_TEMP) ||
            0 != (record.kind() & Kind.TOOL) || !table.remove(address, record))
        {
            return false;
        }
        final int kind = record.kind() | Kind.TOOL;
        if (table.insert(address, record.size(), record.timestampNs(), record.threadRef(), record.stackId(), kind) < 0)
        {
            counters.tableFull(kind, record.size());
            return false;
        }
        return true;
    }

    /**
     * Counts an allocation made while paused.
     *
     * @param bytes its size.
     */
    final void countWhileOff(final long bytes)
    {
        counters.whileOff.incrementAndGet();
        counters.whileOffBytes.addAndGet(bytes);
    }

    @SuppressWarnings("deprecation")
    private int threadRef(final ThreadState state)
    {
        final Thread thread = Thread.currentThread();
        final String name = thread.getName();
        // NOTE: identity check: getName() returns the same String until the thread is renamed.
        if (name != state.threadName)
        {
            state.threadRef = threads.intern(thread.getId(), name);
            state.threadName = name;
        }
        return state.threadRef;
    }
}
