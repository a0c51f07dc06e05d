package io.pageowner.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.MemoryAddress;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One off-heap allocation page-owner recorded (in sampled mode, one sample), committed on the allocating thread
 * right after its record went into the owner table. JFR takes the stack at the commit, so its top frames are
 * page-owner's own ({@code io.pageowner.*}, {@code jdk.internal.misc.PageOwnerHooks}); the JDK's allocation method
 * and the application's frames follow below them.
 */
@Name(OffHeapAllocationEvent.NAME)
@Label("Off-Heap Allocation")
@Category({ JfrEvents.CATEGORY, JfrEvents.SUBCATEGORY })
@Description("An off-heap allocation (Unsafe, direct buffer, mapping, FFM arena, pooled buffer) recorded by " +
    "page-owner, with its stack; in sampled mode, one sampled allocation")
@Enabled(false)
@StackTrace(true)
public final class OffHeapAllocationEvent extends jdk.jfr.Event
{
    /** The event's name, as recordings and {@code jfr print --events} name it. */
    public static final String NAME = "io.pageowner.OffHeapAllocation";

    @Label("Kind")
    @Description("What made the block, as page-owner's dump names it: UNSAFE, DIRECT, MAPPED, ARENA, REALLOC, " +
        "POOLED, with modifiers NIO_TEMP, POOL_CHUNK, TOOL")
    String kind;

    @Label("Size")
    @Description("Bytes allocated")
    @DataAmount
    long size;

    @Label("Address")
    @Description("Start address of the block")
    @MemoryAddress
    long address;

    @Label("Pooled")
    @Description("A buffer a pool (Netty) handed out of one of its chunks: its bytes lie inside a chunk " +
        "recorded on its own")
    boolean pooled;
}
