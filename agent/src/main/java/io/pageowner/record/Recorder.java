package io.pageowner.record;

import io.pageowner.depot.StackCapture;
import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.table.CurrentThread;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTable;
import io.pageowner.table.LiveSizes;
import jdk.internal.misc.PageOwnerSink;

import java.util.concurrent.Callable;

/**
 * Receives every off-heap event from the hooks and keeps the owner table up to date: on an
 * allocation it captures the stack, interns it and the thread, and inserts a record; on a free it
 * removes the record. It never throws (everything is caught and counted) and never records the
 * agent's own allocations: a per-thread depth guard is held while it works, and while the agent
 * writes dumps or serves JMX on any thread.
 * <p>
 * <b>Sampled mode</b> ({@code sample=P}): each thread counts down the bytes it allocates from an
 * exponentially distributed interval of mean P, as jemalloc's {@code lg_prof_sample} does; the
 * allocation that takes the count to zero or below is sampled (probability {@code 1 - exp(-size/P)}
 * for an allocation of {@code size} bytes, whatever came before it) and recorded with its stack;
 * every allocation, sampled or not, goes into {@link LiveSizes}, which keeps the live counts and
 * bytes per kind exact and tells a free whether there is a record to drop. No stack is captured for
 * an allocation that is not sampled.
 */
public final class Recorder extends PageOwnerSink
{
    /** After this many caught errors the recorder stops recording rather than keep failing. */
    static final int MAX_ERRORS = 1000;
    /** Slots of the per-thread state cache, by thread id; a power of two. */
    static final int STATE_CACHE = 1024;

    private final OwnerTable table;
    private final StackDepot stacks;
    private final ThreadDepot threads;
    private final Counters counters = new Counters();
    private final MappedFiles mappedFiles = new MappedFiles();
    private final int depth;
    private final long sampleBytes;
    private final LiveSizes sizes;
    private final long zeroNanos;
    private final ClassLoader agentLoader;
    private final Class<?> hooksClass;
    private final ThreadLocal<ThreadState> states = new ThreadLocal<>()
    {
        @Override
        protected ThreadState initialValue()
        {
            final ThreadState state = new ThreadState(
                StackCapture.create(depth, agentLoader, hooksClass), CurrentThread.id());
            state.seed = seed();
            state.untilSample = nextInterval(state);
            return state;
        }
    };
    /**
     * The states of recent threads by thread id ({@link CurrentThread}), a cache in front of
     * {@link #states}: a hit costs a field load and an array load where {@code ThreadLocal.get}
     * costs a map probe and a weak-reference check (8.7 % of the mixed loop's time in sampled mode,
     * with three lookups per direct buffer). Written with plain stores: a reader checks the state's
     * final {@code tid} against its own, so it never takes another thread's state, and a miss falls
     * back to the ThreadLocal, which stays the one owner of each thread's state.
     */
    private final ThreadState[] cache = new ThreadState[STATE_CACHE];
    private volatile boolean recording = true;
    private volatile boolean paused;
    private volatile Runnable directMemoryListener;

