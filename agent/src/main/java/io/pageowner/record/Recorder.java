package io.pageowner.record;

import io.pageowner.depot.StackCapture;
import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.table.LiveSizes;
import io.pageowner.table.OwnerTable;

import java.util.concurrent.Callable;

/**
 * Receives every off-heap event, from the hooks through the {@link SinkAdapter}, and keeps the owner
 * table up to date: on an allocation it captures the stack, interns it and the thread, and inserts a
 * record; on a free it removes the record. It never throws (everything is caught and counted) and
 * never records the agent's own allocations: a per-thread guard ({@link ThreadState}) is held while
 * it works, and while the agent writes dumps or serves JMX on any thread.
 * <p>
 * What full mode and sampled mode ({@code sample=P}) do differently is a {@link Recording}, chosen
 * once here: {@link FullRecording} records every allocation with its stack, {@link SampledRecording}
 * samples by bytes and keeps every live block in {@link LiveSizes}. A plain class, which a unit test
 * builds with a real table and depots: only the adapter knows the boot sink.
 * <p>
 * Longer than 600 lines because it is the one entry of every hook event and of every control (pause, clear,
 * follow, warm-up, the tool's own calls): each method is a few lines that take the guard and hand over to the
 * mode, and splitting them would spread the guard again.
 */
public final class Recorder
{
    /** After this many caught errors the recorder stops recording rather than keep failing. */
    static final int MAX_ERRORS = 1000;

    final OwnerTable table;
    final Counters counters = new Counters();
    final long zeroNanos;
    private final StackDepot stacks;
    private final ThreadDepot threads;
    private final MappedFiles mappedFiles = new MappedFiles();
    private final int depth;
    private final Recording mode;
    private final ThreadStates states;
    private volatile boolean recording = true;
    private volatile boolean paused;
    private volatile Runnable directMemoryListener;
    private volatile Recorder pools;
    /** Sampled mode's cheap path for pooled buffers, on the pools' recorder only, or null. */
    private volatile PoolLive poolLive;
    /** Told of each block recorded, while a JFR recording asks for them; else null. */
    volatile RecordListener listener;
    /** The adapter's {@code takeStack} flag, once attached; guarded by {@code this}. */
    private StackFlag stackFlag;

    /**
     * Creates a recorder.
     *
     * @param table       where owners live.
     * @param stacks      where stacks are interned.
     * @param threads     where threads are interned.
     * @param depth       frames kept per stack.
     * @param sampleBytes mean bytes between sampled allocations, 0 for full mode.
     * @param zeroNanos   the {@link System#nanoTime()} value that timestamps count from.
     * @param agentLoader whose frames are left out of stacks.
     * @param hooksClass  the hooks class, whose frames are left out too.
     */
    public Recorder(
        final OwnerTable table,
        final StackDepot stacks,
        final ThreadDepot threads,
        final int depth,
        final long sampleBytes,
        final long zeroNanos,
        final ClassLoader agentLoader,
        final Class<?> hooksClass)
    {
        this(table, stacks, threads, depth, sampleBytes, zeroNanos, agentLoader, hooksClass, 0);
    }

    /**
     * Creates a recorder whose sampling draws are fixed by a seed, for tests.
     *
     * @param seed every thread's generator derives from it and the thread's id; 0 for the clock.
     */
    Recorder(
        final OwnerTable table,
        final StackDepot stacks,
        final ThreadDepot threads,
        final int depth,
        final long sampleBytes,
        final long zeroNanos,
        final ClassLoader agentLoader,
        final Class<?> hooksClass,
        final long seed)
    {
        this.table = table;
        this.stacks = stacks;
        this.threads = threads;
        this.depth = depth;
        this.zeroNanos = zeroNanos;
        // NOTE: built by factories typed Recording, so that verifying this class loads neither mode and only
        // the one built here is ever loaded (every call on it stays monomorphic); it reads the fields set above.
        this.mode = sampleBytes > 0 ?
            SampledRecording.create(this, sampleBytes, new LiveSizes(table.capacity())) : FullRecording.create(this);
        this.states = new ThreadStates(mode, depth, agentLoader, hooksClass, seed);
    }

