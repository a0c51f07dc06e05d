package io.pageowner.record;

import io.pageowner.depot.StackCapture;
import io.pageowner.table.LiveSizes;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.ThreadTally;
import jdk.internal.misc.Unsafe;

/**
 * Per-thread state of the {@link Recorder}: the guard, the capture buffer, the interned thread, a
 * realloc stash, the sampling count-down, the kind marker and what is being mapped. Only its own
 * thread reads or writes it, so its fields are plain.
 * <p>
 * <b>The guard</b> is the {@link #depth} and the four methods that change it, and nothing else
 * touches it: an event takes it with {@link #enter()} and gives it back with {@link #exit()}, so that
 * whatever the recorder allocates off-heap while it works is the agent's own and never recorded;
 * agent work nests with {@link #enterAgent()} and {@link #exitAgent(int)}, and a thread the agent
 * owns holds it for good with {@link #holdForGood()}.
 */
final class ThreadState
{
    /** How many NIO temporary blocks a thread remembers until it serves the tool: NIO reads a request with one. */
    static final int RECENT_TEMPS = 4;
    /** The name of the JVM's thread that serves attaching tools ({@code jcmd}, {@code jstack}, page-owner's CLI). */
    static final String ATTACH_LISTENER = "Attach Listener";

    private static final Unsafe UNSAFE = Unsafe.getUnsafe();
    private static final long POOL_ACQUIRED = UNSAFE.objectFieldOffset(ThreadState.class, "poolAcquired");
    private static final long POOL_ACQUIRED_BYTES = UNSAFE.objectFieldOffset(ThreadState.class, "poolAcquiredBytes");
    private static final long POOL_RELEASED = UNSAFE.objectFieldOffset(ThreadState.class, "poolReleased");
    private static final long POOL_RELEASED_BYTES = UNSAFE.objectFieldOffset(ThreadState.class, "poolReleasedBytes");

    final StackCapture capture;
    /** This thread's share of the owner table's live totals: an insert or remove through it adds no atomics. */
    final ThreadTally tally;
    /** The thread's id, or -1: the key of the recorder's state cache. */
    final long tid;
    final OwnerRecord stash = new OwnerRecord();
    /** The guard: 0 while the application owns this thread's allocations, above 0 while the agent does. */
    private int depth;
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

    /** Whether this thread has served a call on page-owner's MBean: its NIO temporary buffers are the tool's. */
    boolean servesTool;
    /** {@link Kind#TOOL} on the JVM's attach listener, all of whose allocations are tools'; else 0. */
    int toolKind;
    /** The last {@link #RECENT_TEMPS} {@link Kind#NIO_TEMP} blocks this thread allocated before it served one. */
    final long[] recentTemps = new long[RECENT_TEMPS];
    private int nextTemp;

    /**
     * Pools' sampled mode ({@link PoolLive}): pooled buffers this thread acquired, ever. Acquisitions and releases
     * are counted apart, each figure only growing (a buffer released by another thread counts there), so that a
     * dump that reads every thread's releases before any acquisition never finds more released than acquired;
     * the acquired bytes are also sampling's count-down ({@link #poolSampleAt}). Written by this thread only,
     * read by a dump on another.
     */
    private long poolAcquired;
    /** Pools' sampled mode: the bytes of {@link #poolAcquired}'s buffers. */
    private long poolAcquiredBytes;
    /** Pools' sampled mode: pooled buffers this thread released, ever. */
    private long poolReleased;
    /** Pools' sampled mode: the bytes of {@link #poolReleased}'s buffers. */
    private long poolReleasedBytes;
    /**
     * Pools' sampled mode: the figure of {@link #poolAcquiredBytes} at which this thread's next pooled buffer is
     * sampled; 0 until {@link PoolLive} has the thread, so that its first acquisition takes the rare path.
     */
    long poolSampleAt;
    /** Full mode: the last time {@link RecordClock} read for this thread, to tell whether it allocates fast. */
    long lastStampNanos;
    /** Full mode: readings in a row, each soon after the one before; see {@link RecordClock}. */
    int busyStamps;
    /** Whether {@link PoolLive} sums this thread's pool figures. */
    boolean poolCounted;

    ThreadState(final StackCapture capture, final ThreadTally tally, final long tid, final long seed)
    {
        this.capture = capture;
        this.tally = tally;
        this.tid = tid;
        this.seed = seed;
    }

    /**
     * Whether the agent owns this thread's allocations now: the guard is held.
     *
     * @return true inside an event, agent work or an agent thread.
     */
    boolean held()
    {
        return 0 != depth;
    }

    /**
     * Takes the guard for one event, unless it is held already.
     *
     * @return true if taken: the caller must {@link #exit()} in a finally block.
     */
    boolean enter()
    {
        if (0 != depth)
        {
            return false;
        }
        depth = 1;
        return true;
    }

    /**
     * Gives back the guard an {@link #enter()} took.
     */
    void exit()
    {
        depth = 0;
    }

