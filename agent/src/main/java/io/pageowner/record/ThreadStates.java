package io.pageowner.record;

import io.pageowner.depot.StackCapture;
import io.pageowner.table.CurrentThread;

/**
 * Finds the current thread's {@link ThreadState}, making it on the thread's first event: its capture
 * buffer, its sampling seed and first interval.
 */
final class ThreadStates
{
    /** Slots of the per-thread state cache, by thread id; a power of two. */
    static final int CACHE = 1024;
    /** Golden-ratio increment that spreads thread ids over the seed space. */
    private static final long SEED_SPREAD = 0x9E3779B97F4A7C15L;

    private final Recording mode;
    private final int depth;
    private final ClassLoader agentLoader;
    private final Class<?> hooksClass;
    /** The seed every thread's generator derives from, or 0 to take it from the clock. */
    private final long seed;
    // NOTE: an anonymous class, not withInitial(this::create): a lambda bootstraps method handles at start.
    private final ThreadLocal<ThreadState> states = new ThreadLocal<>()
    {
        @Override
        protected ThreadState initialValue()
        {
            return create();
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
    private final ThreadState[] cache = new ThreadState[CACHE];

    /**
     * Creates the lookup.
     *
     * @param mode        that draws each new thread's first sampling interval.
     * @param depth       frames kept per stack.
     * @param agentLoader whose frames are left out of stacks.
     * @param hooksClass  the hooks class, whose frames are left out too.
     * @param seed        every thread's generator derives from it and the thread's id; 0 for the clock.
     */
    ThreadStates(
        final Recording mode,
        final int depth,
        final ClassLoader agentLoader,
        final Class<?> hooksClass,
        final long seed)
    {
        this.mode = mode;
        this.depth = depth;
        this.agentLoader = agentLoader;
        this.hooksClass = hooksClass;
        this.seed = seed;
    }

    /**
     * The current thread's state: from the cache if its slot holds it, else from the ThreadLocal, and
     * then put in the cache.
     *
     * @return the state, only ever used by this thread.
     */
    ThreadState current()
    {
        if (!CurrentThread.known())
        {
            return states.get();
        }
        final long tid = CurrentThread.id();
        final int slot = (int)tid & (CACHE - 1);
        final ThreadState cached = cache[slot];
        if (null != cached && cached.tid == tid)
        {
            return cached;
        }
        final ThreadState state = states.get();
        cache[slot] = state;
        return state;
    }

    private ThreadState create()
    {
        final long tid = CurrentThread.id();
        final long base = 0 != seed ? seed : System.nanoTime();
        final long mixed = (base ^ (tid * SEED_SPREAD)) * 0xBF58476D1CE4E5B9L;
        final ThreadState state = new ThreadState(
            StackCapture.create(depth, agentLoader, hooksClass),
            mode.table.tally(),
            tid,
            0 == mixed ? 0x2545F4914F6CDD1DL : mixed);
        state.untilSample = mode.nextInterval(state);
        final Thread thread = Thread.currentThread();
        if (ThreadState.ATTACH_LISTENER.equals(thread.getName()) && thread.isDaemon())
        {
            // NOTE: the JVM's thread that runs what attaching tools ask (jcmd, and page-owner's CLI starting the
            // JMX agent): everything it allocates is a tool's.
            state.servesTool = true;
            state.toolKind = Kind.TOOL;
        }
        return state;
    }
}
