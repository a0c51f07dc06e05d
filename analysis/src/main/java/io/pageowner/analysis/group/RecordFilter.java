package io.pageowner.analysis.group;

import io.pageowner.analysis.parse.RecordFields;
import io.pageowner.analysis.parse.RecordHeader;

/**
 * The filters of the command line ({@code --pid}, {@code --tgid}, {@code --name}, {@code --kind},
 * {@code --module}): a record passes if it matches each filter given. What its header decides is remembered on
 * the interned header, so each distinct header is tested once.
 */
final class RecordFilter
{
    private static final int UNDECIDED = 0;
    private static final int PASSES = 1;
    private static final int FAILS = 2;

    private final GroupOptions options;
    private final int filter;
    private final long minAge;
    private final long maxAge;
    private long dumpTs = -1;

    /**
     * A filter for the options of a run.
     *
     * @param options of the run.
     */
    RecordFilter(final GroupOptions options)
    {
        this.options = options;
        this.filter = options.filter();
        this.minAge = options.minAge();
        this.maxAge = options.maxAge();
    }

    /**
     * Set the dump's time on the records' clock, which ages are counted from.
     *
     * @param tsNanos the dump's time.
     */
    void dumpTime(final long tsNanos)
    {
        dumpTs = tsNanos;
    }

    /**
     * Whether an age filter was given.
     *
     * @return whether {@code --min-age} or {@code --max-age} was given.
     */
    boolean ageFilter()
    {
        return minAge >= 0 || maxAge >= 0;
    }

    /**
     * Whether any filter was given.
     *
     * @return whether any filter was given.
     */
    boolean active()
    {
        return filter != 0 || minAge >= 0 || maxAge >= 0;
    }

    /**
     * Whether a record passes the filters.
     *
     * @param record read.
     * @return whether it passes.
     */
    boolean passes(final RecordFields record)
    {
        if ((minAge >= 0 || maxAge >= 0) && !agePasses(record.timestamp))
        {
            return false;
        }
        final RecordHeader header = record.header;
        if (header.filterVerdict == UNDECIDED)
        {
            header.filterVerdict = passesHeaderFilters(header) ? PASSES : FAILS;
        }
        if (header.filterVerdict != PASSES)
        {
            return false;
        }
        if ((filter & SortKey.MODULE.bit()) != 0)
        {
            for (final String module : options.modules())
            {
                if (module.equals(record.module))
                {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    private boolean agePasses(final long timestamp)
    {
        // NOTE: a record stamped after the dump's time (it cannot be, in our dumps) has age 0.
        final long age = Long.compareUnsigned(timestamp, dumpTs) >= 0 ? 0 : dumpTs - timestamp;
        return (minAge < 0 || age >= minAge) && (maxAge < 0 || age <= maxAge);
    }

    private boolean passesHeaderFilters(final RecordHeader header)
    {
        if ((filter & SortKey.PID.bit()) != 0 && !contains(options.pids(), header.pid))
        {
            return false;
        }
        if ((filter & SortKey.TGID.bit()) != 0 && !contains(options.tgids(), header.tgid))
        {
            return false;
        }
        if ((filter & SortKey.NAME.bit()) != 0 && !contains(options.names(), header.comm))
        {
            return false;
        }
        if ((filter & SortKey.KIND.bit()) != 0)
        {
            final String[] kinds = options.kinds();
            return anyKind(header, kinds, 0 == kinds.length) && !anyKind(header, options.notKinds(), false);
        }
        return true;
    }

    private static boolean anyKind(final RecordHeader header, final String[] kinds, final boolean ifNone)
    {
        if (0 == kinds.length)
        {
            return ifNone;
        }
        for (final String wanted : kinds)
        {
            for (final String name : header.kindNames)
            {
                if (name.equalsIgnoreCase(wanted))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean contains(final int[] values, final int value)
    {
        for (final int v : values)
        {
            if (v == value)
            {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(final String[] values, final String value)
    {
        for (final String v : values)
        {
            if (v.equals(value))
            {
                return true;
            }
        }
        return false;
    }
}
