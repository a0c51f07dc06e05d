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
        final Map<String, long[]> result = new LinkedHashMap<>();
        for (int bit = 0; bit < Kind.BITS; bit++)
        {
            final long count = tableFullByKind.get(2 * bit);
            if (count > 0)
            {
                result.put(Kind.name(bit), new long[]{ count, tableFullByKind.get(2 * bit + 1) });
            }
        }
        return result;
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
        return tableFull.get() + beforeStart.get() + whileOff.get();
    }

    /**
     * The counts by reason, for the MBean and the dump's trailer; after them, for each kind that the
     * table had no room for, {@code table_full_<KIND>} and {@code table_full_<KIND>_bytes}.
     *
     * @return reason to count.
     */
    public Map<String, Long> untrackedByReason()
    {
        final Map<String, Long> result = new LinkedHashMap<>();
        result.put("table_full", tableFull.get());
        result.put("table_full_bytes", tableFullBytes.get());
        result.put("before_start", beforeStart.get());
        result.put("while_off", whileOff.get());
        result.put("while_off_bytes", whileOffBytes.get());
        result.put("agent_own", agentOwn.get());
        for (final Map.Entry<String, long[]> e : tableFullByKind().entrySet())
        {
            result.put("table_full_" + e.getKey(), e.getValue()[0]);
            result.put("table_full_" + e.getKey() + "_bytes", e.getValue()[1]);
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
        return errors.get() + suppressed.get();
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
        return firstError.get();
    }
}