    /**
     * A block was allocated; {@code stack} is a throwable the hook made for its stack, or null to capture
     * the stack here.
     */
    void allocated(final long address, final long bytes, final Throwable stack)
    {
        final ThreadState state = state();
        if (!state.enter())
        {
            counters.agentOwn.incrementAndGet();
            mode.agentOwn(address, bytes);
            return;
        }
        try
        {
            if (recording)
            {
                final int kind = state.takeKind();
                mode.allocated(
                    state, address, bytes, 0 == (kind & Kind.NIO_TEMP) ? kind : state.nioTemp(address, kind), stack);
            }
        }
        catch (final Throwable ex)
        {
            fail(ex);
        }
        finally
        {
            state.exit();
        }
    }

    /**
     * A block is about to be freed: its record is dropped, or {@code before_start} counted.
     */
    void freeing(final long address)
    {
        mode.freeing(address);
    }

    /**
     * {@code reallocateMemory(address, bytes)} is about to run: the old block's record goes to the
     * thread's stash.
     */
    void reallocating(final long address, final long bytes)
    {
        final ThreadState state = state();
        if (!state.enter())
        {
            return;
        }
        try
        {
            state.clearStash();
            // NOTE: realloc(p, 0) frees p through freeMemory, whose advice drops the record.
            if (0 != address && 0 != bytes)
            {
                mode.stash(state, address);
            }
        }
        catch (final Throwable ex)
        {
            fail(ex);
        }
        finally
        {
            state.exit();
        }
    }

    /**
     * {@code reallocateMemory(address, bytes)} returned or threw: the new block is tracked as
     * {@link Kind#REALLOC}, or, if it threw, the stash goes back.
     */
    void reallocated(final long address, final long bytes, final long newAddress)
    {
        final ThreadState state = state();
        if (!state.enter())
        {
            return;
        }
        try
        {
            if (0 != newAddress)
            {
                if (recording)
                {
                    mode.track(state, newAddress, bytes, Kind.REALLOC);
                }
            }
            else
            {
                // NOTE: the call threw, so the old block is still the caller's: put its record back.
                mode.restore(state, address);
            }
            state.clearStash();
        }
        catch (final Throwable ex)
        {
            fail(ex);
        }
        finally
        {
            state.exit();
        }
    }

    /**
     * The current thread enters a method whose allocation has a known kind.
     */
    int kindEnter(final int kind)
    {
        return state().mark(kind);
    }

    /**
     * The current thread leaves a method that called {@link #kindEnter(int)}, normally or not.
     */
    void kindExit(final int saved)
    {
        state().marker = saved;
    }

    /**
     * The current thread is about to map part of a file.
     */
    void mapping(final String path, final long position)
    {
        state().mapping(path, position);
    }

    /** The current thread is done mapping, normally or not. */
    void mappingDone()
    {
        state().mappingDone();
    }

    /**
     * A region was mapped: tracked as {@link Kind#MAPPED}, with the file and offset that
     * {@link #mapping(String, long)} announced.
     */
    void mapped(final long address, final long size, final int pagePosition)
    {
        final ThreadState state = state();
        final String path = state.mapPath;
        final long offset = state.mapPending ? state.mapPosition - pagePosition : -1;
        state.mappingDone();
        if (!state.enter())
        {
            counters.agentOwn.incrementAndGet();
            return;
        }
        try
        {
            if (recording)
            {
                // NOTE: the file before the record, so that a dump that sees the record finds its file;
                // taken back if the mapping is not recorded (paused, table full, not sampled).
                mappedFiles.put(address, path, offset);
                if (!mode.track(state, address, size, Kind.MAPPED))
                {
                    mappedFiles.remove(address);
                }
            }
        }
        catch (final Throwable ex)
        {
            fail(ex);
        }
        finally
        {
            state.exit();
        }
    }

    /**
     * A region is about to be unmapped: its record and its file are dropped.
     */
    void unmapping(final long address)
    {
        release(address, true);
    }

    /** Advice code threw and the throwable was suppressed. */
    void suppressed(final Throwable throwable)
    {
        counters.suppressed.incrementAndGet();
        counters.firstError.compareAndSet(null, throwable);
    }

    /**
     * Direct memory ran out: runs the listener, if any, on the failing thread with the guard held.
     */
    void directMemoryExhausted()
    {
        final Runnable listener = directMemoryListener;
        if (null == listener)
        {
            return;
        }
        final ThreadState state = state();
        if (!state.enter())
        {
            return;
        }
        try
        {
            listener.run();
        }
        catch (final Throwable ex)
        {
            fail(ex);
        }
        finally
        {
            state.exit();
        }
    }

