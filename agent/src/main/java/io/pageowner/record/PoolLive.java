package io.pageowner.record;

import jdk.internal.misc.Unsafe;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Sampled mode's cheap path for pooled buffers ({@link PoolSinkAdapter}), which are acquired and released far more
 * often than the JDK's off-heap blocks: an index of every live buffer ({@code LiveSizes}, a put and a remove per
 * buffer) cost sampled mode some 30 % of a Netty acquire/release pair. Here no unsampled buffer is indexed:
 * <ul>
 * <li>the exact live count and bytes of {@code POOLED} are per-thread sums, acquisitions
 * ({@link ThreadState#poolAcquire(long)}) less releases ({@link ThreadState#poolRelease(long)}), each only growing
 * and added up when a dump or the MBean asks, releases first, so that a buffer handed between threads while they are
 * read is never taken off without being added (the figure never falls below the buffers live throughout the
 * reading, nor below 0); a release knows its buffer's size from the buffer itself, so it needs no lookup, and the
 * acquired bytes are sampling's count-down too;</li>
 * <li>whether a released buffer was sampled (has a record to end) is told by a counting filter keyed by a hash of
 * the chunk and the offset: a slot is non-zero only while a sampled buffer (or one acquired while paused) hashing
 * to it is live, so an unsampled release reads one array element and, unless it collides, goes no further.</li>
 * </ul>
 * That holds only while every live pooled buffer was counted when it was acquired. So the path is taken only when
 * the agent started before any pool class was loaded (no buffer can be older), and while it holds: buffers acquired
 * while paused are indexed on their own and marked in the filter (see {@link #offIndexed}), and when the advice is
 * put back after a detach, whose acquisitions nobody saw, {@link #stop()} ends the path for good and the pools'
 * recorder keeps its exact index again, as it does from the start after a late attach.
 */
public final class PoolLive
{
    /** log2 of the filter's slots: a few hundred sampled buffers live at once leave nearly every slot 0. */
    static final int FILTER_BITS = 14;

    private static final Unsafe UNSAFE = Unsafe.getUnsafe();
    /** Updates of the filter; its reads are plain (a stale non-zero costs a lookup, a stale 0 cannot be seen). */
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final long OFF_INDEXED = UNSAFE.objectFieldOffset(PoolLive.class, "offIndexed");

    /** Per slot, the live sampled buffers, and those acquired while paused, hashing to it. */
    final int[] filter = new int[1 << FILTER_BITS];
    /** False once the path is given up: the pools' recorder then keeps its exact index. */
    volatile boolean fast = true;
    /** Buffers acquired while paused, in the recorder's index with no kind, whose releases are looked up there. */
    volatile long offIndexed;

    private final List<Counted> threads = new ArrayList<>();
    private long retiredCount;
    private long retiredBytes;
    private int sweepAt = 64;

    /**
     * The filter slot of a buffer.
     *
     * @param memory the chunk's memory object, the same one at acquire and release.
     * @param offset of the buffer in it.
     * @return the slot.
     */
    static int slot(final Object memory, final int offset)
    {
        return ((System.identityHashCode(memory) + offset) * 0x9E3779B9) >>> (32 - FILTER_BITS);
    }

    /**
     * Whether a sampled buffer may be live at a slot.
     *
     * @param slot from {@link #slot(Object, int)}.
     * @return false if no live sampled buffer hashes to it.
     */
    boolean marked(final int slot)
    {
        return 0 != filter[slot];
    }

    /**
     * A sampled buffer hashing to a slot was recorded.
     *
     * @param slot from {@link #slot(Object, int)}.
     */
    void mark(final int slot)
    {
        SLOTS.getAndAdd(filter, slot, 1);
    }

    /**
     * A sampled buffer hashing to a slot had its record removed.
     *
     * @param slot from {@link #slot(Object, int)}.
     */
    void unmark(final int slot)
    {
        SLOTS.getAndAdd(filter, slot, -1);
    }

    /**
     * Counts buffers acquired while paused that are in the index, or, negative, those whose release found them.
     *
     * @param delta +1 or -1.
     */
    void offIndexed(final long delta)
    {
        UNSAFE.getAndAddLong(this, OFF_INDEXED, delta);
    }

    /**
     * Counts a buffer acquired on a thread, and has the thread's figures summed from then on. The common path
     * counts with {@link ThreadState#poolAcquire(long)} straight away: a thread's first acquisition always reaches
     * {@link #register(ThreadState)} too, its {@link ThreadState#poolSampleAt} being 0 until then.
     *
     * @param state the thread's state.
     * @param bytes the buffer's size.
     */
    void acquired(final ThreadState state, final long bytes)
    {
        if (!state.poolCounted)
        {
            register(state);
        }
        state.poolAcquire(bytes);
    }

    /**
     * Counts a buffer released on a thread (or one acquired that is taken out of the totals again), and has the
     * thread's figures summed from then on.
     *
     * @param state the thread's state.
     * @param bytes the buffer's size.
     */
    void released(final ThreadState state, final long bytes)
    {
        if (!state.poolCounted)
        {
            register(state);
        }
        state.poolRelease(bytes);
    }

    /**
     * Gives up the cheap path for good: from now on the pools' recorder indexes every buffer again, and these
     * figures are no longer the totals.
     */
    void stop()
    {
        fast = false;
    }

    /**
     * Whether the cheap path is taken: then {@link #count()} and {@link #bytes()} are the pools' exact totals.
     *
     * @return true until {@link #stop()}.
     */
    public boolean active()
    {
        return fast;
    }

    /**
     * Live pooled buffers now: exact while no buffer is acquired or released; while they are, at least every buffer
     * live throughout the reading, and never below 0.
     *
     * @return acquired less released, over every thread, dead ones included.
     */
    public synchronized long count()
    {
        // NOTE: every thread's releases are read before any thread's acquisitions: a release seen had its
        // acquisition happen before it, so that is seen too, and a buffer handed from thread to thread meanwhile is
        // never taken off without having been added. A thread registers under this lock, so none joins meanwhile.
        long released = 0;
        for (int i = 0; i < threads.size(); i++)
        {
            released += threads.get(i).state.poolReleased();
        }
        long acquired = 0;
        for (int i = 0; i < threads.size(); i++)
        {
            acquired += threads.get(i).state.poolAcquired();
        }
        return retiredCount + acquired - released;
    }

    /**
     * Bytes of the live pooled buffers now, read as {@link #count()} is.
     *
     * @return bytes acquired less bytes released, over every thread, dead ones included.
     */
    public synchronized long bytes()
    {
        long released = 0;
        for (int i = 0; i < threads.size(); i++)
        {
            released += threads.get(i).state.poolReleasedBytes();
        }
        long acquired = 0;
        for (int i = 0; i < threads.size(); i++)
        {
            acquired += threads.get(i).state.poolAcquiredBytes();
        }
        return retiredBytes + acquired - released;
    }

    /**
     * Has a thread's figures summed from now on, and sets its first sampling point.
     *
     * @param state the thread's state, on its own thread.
     */
    synchronized void register(final ThreadState state)
    {
        if (state.poolCounted)
        {
            return;
        }
        if (threads.size() >= sweepAt)
        {
            sweep();
            sweepAt = Math.max(64, 2 * threads.size());
        }
        threads.add(new Counted(state, new WeakReference<>(Thread.currentThread())));
        // NOTE: the interval the state drew when it was made, counted from the thread's first acquired byte: no
        // acquisition is counted before its thread registers but the one that registers it.
        state.poolSampleAt = state.untilSample;
        state.poolCounted = true;
    }

    /**
     * Folds the figures of threads that have ended into the retired sums: they change no more (a thread's end
     * happens-before {@code isAlive()} returns false), so the list stays as long as the live threads.
     */
    private void sweep()
    {
        for (int i = threads.size() - 1; i >= 0; i--)
        {
            final Counted counted = threads.get(i);
            final Thread thread = counted.thread.get();
            if (null == thread || !thread.isAlive())
            {
                retiredCount += counted.state.poolAcquired() - counted.state.poolReleased();
                retiredBytes += counted.state.poolAcquiredBytes() - counted.state.poolReleasedBytes();
                threads.remove(i);
            }
        }
    }

    private static final class Counted
    {
        final ThreadState state;
        final WeakReference<Thread> thread;

        Counted(final ThreadState state, final WeakReference<Thread> thread)
        {
            this.state = state;
            this.thread = thread;
        }
    }
}
