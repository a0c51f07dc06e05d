package io.pageowner.sort;

/**
 * One output group: its key, the fields of the first record seen in it (the representative, as the kernel's
 * sorter keeps the first record of a run of equal ones), and the sums over its records.
 * <p>
 * The sums {@link #times}, {@link #pages} and {@link #bytes} count records as they are. A sampled dump's records
 * also carry a weight, the number of allocations each stands for; the weighted sums are kept in a {@link Weighted}
 * made at the group's first record whose weight is not 1, so an unsampled dump costs no more than before.
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
    Weighted weighted;

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
        final double weight = record.weight;
        if (null != weighted || weight != 1.0)
        {
            Weighted w = weighted;
            if (null == w)
            {
                // NOTE: every record before this one had weight 1, so the weighted sums so far are the plain ones.
                w = new Weighted(times, pages, bytes);
                weighted = w;
            }
            w.times += weight;
            w.pages += weight * record.header.pages;
            w.bytes += weight * record.bytes;
        }
        times++;
        pages += record.header.pages;
        bytes += record.bytes;
        if (Long.compareUnsigned(record.timestamp, minTimestamp) < 0)
        {
            minTimestamp = record.timestamp;
        }
    }

    /**
     * Estimated number of allocations: the sum of the weights (each record 1 without a weight).
     *
     * @return the estimate.
     */
    double estimatedTimes()
    {
        return null == weighted ? times : weighted.times;
    }

    /**
     * Estimated pages: the sum of weight &times; 2^order.
     *
     * @return the estimate.
     */
    double estimatedPages()
    {
        return null == weighted ? pages : weighted.pages;
    }

    /**
     * Estimated bytes: the sum of weight &times; bytes.
     *
     * @return the estimate.
     */
    double estimatedBytes()
    {
        return null == weighted ? bytes : weighted.bytes;
    }

    /**
     * The weighted sums of a group that holds a record whose weight is not 1.
     */
    static final class Weighted
    {
        double times;
        double pages;
        double bytes;

        Weighted(final double times, final double pages, final double bytes)
        {
            this.times = times;
            this.pages = pages;
            this.bytes = bytes;
        }
    }
}