    /**
     * Drops a block's record with the guard held: a free in full mode, an unmapping ({@code unmap}, which
     * drops the mapping's file too) in either.
     */
    void release(final long address, final boolean unmap)
    {
        final ThreadState state = state();
        if (!state.enter())
        {
            return;
        }
        try
        {
            mode.drop(state, address);
            if (unmap)
            {
                mappedFiles.remove(address);
            }
        }
        catch (final Throwable ex)
        {
            fail(ex);
        }
        finally
        {
            state.exit();
        }
    }

    /** Whether recording is paused. */
    boolean paused()
    {
        return paused;
    }

    /** The current thread's state. */
    ThreadState state()
    {
        return states.current();
    }

    /** Where {@link #state()} looks the current thread's state up, for the pools' cheap path to hold. */
    ThreadStates threadStates()
    {
        return states;
    }

    /**
     * Counts an error, and stops recording after {@link #MAX_ERRORS}.
     */
    void fail(final Throwable ex)
    {
        counters.error(ex);
        if (counters.errors.get() >= MAX_ERRORS)
        {
            recording = false;
            syncTakeStack();
        }
    }

    /**
     * Lets the adapter's flag follow this recorder from now on.
     *
     * @param flag the adapter's {@code takeStack}.
     */
    synchronized void attach(final StackFlag flag)
    {
        stackFlag = flag;
        syncTakeStack();
    }

    /**
     * Tells the adapter whether the hooks take each allocation's stack themselves: only when full mode
     * is recording and the stack is read from a throwable, so that a paused or sampled recorder never
     * costs a stack walk. Each caller writes its flag before it calls this, and the lock orders the
     * calls, so the last of two at once (a pause and a failure) reads both flags and the value left is
     * never stale.
     */
    private synchronized void syncTakeStack()
    {
        if (null != stackFlag)
        {
            stackFlag.takeStack(mode.recordsEveryStack() && recording && !paused && StackCapture.readsThrowable());
            stackFlag.paused(paused);
        }
    }

    /**
     * Runs agent work (a dump, a JMX call) on the current thread with the guard held, so that
     * whatever it allocates off-heap is never recorded.
     *
     * @param work to run.
     * @param <T>  its result type.
     * @return its result.
     * @throws Exception whatever the work throws.
     */
    public <T> T asAgent(final Callable<T> work) throws Exception
    {
        final ThreadState state = state();
        final int saved = state.enterAgent();
        try
        {
            return work.call();
        }
        finally
        {
            state.exitAgent(saved);
        }
    }

    /**
     * The current thread serves a call on page-owner's MBean: from now on its NIO temporary buffers, and the last
     * few it made (the one NIO read the request into), are marked as the tool's own ({@link Kind#TOOL}), so that
     * {@code java -jar page-owner.jar dump <pid>} does not show up in its own dump as the application's memory.
     * Cheap after the first call on a thread. Never throws.
     */
    public void servingTool()
    {
        try
        {
            final ThreadState state = state();
            if (state.servesTool)
            {
                return;
            }
            final int saved = state.enterAgent();
            try
            {
                state.servesTool = true;
                mode.markTools(state);
            }
            finally
            {
                state.exitAgent(saved);
            }
        }
        catch (final Throwable ex)
        {
            fail(ex);
        }
    }

    /**
     * Forgets every record, and the live index, here and in the pools' recorder that follows this one (on the
     * pools' cheap path of sampled mode, {@link PoolLive}, its totals and the buffers acquired while paused stay).
     *
     * @return the records removed.
     */
    public long clear()
    {
        final Recorder follower = pools;
        // NOTE: on the pools' cheap path the index holds only buffers acquired while paused, which are in no total
        // and must stay known until released; the totals are live buffers' and stay true through a clear.
        return TableClearing.clear(this, null != poolLive() ? null : mode) + (null != follower ? follower.clear() : 0);
    }

    /**
     * Lets the pools' recorder ({@link Kind#POOLED}, own table) be paused, resumed and cleared with this one.
     *
     * @param follower the pools' recorder.
     */
    public void follow(final Recorder follower)
    {
        pools = follower;
        counters.follow(follower.counters);
        follower.pause(paused);
    }

    /**
     * Tells a listener of every block recorded from now on, or, with null, nobody. The pools' recorder is not
     * included: set it there too.
     *
     * @param listener to tell, or null.
     */
    public void listen(final RecordListener listener)
    {
        this.listener = listener;
    }

