package io.pageowner.instrument;

import io.pageowner.depot.StackCapture;
import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTable;
import jdk.internal.misc.PageOwnerSink;

import java.util.concurrent.Callable;

/**
 * Receives every off-heap event from the hooks and keeps the owner table up to date: on an
 * allocation it captures the stack, interns it and the thread, and inserts a record; on a free it
 * removes the record. It never throws (everything is caught and counted) and never records the
 * agent's own allocations: a per-thread depth guard is held while it works, and while the agent
 * writes dumps or serves JMX on any thread.
 */
public final class Recorder extends PageOwnerSink
{
    /** After this many caught errors the recorder stops recording rather than keep failing. */
    static final int MAX_ERRORS = 1000;

    private final OwnerTable table;
    private final StackDepot stacks;
    private final ThreadDepot threads;
    private final Counters counters = new Counters();
    private final MappedFiles mappedFiles = new MappedFiles();
    private final int depth;
    private final long zeroNanos;
    private final ClassLoader agentLoader;
    private final Class<?> hooksClass;
    private final ThreadLocal<ThreadState> states = new ThreadLocal<>()
    {
        @Override
        protected ThreadState initialValue()
        {
            return new ThreadState(StackCapture.create(depth, agentLoader, hooksClass));
        }
    };
    private volatile boolean recording = true;
    private volatile boolean paused;
    private volatile Runnable directMemoryListener;

    /**
     * Creates a recorder.
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
        this.table = table;
        this.stacks = stacks;
        this.threads = threads;
        this.depth = depth;
        this.zeroNanos = zeroNanos;
        this.agentLoader = agentLoader;
        this.hooksClass = hooksClass;
    }

    @Override
    public void allocated(final long address, final long bytes)
    {
        final ThreadState state = states.get();
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
                record(state, address, bytes, state.takeKind());
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
        final ThreadState state = states.get();
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
        final ThreadState state = states.get();
        if (0 != state.depth)
        {
            return;
        }
        state.depth = 1;
        try
        {
            state.reallocStashed = false;
            // NOTE: realloc(p, 0) frees p through freeMemory, whose advice drops the record.
            if (0 != address && 0 != bytes)
            {
                state.reallocStashed = table.remove(address, state.stash);
                if (!state.reallocStashed)
                {
                    counters.beforeStart.incrementAndGet();
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
        final ThreadState state = states.get();
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
                    record(state, newAddress, bytes, Kind.REALLOC);
                }
            }
            else if (state.reallocStashed)
            {
                // NOTE: the call threw, so the old block is still the caller's: put its record back.
                final OwnerRecord old = state.stash;
                if (table.insert(old.address(), old.size(), old.timestampNs(), old.threadRef(), old.stackId(), old.kind()) < 0)
                {
                    counters.tableFull.incrementAndGet();
                    counters.tableFullBytes.addAndGet(old.size());
                }
            }
            state.reallocStashed = false;
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
        final ThreadState state = states.get();
        final int saved = state.marker;
        state.marker = saved | kind;
        return saved;
    }

    @Override
    public void kindExit(final int saved)
    {
        states.get().marker = saved;
    }

    @Override
    public void mapping(final String path, final long position)
    {
        final ThreadState state = states.get();
        state.mapPath = path;
        state.mapPosition = position;
        state.mapPending = true;
    }

    @Override
    public void mappingDone()
    {
        final ThreadState state = states.get();
        state.mapPath = null;
        state.mapPending = false;
    }

    @Override
    public void mapped(final long address, final long size, final int pagePosition)
    {
        final ThreadState state = states.get();
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
                // taken back if the mapping is not recorded (paused, table full).
                mappedFiles.put(address, path, offset);
                if (!record(state, address, size, Kind.MAPPED))
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
        final ThreadState state = states.get();
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
        final ThreadState state = states.get();
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
     * @return true if the block is in the table.
     */
    private boolean record(final ThreadState state, final long address, final long bytes, final int kind)
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
            stackId = stacks.intern(capture.capture());
        }
        finally
        {
            capture.clear();
        }
        final long timestamp = System.nanoTime() - zeroNanos;
        if (table.insert(address, bytes, timestamp, threadRef(state), stackId, kind) < 0)
        {
            counters.tableFull.incrementAndGet();
            counters.tableFullBytes.addAndGet(bytes);
            return false;
        }
        return true;
    }

    /**
     * Drops the record of a block being freed or unmapped, counting a block it never saw.
     */
    private void drop(final long address)
    {
        if (!table.remove(address, null))
        {
            counters.beforeStart.incrementAndGet();
        }
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
        final ThreadState state = states.get();
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
     * Holds the guard on the current thread for good: for threads the agent owns.
     */
    public void enterAgentThread()
    {
        states.get().depth++;
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
        final OwnerRecord stash = new OwnerRecord();
        int depth;
        String threadName;
        int threadRef;
        boolean reallocStashed;
        /** Kind bits set by the entry advice of the JDK method this thread is in; see {@link #takeKind()}. */
        int marker;
        /** The file of the mapping this thread is making, from {@code mapInternal}'s entry. */
        String mapPath;
        /** The position requested of that mapping. */
        long mapPosition;
        /** Whether {@link #mapPath} and {@link #mapPosition} describe a mapping in progress. */
        boolean mapPending;

        ThreadState(final StackCapture capture)
        {
            this.capture = capture;
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