    /**
     * Creates a recorder in full mode: every allocation recorded with its stack.
     *
     * @param table       where owners live.
     * @param stacks      where stacks are interned.
     * @param threads     where threads are interned.
     * @param depth       frames kept per stack.
     * @param zeroNanos   the {@link System#nanoTime()} value that timestamps count from.
     * @param agentLoader whose frames are left out of stacks.
     * @param hooksClass  the hooks class, whose frames are left out too.
     */
    public Recorder(
        final OwnerTable table,
        final StackDepot stacks,
        final ThreadDepot threads,
        final int depth,
        final long zeroNanos,
        final ClassLoader agentLoader,
        final Class<?> hooksClass)
    {
        this(table, stacks, threads, depth, 0, zeroNanos, agentLoader, hooksClass);
    }

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
        this.table = table;
        this.stacks = stacks;
        this.threads = threads;
        this.depth = depth;
        this.sampleBytes = Math.max(0, sampleBytes);
        this.sizes = this.sampleBytes > 0 ? new LiveSizes(table.capacity()) : null;
        this.zeroNanos = zeroNanos;
        this.agentLoader = agentLoader;
        this.hooksClass = hooksClass;
        syncTakeStack();
    }

    @Override
    public void allocated(final long address, final long bytes)
    {
        allocated(address, bytes, null);
    }

    @Override
    public void allocated(final long address, final long bytes, final Throwable stack)
    {
        final LiveSizes live = sizes;
        if (null != live)
        {
            allocatedSampled(live, address, bytes);
            return;
        }
        final ThreadState state = state();
        if (0 != state.depth)
        {
            counters.agentOwn.incrementAndGet();
            return;
        }
        state.depth = 1;
        try
        {
            if (recording)
            {
                record(state, address, bytes, state.takeKind(), stack);
            }
        }
        catch (final Throwable ex)
        {
            fail(ex);
        }
        finally
        {
            state.depth = 0;
        }
    }

    @Override
    public void freeing(final long address)
    {
        final LiveSizes live = sizes;
        if (null != live)
        {
            // NOTE: no guard: dropping touches only the index and the table, and allocates nothing off-heap;
            // the agent's own blocks are in the index too, with no kind, so their frees are known.
            try
            {
                dropSampled(live, address);
            }
            catch (final Throwable ex)
            {
                fail(ex);
            }
            return;
        }
        final ThreadState state = state();
        if (0 != state.depth)
        {
            return;
        }
        state.depth = 1;
        try
        {
            drop(address);
        }
        catch (final Throwable ex)
        {
            fail(ex);
        }
        finally
        {
            state.depth = 0;
        }
    }

    @Override
    public void reallocating(final long address, final long bytes)
    {
        final ThreadState state = state();
        if (0 != state.depth)
        {
            return;
        }
        state.depth = 1;
        try
        {
            state.reallocStashed = false;
            state.reallocOld = LiveSizes.NONE;
            // NOTE: realloc(p, 0) frees p through freeMemory, whose advice drops the record.
            if (0 != address && 0 != bytes)
            {
                if (null == sizes)
                {
                    state.reallocStashed = table.remove(address, state.stash);
                    if (!state.reallocStashed)
                    {
                        counters.beforeStart.incrementAndGet();
                    }
                }
                else
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
            }
        }
        catch (final Throwable ex)
        {
            fail(ex);
        }
        finally
        {
            state.depth = 0;
        }
    }

    @Override
    public void reallocated(final long address, final long bytes, final long newAddress)
    {
        final ThreadState state = state();
        if (0 != state.depth)
        {
            return;
        }
        state.depth = 1;
        try
        {
            if (0 != newAddress)
            {
                if (recording)
                {
                    track(state, newAddress, bytes, Kind.REALLOC);
                }
            }
            else
            {
                // NOTE: the call threw, so the old block is still the caller's: put its record back.
                boolean restored = false;
                if (state.reallocStashed)
                {
                    final OwnerRecord old = state.stash;
                    restored = table.insert(
                        old.address(), old.size(), old.timestampNs(), old.threadRef(), old.stackId(), old.kind()) >= 0;
                    if (!restored)
                    {
                        counters.tableFull(old.kind(), old.size());
                    }
                }
                if (LiveSizes.NONE != state.reallocOld)
                {
                    final long old = state.reallocOld;
                    sizes.put(address, LiveSizes.pack(LiveSizes.size(old), LiveSizes.kind(old), restored));
                }
            }
            state.reallocStashed = false;
            state.reallocOld = LiveSizes.NONE;
        }
        catch (final Throwable ex)
        {
            fail(ex);
        }
        finally
        {
            state.depth = 0;
        }
    }

    @Override
    public int kindEnter(final int kind)
    {
        final ThreadState state = state();
        final int saved = state.marker;
        state.marker = saved | kind;
        return saved;
    }

    @Override
    public void kindExit(final int saved)
    {
        state().marker = saved;
    }

    @Override
    public void mapping(final String path, final long position)
    {
        final ThreadState state = state();
        state.mapPath = path;
        state.mapPosition = position;
        state.mapPending = true;
    }

    @Override
    public void mappingDone()
    {
        final ThreadState state = state();
        state.mapPath = null;
        state.mapPending = false;
    }

    @Override
    public void mapped(final long address, final long size, final int pagePosition)
    {
        final ThreadState state = state();
        final String path = state.mapPath;
        final long offset = state.mapPending ? state.mapPosition - pagePosition : -1;
        state.mapPath = null;
        state.mapPending = false;
        if (0 != state.depth)
        {
            counters.agentOwn.incrementAndGet();
            return;
        }
        state.depth = 1;
        try
        {
            if (recording)
            {
                // NOTE: the file before the record, so that a dump that sees the record finds its file;
                // taken back if the mapping is not recorded (paused, table full, not sampled).
                mappedFiles.put(address, path, offset);
                if (!track(state, address, size, Kind.MAPPED))
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
            state.depth = 0;
        }
    }

    @Override
    public void unmapping(final long address)
    {
        final ThreadState state = state();
        if (0 != state.depth)
        {
            return;
        }
        state.depth = 1;
        try
        {
            drop(address);
            mappedFiles.remove(address);
        }
        catch (final Throwable ex)
        {
            fail(ex);
        }
        finally
        {
            state.depth = 0;
        }
    }

    @Override
    public void suppressed(final Throwable throwable)
    {
        counters.suppressed.incrementAndGet();
        counters.firstError.compareAndSet(null, throwable);
    }

    @Override
    public void directMemoryExhausted()
    {
        final Runnable listener = directMemoryListener;
        if (null == listener)
        {
            return;
        }
        final ThreadState state = state();
        if (0 != state.depth)
        {
            return;
        }
        state.depth = 1;
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
            state.depth = 0;
        }
    }

    /**
     * Records a block, or counts why it cannot.
     *
     * @param stack the throwable the hook made for this allocation, or null to capture the stack here.
     * @return true if the block is in the table.
     */
    private boolean record(final ThreadState state, final long address, final long bytes, final int kind,
        final Throwable stack)
    {
        if (paused)
        {
            // NOTE: frees are still seen while paused, so the table stays true; this is just not recorded.
            counters.whileOff.incrementAndGet();
            counters.whileOffBytes.addAndGet(bytes);
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
        final long timestamp = System.nanoTime() - zeroNanos;
        if (table.insert(address, bytes, timestamp, threadRef(state), stackId, kind) < 0)
        {
            counters.tableFull(kind, bytes);
            return false;
        }
        return true;
    }

    /**
     * Tracks a block with the guard held, in whichever mode the recorder runs.
     *
     * @return true if the block is in the owner table.
     */
    private boolean track(final ThreadState state, final long address, final long bytes, final int kind)
    {
        return null == sizes ? record(state, address, bytes, kind, null) : recordSampled(state, address, bytes, kind);
    }

    /**
     * Sampled mode's allocation path. A block that is not sampled costs a count-down and an index
     * entry, with no guard (nothing here allocates off-heap); the sampled one takes the guarded path.
     */
    private void allocatedSampled(final LiveSizes live, final long address, final long bytes)
    {
        final ThreadState state = state();
        try
        {
            if (0 != state.depth)
            {
                // NOTE: the agent's own block: indexed with no kind, so that its free is not taken for one
                // of a block allocated before start, and counted nowhere else.
                counters.agentOwn.incrementAndGet();
                if (bytes <= LiveSizes.MAX_SIZE)
                {
                    live.put(address, LiveSizes.pack(bytes, 0, false));
                }
                return;
            }
            if (!recording)
            {
                return;
            }
            final int kind = state.takeKind();
            final long left = state.untilSample - bytes;
            if (left > 0 && !paused && bytes <= LiveSizes.MAX_SIZE)
            {
                state.untilSample = left;
                indexed(live, address, bytes, kind, false);
                return;
            }
            state.depth = 1;
            try
            {
                recordSampled(state, address, bytes, kind);
            }
            finally
            {
                state.depth = 0;
            }
        }
        catch (final Throwable ex)
        {
            fail(ex);
        }
    }

    /**
     * Sampled mode: drops a block from the index, and its record if it was sampled.
     */
    private void dropSampled(final LiveSizes live, final long address)
    {
        final long value = live.remove(address);
        if (LiveSizes.NONE == value)
        {
            counters.beforeStart.incrementAndGet();
        }
        else if (LiveSizes.sampled(value))
        {
            table.remove(address, null);
        }
    }

    /**
     * Sampled mode: counts a block down from the thread's interval, records it with its stack if it
     * is the one sampled, and puts it in {@link LiveSizes} either way.
     *
     * @return true if the block is in the owner table.
     */
    private boolean recordSampled(final ThreadState state, final long address, final long bytes, final int kind)
    {
        if (paused)
        {
            counters.whileOff.incrementAndGet();
            counters.whileOffBytes.addAndGet(bytes);
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
        if (!indexed(sizes, address, bytes, kind, recorded) && recorded)
        {
            // NOTE: a record whose block is not in the index would never see its free.
            table.remove(address, null);
            return false;
        }
        return recorded;
    }

    /**
     * Puts a block in the index: counts it as untracked if the index is full, and drops the record of
     * a block freed unseen at the same address.
     *
     * @return false if the index was full.
     */
    private boolean indexed(final LiveSizes live, final long address, final long bytes, final int kind, final boolean recorded)
    {
        final long stale = live.put(address, LiveSizes.pack(bytes, kind, recorded));
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

    /**
     * Drops the record of a block being freed or unmapped, counting a block it never saw.
     */
    private void drop(final long address)
    {
        if (null != sizes)
        {
            dropSampled(sizes, address);
            return;
        }
        if (!table.remove(address, null))
        {
            counters.beforeStart.incrementAndGet();
        }
    }

    /**
     * The next sampling interval of a thread: exponential with mean {@link #sampleBytes}, from the
     * thread's own xorshift generator (no shared state, no allocation).
     */
    private long nextInterval(final ThreadState state)
    {
        if (0 == sampleBytes)
        {
            return 0;
        }
        long x = state.seed;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        state.seed = x;
        // NOTE: u in (0, 1], so the log is finite.
        final double u = ((x >>> 11) + 1) * 0x1.0p-53;
        return Math.max(1, (long)(-Math.log(u) * sampleBytes));
    }

    private static long seed()
    {
        final long s = (System.nanoTime() ^ (CurrentThread.id() * 0x9E3779B97F4A7C15L)) * 0xBF58476D1CE4E5B9L;
        return 0 == s ? 0x2545F4914F6CDD1DL : s;
    }

    /**
     * The current thread's state: from the cache if its slot holds it, else from the ThreadLocal, and
     * then put in the cache.
     */
    private ThreadState state()
    {
        if (!CurrentThread.known())
        {
            return states.get();
        }
        final long tid = CurrentThread.id();
        final int slot = (int)tid & (STATE_CACHE - 1);
        final ThreadState cached = cache[slot];
        if (null != cached && cached.tid == tid)
        {
            return cached;
        }
        final ThreadState state = states.get();
        cache[slot] = state;
        return state;
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

    private void fail(final Throwable ex)
    {
        counters.error(ex);
        if (counters.errors.get() >= MAX_ERRORS)
        {
            recording = false;
            syncTakeStack();
        }
    }

    /**
     * Tells the hooks whether to take each allocation's stack themselves: only when full mode is
     * recording and the stack is read from a throwable, so that a paused or sampled recorder never
     * costs a stack walk. Each caller writes its flag before it calls this, and the lock orders the
     * calls, so the last of two at once (a pause and a failure) reads both flags and the value left is
     * never stale.
     */
    private synchronized void syncTakeStack()
    {
        takeStack = null == sizes && recording && !paused && StackCapture.readsThrowable();
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
        final int saved = state.depth;
        state.depth = saved + 1;
        try
        {
            return work.call();
        }
        finally
        {
            state.depth = saved;
        }
    }

    /**
     * Forgets every record, and in sampled mode every block of the live index, with the guard held.
     * Blocks allocated before are then counted as {@code before_start} when they are freed.
     *
     * @return the records removed.
     */
    public long clear()
    {
        final ThreadState state = state();
        state.depth++;
        try
        {
            final org.agrona.collections.LongArrayList addresses = new org.agrona.collections.LongArrayList();
            table.forEach(new OwnerRecord(), (final OwnerRecord record) -> addresses.addLong(record.address()));
            if (null != sizes)
            {
                sizes.clear();
            }
            long removed = 0;
            for (int i = 0; i < addresses.size(); i++)
            {
                if (table.remove(addresses.getLong(i), null))
                {
                    removed++;
                }
            }
            return removed;
        }
        finally
        {
            state.depth--;
        }
    }

    /**
     * Sampled mode: runs one sampled allocation and its free at a fake address, so that the classes of
     * the sampled path are loaded before the first real allocation needs them. Nothing in full mode.
     *
     * @param fakeAddress an address no real allocation has.
     */
    public void warmUpSampled(final long fakeAddress)
    {
        if (null == sizes)
        {
            return;
        }
        final ThreadState state = state();
        final long saved = state.untilSample;
        state.untilSample = 1;
        allocated(fakeAddress, 1);
        freeing(fakeAddress);
        state.untilSample = saved;
    }

    /**
     * Holds the guard on the current thread for good: for threads the agent owns.
     */
    public void enterAgentThread()
    {
        state().depth++;
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
        return sampleBytes;
    }

    /**
     * Every live block, sampled or not: sampled mode only.
     *
     * @return the index, or null in full mode.
     */
    public LiveSizes liveSizes()
    {
        return sizes;
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

    /**
     * Per-thread state: the guard, the capture buffer, the interned thread, a realloc stash, the kind
     * marker and what is being mapped.
     */
    static final class ThreadState
    {
        final StackCapture capture;
        /** The thread's id, or -1: the key of {@link Recorder#cache}. */
        final long tid;
        final OwnerRecord stash = new OwnerRecord();
        int depth;
        String threadName;
        int threadRef;
        boolean reallocStashed;
        /** Sampled mode: the {@link LiveSizes} value of the block being reallocated, or NONE. */
        long reallocOld = LiveSizes.NONE;
        /** Sampled mode: bytes this thread may still allocate before the next sample. */
        long untilSample;
        /** Sampled mode: the thread's xorshift state, never 0. */
        long seed;
        /** Kind bits set by the entry advice of the JDK method this thread is in; see {@link #takeKind()}. */
        int marker;
        /** The file of the mapping this thread is making, from {@code mapInternal}'s entry. */
        String mapPath;
        /** The position requested of that mapping. */
        long mapPosition;
        /** Whether {@link #mapPath} and {@link #mapPosition} describe a mapping in progress. */
        boolean mapPending;

        ThreadState(final StackCapture capture, final long tid)
        {
            this.capture = capture;
            this.tid = tid;
        }

        /**
         * The kind of the allocation being recorded, which uses up the marker: a marked method makes
         * one allocation, so a marker that outlived its method (an exit advice that never ran, as
         * when the agent is removed mid-call) mislabels one allocation at most. The exit advice
         * restores the outer marker in any case.
         */
        int takeKind()
        {
            final int marker = this.marker;
            this.marker = 0;
            return Kind.ofAllocation(marker);
        }
    }
}
