package io.pageowner.record;

import jdk.internal.misc.Unsafe;

import java.util.concurrent.locks.LockSupport;

/**
 * The clock full mode stamps its records with. {@code System.nanoTime()} costs some 27 ns a call on a {@code kvm-clock}
 * guest, a fifth of what full mode adds to an allocation besides the VM's stack walk. So while a thread allocates
 * faster than a reading pays for, a daemon thread ({@code page-owner-clock}) publishes the time every millisecond and
 * records take that value:
 * <ul>
 * <li>a thread that allocates {@link #BUSY_RUN} times in a row with less than {@link #BUSY_GAP_NANOS} between
 * stamps starts the ticking; it lasts {@link #TICKS} ticks (a second), then the clock stops and every record reads
 * the time itself again, until a thread is that busy again. The ticking costs about 12 us of CPU a millisecond
 * on the hosts measured, less than the readings it saves at that rate (27 ns each, one per 2 us or less);</li>
 * <li>while it ticks, a record's time is the last tick: up to a millisecond early (more if the host does not run the
 * ticking thread on time), never late;</li>
 * <li>{@link #fence()}, which a dump calls for its own time, moves the published time past that instant, so that
 * a record made after a dump started is stamped after it, as with the exact clock (the dump leaves such records
 * out by their stamp).</li>
 * </ul>
 * Sampled mode reads the time itself for each of its few records. One clock serves every recorder; it holds
 * {@code System.nanoTime()} values, from which each recorder takes its own zero.
 */
public final class RecordClock
{
    /** Most nanoseconds between two stamps of a thread that count towards starting the ticking. */
    static final long BUSY_GAP_NANOS = 2_000;
    /** Stamps in a row, each within {@link #BUSY_GAP_NANOS} of the one before, that start the ticking. */
    static final int BUSY_RUN = 64;
    /** The ticking's period. */
    static final long TICK_NANOS = 1_000_000;
    /** Ticks per start: then the clock stops until a thread is busy again. */
    static final int TICKS = 1_000;

    /** The published time while ticking; {@link #STOPPED} otherwise. */
    static final long STOPPED = Long.MIN_VALUE;

    private static final Unsafe UNSAFE = Unsafe.getUnsafe();
    private static final long TIME = UNSAFE.objectFieldOffset(RecordClock.class, "time");
    private static final long WANTED = UNSAFE.objectFieldOffset(RecordClock.class, "wanted");

    /**
     * The clock every recorder shares. {@code -Dpageowner.clock.busyGapNanos=} replaces {@link #BUSY_GAP_NANOS}, for
     * tests that must have it tick on a host of any speed (a large value) or never (0).
     */
    private static final RecordClock SHARED =
        new RecordClock(busyGap(System.getProperty("pageowner.clock.busyGapNanos")), BUSY_RUN, TICK_NANOS, TICKS);

    private final long busyGapNanos;
    private final int busyRun;
    private final long tickNanos;
    private final int ticks;

    /** Read on every record while ticking, written by the ticking thread once a tick. */
    private volatile long time = STOPPED;

    /** Set by the thread that starts the ticking, cleared by the ticker when it stops. */
    private volatile boolean wanted;
    /** The ticking thread, made by {@link #prepare()}, started at the first start. */
    private volatile Thread ticker;
    private volatile boolean running;
    /** Set when the ticking thread could not run: then every record reads the time itself. */
    private volatile boolean broken;
    private volatile long starts;

    RecordClock(final long busyGapNanos, final int busyRun, final long tickNanos, final int ticks)
    {
        this.busyGapNanos = busyGapNanos;
        this.busyRun = busyRun;
        this.tickNanos = tickNanos;
        this.ticks = ticks;
    }

    static long busyGap(final String property)
    {
        try
        {
            return null == property ? BUSY_GAP_NANOS : Math.max(0, Long.parseLong(property.trim()));
        }
        catch (final NumberFormatException ex)
        {
            return BUSY_GAP_NANOS;
        }
    }

    /**
     * The clock every recorder in this JVM shares.
     *
     * @return it.
     */
    static RecordClock shared()
    {
        return SHARED;
    }

