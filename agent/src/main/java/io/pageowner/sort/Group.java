package io.pageowner.sort;

/**
 * One output group: its key, the fields of the first record seen in it (the representative, as the kernel's
 * sorter keeps the first record of a run of equal ones), and the sums over its records.
 */
final class Group
{
    final int headerId;
    final long tsKey;
    final int stackId;
    final int pid;
    final int tgid;
    final int commId;
    final int moduleId;
    final int allocator;
    final int kindId;
    final int frameId;
    final int hash;

    final RecordHeader header;
    final long representativeTs;
    final StackText stack;
    final String module;
    final int representativeAllocator;
    final long firstSeen;

    long times;
    long pages;
    long bytes;
    long minTimestamp = -1L;

    Group(final RecordFields key, final int hash, final long firstSeen)
    {
        this.headerId = key.keyHeaderId;
        this.tsKey = key.keyTs;
        this.stackId = key.keyStackId;
        this.pid = key.keyPid;
        this.tgid = key.keyTgid;
        this.commId = key.keyCommId;
        this.moduleId = key.keyModuleId;
        this.allocator = key.keyAllocator;
        this.kindId = key.keyKindId;
        this.frameId = key.keyFrameId;
        this.hash = hash;

        this.header = key.header;
        this.representativeTs = key.tsKey;
        this.stack = key.stack;
        this.module = key.module;
        this.representativeAllocator = key.allocator;
        this.firstSeen = firstSeen;
    }

    boolean matches(final RecordFields key, final int hash)
    {
        return this.hash == hash &&
            headerId == key.keyHeaderId &&
            tsKey == key.keyTs &&
            stackId == key.keyStackId &&
            pid == key.keyPid &&
            tgid == key.keyTgid &&
            commId == key.keyCommId &&
            moduleId == key.keyModuleId &&
            allocator == key.keyAllocator &&
            kindId == key.keyKindId &&
            frameId == key.keyFrameId;
    }

    void add(final RecordFields record)
    {
        times++;
        pages += record.header.pages;
        bytes += record.bytes;
        if (Long.compareUnsigned(record.timestamp, minTimestamp) < 0)
        {
            minTimestamp = record.timestamp;
        }
    }
}
