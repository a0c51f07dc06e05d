package io.pageowner.sort;

/**
 * The fields of the record being read, reused from record to record, and the group key derived from them.
 */
final class RecordFields
{
    static final int ALLOCATOR_CMA = 1 << 1;
    static final int ALLOCATOR_SLAB = 1 << 2;
    static final int ALLOCATOR_VMALLOC = 1 << 3;
    static final int ALLOCATOR_OTHERS = 1 << 4;

    RecordHeader header;
    StackText stack;
    long tsKey;
    long timestamp;
    long bytes;
    /** Allocations the record stands for: its {@code weight=}, or 1 if it has none. */
    double weight = 1.0;
    /** Whether the record carried a {@code weight=}. */
    boolean hasWeight;
    int allocator;
    String module;
    int moduleId;

    int keyHeaderId;
    long keyTs;
    int keyStackId;
    int keyPid;
    int keyTgid;
    int keyCommId;
    int keyModuleId;
    int keyAllocator;
    int keyKindId;
    int keyFrameId;

    /**
     * Set the key fields from the record fields for a cull selection.
     *
     * @param cull     selection as {@link SortOptions#bit(SortKey)} bits, 0 for the whole text.
     * @param frameIds id space of top frames.
     */
    void makeKey(final int cull, final StringIds frameIds)
    {
        if (cull == 0)
        {
            keyHeaderId = header.id;
            keyTs = tsKey;
            keyStackId = stack.id;
            keyPid = 0;
            keyTgid = 0;
            keyCommId = 0;
            keyModuleId = 0;
            keyAllocator = 0;
            keyKindId = 0;
            keyFrameId = 0;
            return;
        }
        keyHeaderId = 0;
        keyTs = 0;
        keyStackId = (cull & SortOptions.bit(SortKey.STACKTRACE)) != 0 ? stack.id : 0;
        keyPid = (cull & SortOptions.bit(SortKey.PID)) != 0 ? header.pid : 0;
        keyTgid = (cull & SortOptions.bit(SortKey.TGID)) != 0 ? header.tgid : 0;
        keyCommId = (cull & SortOptions.bit(SortKey.NAME)) != 0 ? header.commId : 0;
        keyModuleId = (cull & SortOptions.bit(SortKey.MODULE)) != 0 ? moduleId : 0;
        keyAllocator = (cull & SortOptions.bit(SortKey.ALLOCATOR)) != 0 ? allocator : 0;
        keyKindId = (cull & SortOptions.bit(SortKey.KIND)) != 0 ? header.kindId : 0;
        keyFrameId = (cull & SortOptions.bit(SortKey.FRAME)) != 0 ? stack.topFrameId(frameIds) : 0;
    }

    int keyHash()
    {
        long h = keyHeaderId * 0x9E3779B97F4A7C15L;
        h = (h ^ keyTs) * 0xBF58476D1CE4E5B9L;
        h = (h ^ keyStackId) * 0x94D049BB133111EBL;
        h = (h ^ keyPid) * 0x9E3779B97F4A7C15L;
        h = (h ^ keyTgid) * 0xBF58476D1CE4E5B9L;
        h = (h ^ keyCommId) * 0x94D049BB133111EBL;
        h = (h ^ keyModuleId) * 0x9E3779B97F4A7C15L;
        h = (h ^ keyAllocator) * 0xBF58476D1CE4E5B9L;
        h = (h ^ keyKindId) * 0x94D049BB133111EBL;
        h = (h ^ keyFrameId) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 31;
        return (int)(h ^ (h >>> 32));
    }
}
