package io.pageowner.record;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the recorder could not track, and why: the table was full, a free came for an address
 * allocated before the agent started, or tracking was paused. These events are rare in a healthy run (a full table,
 * a free of memory allocated before the agent started), so plain atomics are cheap enough.
 */
public final class Counters
{
    /** Allocations not recorded because the owner table was full. */
    final AtomicLong tableFull = new AtomicLong();
    /** Bytes of those allocations. */
    final AtomicLong tableFullBytes = new AtomicLong();
    /** Frees (and reallocs) of addresses never recorded: allocated before start, or unseen. */
    final AtomicLong beforeStart = new AtomicLong();
    /** Allocations the agent itself made while recording, dumping or serving JMX: never recorded. */
    final AtomicLong agentOwn = new AtomicLong();
    /** Allocations made while tracking was paused: never recorded. */
    final AtomicLong whileOff = new AtomicLong();
    /** Bytes of those allocations. */
    final AtomicLong whileOffBytes = new AtomicLong();
    /** Throwables caught inside the recorder. */
    final AtomicLong errors = new AtomicLong();
    /** Throwables swallowed by the advice's exception handler. */
    final AtomicLong suppressed = new AtomicLong();
    /** The JDK's buffer pools when the agent started: memory allocated before it, never attributed. */
    private volatile Map<String, Long> atStart = Map.of();
    /** The first error, kept for the log. */
    final AtomicReference<Throwable> firstError = new AtomicReference<>();
    /** The pools' recorder's counters, whose counts join these ({@link Kind#POOLED} named apart), or null. */
    private volatile Counters pools;

    /**
     * Counts an error and keeps the first one.
     *
     * @param error caught.
     */
    /** Per kind bit: allocations not recorded because the table was full, then their bytes. */
    private final AtomicLongArray tableFullByKind = new AtomicLongArray(2 * Kind.BITS);

    /**
     * Counts an allocation that the table had no room for, under its total and each of its kind bits.
     *
     * @param kind  its kind flags.
     * @param bytes its size.
     */
    void tableFull(final int kind, final long bytes)
    {
        tableFull.incrementAndGet();
        tableFullBytes.addAndGet(bytes);
        for (int bit = 0; bit < Kind.BITS; bit++)
        {
            if (0 != (kind & (1 << bit)))
            {
                tableFullByKind.incrementAndGet(2 * bit);
                tableFullByKind.addAndGet(2 * bit + 1, bytes);
            }
        }
    }

    /**
     * What the table had no room for, per kind: count and bytes of each kind that has any.
     *
     * @return kind name to {count, bytes}, in kind order.
     */
    public Map<String, long[]> tableFullByKind()
    {
        final Counters p = pools;
        final Map<String, long[]> result = new LinkedHashMap<>();
        for (int bit = 0; bit < Kind.BITS; bit++)
        {
            long count = tableFullByKind.get(2 * bit);
            long bytes = tableFullByKind.get(2 * bit + 1);
            if (null != p)
            {
                count += p.tableFullByKind.get(2 * bit);
                bytes += p.tableFullByKind.get(2 * bit + 1);
            }
            if (count > 0)
            {
                result.put(Kind.name(bit), new long[]{ count, bytes });
            }
        }
        return result;
    }

    /**
     * Lets the pools' recorder's counts join these: its table full, before start and while off counts are added to
     * the totals and named apart ({@code table_full_POOLED}, {@code before_start_POOLED}, {@code while_off_POOLED}),
     * and its errors join the suppressed ones.
     *
     * @param follower the pools' recorder's counters.
     */
    void follow(final Counters follower)
    {
        pools = follower;
    }

    void error(final Throwable error)
    {
        errors.incrementAndGet();
        firstError.compareAndSet(null, error);
    }

    /**
     * Allocations the agent could not track.
     *
     * @return the total over every reason.
     */
    public long untracked()
    {
        final Counters p = pools;
        return tableFull.get() + beforeStart.get() + whileOff.get() + (null == p ? 0 : p.untracked());
    }

    /**
     * The counts by reason, for the MBean and the dump's trailer; after them, for each kind that the
     * table had no room for, {@code table_full_<KIND>} and {@code table_full_<KIND>_bytes}.
     *
     * @return reason to count.
     */
    public Map<String, Long> untrackedByReason()
    {
        final Counters p = pools;
        final Counters none = null == p ? new Counters() : p;
        final Map<String, Long> result = new LinkedHashMap<>();
        result.put("table_full", tableFull.get() + none.tableFull.get());
        result.put("table_full_bytes", tableFullBytes.get() + none.tableFullBytes.get());
        result.put("before_start", beforeStart.get() + none.beforeStart.get());
        result.put("while_off", whileOff.get() + none.whileOff.get());
        result.put("while_off_bytes", whileOffBytes.get() + none.whileOffBytes.get());
        result.put("agent_own", agentOwn.get() + none.agentOwn.get());
        for (final Map.Entry<String, long[]> e : tableFullByKind().entrySet())
        {
            result.put("table_full_" + e.getKey(), e.getValue()[0]);
            result.put("table_full_" + e.getKey() + "_bytes", e.getValue()[1]);
        }
        // NOTE: the pools' own, named apart as the table's are per kind; like those, only when there are any.
        final String pooled = Kind.name(Integer.numberOfTrailingZeros(Kind.POOLED));
        if (0 != none.beforeStart.get())
        {
            result.put("before_start_" + pooled, none.beforeStart.get());
        }
        if (0 != none.whileOff.get())
        {
            result.put("while_off_" + pooled, none.whileOff.get());
            result.put("while_off_" + pooled + "_bytes", none.whileOffBytes.get());
        }
        return result;
    }

    /**
     * Throwables caught in the recorder or swallowed by advice.
     *
     * @return the count; 0 in a healthy run.
     */
    public long suppressedErrors()
    {
        final Counters p = pools;
        return errors.get() + suppressed.get() + (null == p ? 0 : p.suppressedErrors());
    }

    /**
     * Keeps the JDK's buffer-pool figures as they were when the agent started.
     *
     * @param pools from {@code MemoryFigures.jdkBufferPools()}.
     */
    public void atStart(final Map<String, Long> pools)
    {
        atStart = Map.copyOf(pools);
    }

    /**
     * The JDK's buffer pools when the agent started (direct and mapped: count, totalCapacity,
     * memoryUsed): what existed before tracking began, like the kernel's early-allocated pages.
     *
     * @return pool figure name to value; empty until known.
     */
    public Map<String, Long> atStart()
    {
        return atStart;
    }

    /**
     * Zeroes every count (after the agent's own warm-up).
     */
    public void reset()
    {
        tableFull.set(0);
        tableFullBytes.set(0);
        for (int i = 0; i < tableFullByKind.length(); i++)
        {
            tableFullByKind.set(i, 0);
        }
        beforeStart.set(0);
        agentOwn.set(0);
        whileOff.set(0);
        whileOffBytes.set(0);
        errors.set(0);
        suppressed.set(0);
        firstError.set(null);
    }

    /**
     * The first error caught, for the log.
     *
     * @return it, or null.
     */
    public Throwable firstError()
    {
        final Counters p = pools;
        final Throwable first = firstError.get();
        return null != first || null == p ? first : p.firstError();
    }
}