    /**
     * Sets the cheap path of this (the pools') recorder's sampled mode.
     */
    void poolLive(final PoolLive live)
    {
        poolLive = live;
    }

    /**
     * Sampled mode's cheap path for pooled buffers, while it is taken: its figures are then this recorder's exact
     * live totals, and {@link #liveSizes()} holds only buffers acquired while paused, with no kind.
     *
     * @return it, or null in full mode, for the main recorder, or once given up.
     */
    public PoolLive poolLive()
    {
        final PoolLive live = poolLive;
        return null != live && live.active() ? live : null;
    }

    /**
     * The advice is being put back after a detach: what was acquired meanwhile was never seen, so the pools'
     * recorder gives up sampled mode's cheap path and indexes every buffer from now on. The totals start again
     * from the index; a release of a buffer it never saw counts as {@code before_start}.
     */
    public void reattaching()
    {
        final PoolLive live = poolLive;
        if (null != live)
        {
            live.stop();
            // NOTE: the adapter's cheap path reads one field, which is set here from the stopped path.
            syncTakeStack();
        }
        final Recorder follower = pools;
        if (null != follower)
        {
            follower.reattaching();
        }
    }

    /** The mode, for the pools' adapter. */
    Recording mode()
    {
        return mode;
    }

    /**
     * The pools' recorder that follows this one.
     *
     * @return it, or null.
     */
    public Recorder pools()
    {
        return pools;
    }

    /**
     * Runs every event once on fake addresses, so that the classes of the recording path are loaded and
     * linked before the first real allocation needs them inside {@code Unsafe.allocateMemory}; then
     * forgets what the run counted.
     *
     * @param fakeAddress an address no real allocation has, page-aligned, with three pages free after it.
     */
    public void warmUp(final long fakeAddress)
    {
        allocated(fakeAddress, 1, null);
        reallocating(fakeAddress, 2);
        reallocated(fakeAddress, 2, fakeAddress + 4096);
        freeing(fakeAddress + 4096);
        freeing(fakeAddress + 8192);
        kindExit(kindEnter(0));
        mapping("", 0);
        mapped(fakeAddress, 4096, 0);
        mappingDone();
        unmapping(fakeAddress);
        mode.warmUp(fakeAddress);
        counters.reset();
    }

    /**
     * Holds the guard on the current thread for good: for threads the agent owns.
     */
    public void enterAgentThread()
    {
        state().holdForGood();
    }

    /**
     * Whether allocations are being recorded.
     *
     * @return false while paused, or once too many errors were caught.
     */
    public boolean recording()
    {
        return recording && !paused;
    }

    /**
     * Pauses or resumes recording. While paused, allocations are only counted ({@code while_off})
     * and frees still remove records, so every record in the table stays a live block.
     *
     * @param pause true to pause.
     */
    public void pause(final boolean pause)
    {
        paused = pause;
        syncTakeStack();
        final Recorder follower = pools;
        if (null != follower)
        {
            follower.pause(pause);
        }
    }

    /**
     * Sets what runs, on the failing thread with the guard held, when direct memory runs out.
     *
     * @param listener to run, or null.
     */
    public void onDirectMemoryExhausted(final Runnable listener)
    {
        directMemoryListener = listener;
    }

    /**
     * The owner table.
     *
     * @return the table.
     */
    public OwnerTable table()
    {
        return table;
    }

    /**
     * The stack depot.
     *
     * @return the depot.
     */
    public StackDepot stacks()
    {
        return stacks;
    }

    /**
     * The thread depot.
     *
     * @return the depot.
     */
    public ThreadDepot threads()
    {
        return threads;
    }

    /**
     * What could not be tracked.
     *
     * @return the counters.
     */
    public Counters counters()
    {
        return counters;
    }

    /**
     * The file and offset of each live mapping.
     *
     * @return the side map.
     */
    public MappedFiles mappedFiles()
    {
        return mappedFiles;
    }

    /**
     * The mean sampling interval.
     *
     * @return bytes, 0 in full mode.
     */
    public long sampleBytes()
    {
        return mode.sampleBytes();
    }

    /**
     * Every live block, sampled or not: sampled mode only.
     *
     * @return the index, or null in full mode.
     */
    public LiveSizes liveSizes()
    {
        return mode.liveSizes();
    }

    /**
     * The stack depth in use.
     *
     * @return frames kept per stack.
     */
    public int depth()
    {
        return depth;
    }
}
