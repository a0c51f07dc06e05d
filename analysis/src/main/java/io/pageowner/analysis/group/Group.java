package io.pageowner.analysis.group;

import io.pageowner.analysis.parse.RecordFields;
import io.pageowner.analysis.parse.RecordHeader;
import io.pageowner.analysis.parse.StackText;
/**
 * One output group: its key, the fields of the first record seen in it (the representative, as the kernel's
 * sorter keeps the first record of a run of equal ones), and the sums over its records.
 * <p>
 * The sums {@link #times}, {@link #pages} and {@link #bytes} count records as they are. A sampled dump's records
 * also carry a weight, the number of allocations each stands for; the weighted sums are kept in a {@link Weighted}
 * made at the group's first record whose weight is not 1, so an unsampled dump costs no more than before.
 */
public final class Group
{
    public final int headerId;
    public final long tsKey;
    public final int stackId;
    public final int pid;
    public final int tgid;
    public final int commId;
    public final int moduleId;
    public final int allocator;
    public final int kindId;
    public final int frameId;
    public final int hash;

    public final RecordHeader header;
    public final long representativeTs;
    public final StackText stack;
    public final String module;
    public final int representativeAllocator;
    public final long firstSeen;

    public long times;
    public long pages;
    public long bytes;
    public long minTimestamp = -1L;
    public Weighted weighted;

    public Group(final GroupKey key, final RecordFields record, final int hash, final long firstSeen)
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

        this.header = record.header;
        this.representativeTs = record.tsKey;
        this.stack = record.stack;
        this.module = record.module;
        this.representativeAllocator = record.allocator;
        this.firstSeen = firstSeen;
    }

    public boolean matches(final GroupKey key, final int hash)
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

    public void add(final RecordFields record)
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
    public double estimatedTimes()
    {
        return null == weighted ? times : weighted.times;
    }

    /**
     * Estimated pages: the sum of weight &times; 2^order.
     *
     * @return the estimate.
     */
    public double estimatedPages()
    {
        return null == weighted ? pages : weighted.pages;
    }

    /**
     * Estimated bytes: the sum of weight &times; bytes.
     *
     * @return the estimate.
     */
    public double estimatedBytes()
    {
        return null == weighted ? bytes : weighted.bytes;
    }

    /**
     * The weighted sums of a group that holds a record whose weight is not 1.
     */
    public static final class Weighted
    {
        public double times;
        public double pages;
        public double bytes;

        Weighted(final double times, final double pages, final double bytes)
        {
            this.times = times;
            this.pages = pages;
            this.bytes = bytes;
        }
    }
}
