package io.pageowner.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * page-owner's live totals each period, beside what it cannot see: what it could not track, the JDK's own direct and
 * mapped buffer pools, and the process's resident memory. The same figures as the MBean's attributes.
 */
@Name(OffHeapSummaryEvent.NAME)
@Label("Off-Heap Summary")
@Category({ JfrEvents.CATEGORY, JfrEvents.SUBCATEGORY })
@Description("Live off-heap allocations tracked by page-owner, untracked allocations, the JDK's direct and " +
    "mapped buffer pools and the process's resident memory")
@Enabled(false)
@StackTrace(false)
@Period("1 s")
public final class OffHeapSummaryEvent extends jdk.jfr.Event
{
    /** The event's name. */
    public static final String NAME = "io.pageowner.OffHeapSummary";

    @Label("Live Allocations")
    @Description("Live blocks tracked, pooled buffers not included (their bytes lie inside chunks counted here)")
    long allocations;

    @Label("Live Bytes")
    @Description("Bytes of the live blocks tracked")
    @DataAmount
    long bytes;

    @Label("Untracked")
    @Description("Allocations and frees page-owner could not attribute: table full, freed but allocated " +
        "before it started, made while paused")
    long untracked;

    @Label("Sample Interval")
    @Description("Mean bytes between sampled allocations; 0 when every allocation is recorded")
    @DataAmount
    long sampleBytes;

    @Label("Resident Set Size")
    @Description("The process's VmRSS; -1 where it cannot be read")
    @DataAmount
    long rss;

    @Label("Direct Buffers")
    @Description("The JDK's direct buffer pool: buffers")
    long directCount;

    @Label("Direct Buffer Memory")
    @Description("The JDK's direct buffer pool: memory used")
    @DataAmount
    long directMemoryUsed;

    @Label("Mapped Buffers")
    @Description("The JDK's mapped buffer pool: buffers")
    long mappedCount;

    @Label("Mapped Buffer Memory")
    @Description("The JDK's mapped buffer pool: memory used")
    @DataAmount
    long mappedMemoryUsed;
}
