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
 * The live off-heap allocations of one kind, one event per kind each period, as the JDK's
 * {@code jdk.NativeMemoryUsage} has one per memory type.
 */
@Name(OffHeapUsageEvent.NAME)
@Label("Off-Heap Usage")
@Category({ JfrEvents.CATEGORY, JfrEvents.SUBCATEGORY })
@Description("Live off-heap allocations tracked by page-owner of one kind; a block counts under its kind and " +
    "under each of its modifiers")
@Enabled(false)
@StackTrace(false)
@Period("1 s")
public final class OffHeapUsageEvent extends jdk.jfr.Event
{
    /** The event's name. */
    public static final String NAME = "io.pageowner.OffHeapUsage";

    @Label("Kind")
    @Description("UNSAFE, DIRECT, MAPPED, ARENA, REALLOC, POOLED, or a modifier: NIO_TEMP, POOL_CHUNK, TOOL")
    String kind;

    @Label("Live Allocations")
    @Description("Live blocks of this kind")
    long allocations;

    @Label("Live Bytes")
    @Description("Bytes of the live blocks of this kind")
    @DataAmount
    long bytes;
}
