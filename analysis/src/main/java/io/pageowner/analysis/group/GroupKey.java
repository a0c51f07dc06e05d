package io.pageowner.analysis.group;

import io.pageowner.analysis.parse.RecordFields;
import io.pageowner.analysis.parse.StringIds;

/**
 * The group key of the record being read, reused from record to record: the ids of the fields culled on, or of
 * the whole text when there is no cull.
 */
final class GroupKey
{
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
     * Set the key from the fields of a record for a cull selection.
     *
     * @param record   read, with its header and stack interned.
     * @param cull     selection as {@link SortKey#bit()} bits, 0 for the whole text.
     * @param frameIds id space of top frames.
     */
    void make(final RecordFields record, final int cull, final StringIds frameIds)
    {
        if (cull == 0)
        {
            keyHeaderId = record.header.id;
            keyTs = record.tsKey;
            keyStackId = record.stack.id;
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
        keyStackId = (cull & SortKey.STACKTRACE.bit()) != 0 ? record.stack.id : 0;
        keyPid = (cull & SortKey.PID.bit()) != 0 ? record.header.pid : 0;
        keyTgid = (cull & SortKey.TGID.bit()) != 0 ? record.header.tgid : 0;
        keyCommId = (cull & SortKey.NAME.bit()) != 0 ? record.header.commId : 0;
        keyModuleId = (cull & SortKey.MODULE.bit()) != 0 ? record.moduleId : 0;
        keyAllocator = (cull & SortKey.ALLOCATOR.bit()) != 0 ? record.allocator : 0;
        keyKindId = (cull & SortKey.KIND.bit()) != 0 ? record.header.kindId : 0;
        keyFrameId = (cull & SortKey.FRAME.bit()) != 0 ? record.stack.topFrameId(frameIds) : 0;
    }

    /**
     * Hash of the key.
     *
     * @return hash of the key.
     */
    int hash()
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
