package io.pageowner.analysis.parse;

/**
 * The fields of the record being read, reused from record to record.
 */
public final class RecordFields
{
    public static final int ALLOCATOR_CMA = 1 << 1;
    public static final int ALLOCATOR_SLAB = 1 << 2;
    public static final int ALLOCATOR_VMALLOC = 1 << 3;
    public static final int ALLOCATOR_OTHERS = 1 << 4;

    public RecordHeader header;
    public StackText stack;
    public long tsKey;
    public long timestamp;
    public long bytes;
    /** Allocations the record stands for: its {@code weight=}, or 1 if it has none. */
    public double weight = 1.0;
    /** Whether the record carried a {@code weight=}. */
    public boolean hasWeight;
    public int allocator;
    public String module;
    public int moduleId;
}