    /**
     * Makes the shared clock's ticking thread, not yet started: full mode's control thread calls it as it starts
     * (see {@link #prepare()}); until then the clock reads the time for every record.
     */
    public static void prepareShared()
    {
        SHARED.prepare();
    }

    /**
     * Makes the ticking thread, not yet started, unless made already: on the agent's own thread, a stack of the
     * JDK's and the agent's frames, never inside an allocation, so that the thread holds nothing of the
     * application's: no inheritable thread-local, no context class loader, and on JDKs with a security manager no
     * access-control context naming the application's classes, which would keep their class loader alive for good.
     * Not on start-up's path either: making a thread takes 0.4-0.7 ms.
     */
    synchronized void prepare()
    {
        if (null == ticker)
        {
            final Thread thread = new Thread(null, new Ticker(this), "page-owner-clock", 0, false);
            thread.setDaemon(true);
            thread.setContextClassLoader(null);
            ticker = thread;
        }
    }

    /**
     * The time for a dump (or anything that compares it with records' stamps): {@code System.nanoTime()} now, with
     * every record made from now on stamped later than it.
     *
     * @return {@code System.nanoTime()}.
     */
    public static long fence()
    {
        return SHARED.fenceNow();
    }

    /**
     * The time to stamp a record made now on a thread: the published tick while ticking, else read now.
     *
     * @param state the recording thread's state, whose last readings tell whether it is busy.
     * @return a {@code System.nanoTime()} value.
     */
    long stamp(final ThreadState state)
    {
        final long published = time;
        return STOPPED != published ? published : read(state);
    }

    /**
     * Whether the clock is ticking now.
     *
     * @return true while the published time is used.
     */
    boolean ticking()
    {
        return STOPPED != time;
    }

    /**
     * How many times the ticking started.
     *
     * @return the count.
     */
    long starts()
    {
        return starts;
    }

    long fenceNow()
    {
        final long now = System.nanoTime();
        raise(now + 1);
        return now;
    }

    private long read(final ThreadState state)
    {
        final long now = System.nanoTime();
        final long gap = now - state.lastStampNanos;
        state.lastStampNanos = now;
        if (gap < 0 || gap >= busyGapNanos)
        {
            state.busyStamps = 0;
        }
        else if (++state.busyStamps >= busyRun)
        {
            state.busyStamps = 0;
            start();
        }
        return now;
    }

    /**
     * Starts the ticking, unless it runs or a start is under way. Never throws: if the thread cannot run, the
     * clock stays exact for good.
     */
    private void start()
    {
        if (broken || wanted || !UNSAFE.compareAndSetBoolean(this, WANTED, false, true))
        {
            return;
        }
        final Thread thread = ticker;
        try
        {
            // NOTE: one start at a time: only the winner of the flag gets here, and the ticker clears it only once
            // it runs.
            if (null == thread)
            {
                // NOTE: not made yet: exact for now, and a later busy run tries again.
                wanted = false;
            }
            else if (!running)
            {
                running = true;
                thread.start();
            }
            else
            {
                LockSupport.unpark(thread);
            }
        }
        catch (final Throwable ex)
        {
            broken = true;
        }
    }

    private void tickForever()
    {
        while (true)
        {
            if (!wanted)
            {
                LockSupport.park(this);
                continue;
            }
            starts++;
            for (int i = 0; i < ticks; i++)
            {
                raise(System.nanoTime());
                LockSupport.parkNanos(this, tickNanos);
            }
            // NOTE: in this order, so that a fence that saw it wanted either raises a time that STOPPED then
            // overwrites, or finds it unwanted and leaves STOPPED alone; never a time left published unticked.
            wanted = false;
            time = STOPPED;
        }
    }

    /**
     * Publishes a time while ticking, never moving the published time back.
     */
    private void raise(final long now)
    {
        long current = time;
        while (wanted && (STOPPED == current || current < now))
        {
            if (UNSAFE.compareAndSetLong(this, TIME, current, now))
            {
                return;
            }
            current = time;
        }
    }

    /** The ticking thread's task; a class rather than a lambda, which would be linked inside an allocation. */
    private static final class Ticker implements Runnable
    {
        private final RecordClock clock;

        Ticker(final RecordClock clock)
        {
            this.clock = clock;
        }

        @Override
        public void run()
        {
            clock.tickForever();
        }
    }
}