    /**
     * Takes the guard for agent work, which may nest in an event or other agent work.
     *
     * @return the depth before, for {@link #exitAgent(int)}.
     */
    int enterAgent()
    {
        final int saved = depth;
        depth = saved + 1;
        return saved;
    }

    /**
     * Ends agent work.
     *
     * @param saved what {@link #enterAgent()} returned.
     */
    void exitAgent(final int saved)
    {
        depth = saved;
    }

    /**
     * Holds the guard until the thread ends: for threads the agent owns.
     */
    void holdForGood()
    {
        depth++;
    }

    /**
     * The kind of the allocation being recorded, which uses up the marker: a marked method makes
     * one allocation, so a marker that outlived its method (an exit advice that never ran, as
     * when the agent is removed mid-call) mislabels one allocation at most. The exit advice
     * restores the outer marker in any case. On the JVM's attach listener the kind also carries
     * {@link Kind#TOOL}.
     *
     * @return the kind flags.
     */
    int takeKind()
    {
        final int marker = this.marker;
        this.marker = 0;
        return Kind.ofAllocation(marker) | toolKind;
    }

    /**
     * The kind of a {@link Kind#NIO_TEMP} block this thread allocates: with {@link Kind#TOOL} once the thread has
     * served the tool; until then the block is remembered, so that serving the tool can mark it.
     *
     * @param address of the block.
     * @param kind    its kind, with {@code NIO_TEMP}.
     * @return the kind to record.
     */
    int nioTemp(final long address, final int kind)
    {
        if (servesTool)
        {
            return kind | Kind.TOOL;
        }
        recentTemps[nextTemp] = address;
        nextTemp = (nextTemp + 1) % RECENT_TEMPS;
        return kind;
    }

    /**
     * Adds kind bits to the marker, as a marked JDK method is entered.
     *
     * @param kind bits to add.
     * @return the marker before, to restore as the method exits.
     */
    int mark(final int kind)
    {
        final int saved = marker;
        marker = saved | kind;
        return saved;
    }

    /**
     * Notes the mapping this thread is about to make.
     *
     * @param path     of the file, may be null.
     * @param position requested in the file.
     */
    void mapping(final String path, final long position)
    {
        mapPath = path;
        mapPosition = position;
        mapPending = true;
    }

    /**
     * Forgets the mapping in progress: it is done, or was just recorded.
     */
    void mappingDone()
    {
        mapPath = null;
        mapPending = false;
    }

    /**
     * Forgets a realloc's stash: the realloc is over, or a new one starts.
     */
    void clearStash()
    {
        reallocStashed = false;
        reallocOld = LiveSizes.NONE;
    }

    /**
     * Counts a pooled buffer this thread acquired. Opaque stores: a plain {@code mov} on x86, which the compiler may
     * neither drop nor sink out of a loop, so a dump on another thread sees them.
     *
     * @param bytes the buffer's size.
     * @return the bytes this thread has acquired, this buffer's included.
     */
    long poolAcquire(final long bytes)
    {
        final long total = poolAcquiredBytes + bytes;
        UNSAFE.putLongOpaque(this, POOL_ACQUIRED_BYTES, total);
        UNSAFE.putLongOpaque(this, POOL_ACQUIRED, poolAcquired + 1);
        return total;
    }

    /**
     * Counts a pooled buffer this thread released, or one it acquired that is taken out of the totals again.
     * Release stores (a plain {@code mov} on x86 too): a dump that reads them with acquire loads also sees the
     * acquisition of every buffer whose release it sees, which happened before it.
     *
     * @param bytes the buffer's size.
     */
    void poolRelease(final long bytes)
    {
        UNSAFE.putLongRelease(this, POOL_RELEASED_BYTES, poolReleasedBytes + bytes);
        UNSAFE.putLongRelease(this, POOL_RELEASED, poolReleased + 1);
    }

    /**
     * Pooled buffers this thread acquired, read from another thread after its releases.
     *
     * @return the count, ever.
     */
    long poolAcquired()
    {
        return UNSAFE.getLongOpaque(this, POOL_ACQUIRED);
    }

    /**
     * The bytes of {@link #poolAcquired()}'s buffers, read from another thread after its releases.
     *
     * @return the bytes, ever.
     */
    long poolAcquiredBytes()
    {
        return UNSAFE.getLongOpaque(this, POOL_ACQUIRED_BYTES);
    }

    /**
     * Pooled buffers this thread released, read from another thread.
     *
     * @return the count, ever.
     */
    long poolReleased()
    {
        return UNSAFE.getLongAcquire(this, POOL_RELEASED);
    }

    /**
     * The bytes of {@link #poolReleased()}'s buffers, read from another thread.
     *
     * @return the bytes, ever.
     */
    long poolReleasedBytes()
    {
        return UNSAFE.getLongAcquire(this, POOL_RELEASED_BYTES);
    }
}
