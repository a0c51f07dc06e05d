package io.pageowner.table;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;
import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of the off-heap memory of an {@link OwnerTable}: an index allocated whole at start, and record slots in
 * segments allocated as the high-water mark reaches them (see {@link #requiredLength(int)}).
 */
public final class OwnerTableDescriptor
{
    /**
     * Offset of the start address ({@code long}) within a record slot.
     */
    public static final int ADDRESS_OFFSET = 0;

    /**
     * Offset of the size in bytes and the kind ({@code long}: size in the low {@link #SIZE_BITS} bits, kind in the
     * high {@link #KIND_BITS}) within a record slot.
     */
    public static final int SIZE_AND_KIND_OFFSET = ADDRESS_OFFSET + SIZE_OF_LONG;

    /**
     * Bits of the size-and-kind long that hold the size.
     * <p>
     * The kind shares a long with the size (sizes need 48 bits: user space on x86-64 and aarch64 is below 2^48, so no
     * allocation can be larger), so the slot stays a multiple of 8 bytes with every long naturally aligned and no
     * column beside it, while the state word keeps all 32 bits for its sequence
     * (a narrower sequence would let a stalled reader see the same value after the slot was reused). A size above
     * {@link #MAX_SIZE} is not recorded: the insert returns -1 and the header counts it, so nothing is truncated.
     */
    public static final int SIZE_BITS = 48;

    /**
     * Largest size in bytes a record can hold: {@code 2^48 - 1}, above any allocation in a 48-bit user space.
     */
    public static final long MAX_SIZE = (1L << SIZE_BITS) - 1;

    /**
     * Bits of the size-and-kind long that hold the kind, above the size.
     */
    public static final int KIND_BITS = Long.SIZE - SIZE_BITS;

    /**
     * Offset of the allocation timestamp in nanoseconds ({@code long}) within a record slot.
     */
    public static final int TIMESTAMP_OFFSET = SIZE_AND_KIND_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the caller's interned thread reference ({@code int}) within a record slot.
     */
    public static final int THREAD_REF_OFFSET = TIMESTAMP_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the caller's stack depot id ({@code int}) within a record slot.
     */
    public static final int STACK_ID_OFFSET = THREAD_REF_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the sequence-lock state word ({@code int}, odd = live) within a record slot.
     */
    public static final int STATE_OFFSET = STACK_ID_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the link ({@code int}, slot + 1, 0 = none) to the next slot of a bucket chain or of the free list.
     */
    public static final int NEXT_OFFSET = STATE_OFFSET + SIZE_OF_INT;

    /**
     * Length of a record slot in bytes.
     * <p>
     * A record slot is 8-byte aligned, at {@code recordOffset(slot & mask)} in its segment:
     * <pre>
     *   0                   1                   2                   3
     *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *  |                      Address (start byte)                     |
     *  |                                                               |
     *  +---------------------------------------------------------------+
     *  |                  Size in bytes, bits 0 to 31                  |
     *  +-------------------------------+-------------------------------+
     *  |     Size, bits 32 to 47       |  Kind (unsigned 16 bits)      |
     *  +-------------------------------+-------------------------------+
     *  |                          Timestamp ns                         |
     *  |                                                               |
     *  +---------------------------------------------------------------+
     *  |                           Thread Ref                          |
     *  +---------------------------------------------------------------+
     *  |                            Stack Id                           |
     *  +---------------------------------------------------------------+
     *  |                     State (sequence, odd = live)              |
     *  +---------------------------------------------------------------+
     *  |          Next (slot + 1 in a bucket chain or the free list)   |
     *  +---------------------------------------------------------------+
     * </pre>
     * The state word is a sequence lock: even means free, odd means live, and it is incremented on every insert and
     * every remove. A reader acquires it, reads the fields, and accepts them only if the word is unchanged and odd.
     * The size-and-kind long holds the size in its low {@link #SIZE_BITS} bits and the unsigned 16-bit kind in its
     * high {@link #KIND_BITS}; it is written with the other fields before the state word is released, so the
     * sequence lock covers both.
     */
    public static final int RECORD_LENGTH = NEXT_OFFSET + SIZE_OF_INT;

    /**
     * Alignment in bytes of each record slot, so that its longs are naturally aligned.
     */
    public static final int ALIGNMENT = SIZE_OF_LONG;

    /**
     * Largest kind a record can hold (unsigned 16 bits).
     */
    public static final int MAX_KIND = (1 << KIND_BITS) - 1;

    /**
     * Length in bytes of one bucket word.
     * <p>
     * One bucket word per {@link #RECORDS_PER_BUCKET} slots:
     * <pre>
     *   0                   1                   2                   3
     *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *  |         Chain head (slot + 1, 0 = empty)          |  Large  |L|
     *  +---------------------------------------------------+---------+-+
     * </pre>
     * {@code L} ({@link #BUCKET_LOCK_BIT}, bit 31, the sign bit) is a spin lock held while a chain is walked or
     * changed; links are slot + 1 so that zeroed memory reads as empty. {@code Large} (bits 26 to 30) counts the
     * records above level 0 whose start granule hashes to this bucket at level 0, i.e. whose level-0 "home" this is;
     * it saturates at {@link #BUCKET_LARGE_COUNT_MAX} and then stays there. While it is 0, a remove or the stale check
     * of an insert knows from this one word that no upper level needs probing, so small records cost one bucket.
     */
    public static final int BUCKET_LENGTH = SIZE_OF_INT;

    /**
     * Record slots per bucket of the index; a power of two no larger than {@link OwnerTable#MIN_CAPACITY}.
     * <p>
     * Two slots per bucket make chains twice as long for the same number of records (on average at most two keys per
     * bucket in a full table, instead of one). Small records already share chains with their granule's neighbours, so
     * an insert, a remove or a lookup walks a few more links of slots that are mostly cached; halving the index
     * saves 2 bytes per record.
     */
    public static final int RECORDS_PER_BUCKET = 2;

    /**
     * Off-heap bytes per record slot, counting its share of the bucket index.
     * <p>
     * {@link #RECORD_LENGTH} (40) + {@link #BUCKET_LENGTH} (4) / {@link #RECORDS_PER_BUCKET} (2) =
     * {@link #BYTES_PER_RECORD} (42) bytes, with one bucket per two record slots; the rest is a fixed
     * {@link #FIXED_LENGTH} bytes per table and one 8-byte directory entry per segment. The bucket index (2 bytes per
     * slot) is sized from the capacity at start, since a concurrent index cannot be rehashed cheaply; the slots (40
     * bytes each) are paid for only up to the most records ever live at once, rounded up to a segment of at most
     * {@code 2^}{@value #MAX_SEGMENT_SHIFT} slots (320 KiB), so the capacity ({@code max_records=}) is a cap rather
     * than a cost. A directory entry is 0 until its segment is allocated and zeroed, then set once by compare-and-set
     * and never changed until the table is closed.
     */
    public static final int BYTES_PER_RECORD = RECORD_LENGTH + (BUCKET_LENGTH / RECORDS_PER_BUCKET);

    /**
     * Link value meaning "no slot", in chains, in bucket heads and in the free list.
     */
    public static final int NULL_LINK = 0;

    /**
     * Bit of a bucket word that is set while its chain is locked.
     */
    public static final int BUCKET_LOCK_BIT = 0x8000_0000;

    /**
     * Bits of a bucket word that hold the chain head.
     */
    public static final int BUCKET_LINK_MASK = 0x03FF_FFFF;

    /**
     * Position of the lowest bit of the large-record count in a bucket word.
     */
    public static final int BUCKET_LARGE_COUNT_SHIFT = 26;

    /**
     * Bits of a bucket word that hold the count of upper-level records at home in this bucket.
     */
    public static final int BUCKET_LARGE_COUNT_MASK = 0x7C00_0000;

    /**
     * Value at which the large-record count of a bucket saturates and stops changing.
     */
    public static final int BUCKET_LARGE_COUNT_MAX = BUCKET_LARGE_COUNT_MASK >>> BUCKET_LARGE_COUNT_SHIFT;

    /**
     * Log2 of {@link #GRANULE_LENGTH}.
     */
    public static final int GRANULE_SHIFT = 8;

    /**
     * Unit in bytes in which the bucket index measures addresses.
     */
    public static final int GRANULE_LENGTH = 1 << GRANULE_SHIFT;

    /**
     * Log2 of the growth in maximum span from one index level to the next.
     * <p>
     * A record is indexed under the start of its range, in units of {@link #GRANULE_LENGTH}
     * bytes, at a level chosen from its span: level {@code n} holds records spanning at most
     * {@code 2^(LEVEL_BITS * (n + 1))} granules and is keyed by {@code startGranule >>> (LEVEL_BITS * n)}. A lookup
     * of an interior address therefore probes at most {@code 2^LEVEL_BITS + 1} keys per level in use, however large
     * the records are, and sub-page granules keep chains short when many small allocations share a page. A record
     * above level 0 is also counted in the bucket word of its level-0 key, its home, so that finding a record by its
     * start address costs one bucket for a small record and two for a large one.
     */
    public static final int LEVEL_BITS = 5;

    /**
     * Number of index levels the header has room for: enough for any span of a 64-bit address space.
     */
    public static final int MAX_LEVELS = 16;

    /**
     * Offset in the header of the high-water mark ({@code int}): slots below it have been handed out at least once.
     */
    public static final int HIGH_WATER_MARK_OFFSET = 0;

    /**
     * Offset in the header of the count of live records replaced by an insert at the same address ({@code long}).
     */
    public static final int STALE_REPLACED_OFFSET = HIGH_WATER_MARK_OFFSET + CACHE_LINE_LENGTH;

    /**
     * Offset in the header of the count of inserts rejected because their size was above {@link #MAX_SIZE}
     * ({@code long}); it shares the rarely written line of {@link #STALE_REPLACED_OFFSET}.
     */
    public static final int OVERSIZE_REJECTED_OFFSET = STALE_REPLACED_OFFSET + SIZE_OF_LONG;

    /**
     * Offset in the header of the mask of index levels ever used ({@code int}).
     */
    public static final int LEVEL_MASK_OFFSET = STALE_REPLACED_OFFSET + CACHE_LINE_LENGTH;

    /**
     * Offset in the header of the per-level maximum span in granules ({@code long} each, only grows).
     */
    public static final int MAX_SPAN_OFFSET = LEVEL_MASK_OFFSET + SIZE_OF_LONG;

    /**
     * Length of the header in bytes, a whole number of cache lines.
     * <p>
     * Each contended word of the header is on its own cache line:
     * <pre>
     *   0                   1                   2                   3
     *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *  |              High-water mark (slots ever handed out)          |  HIGH_WATER_MARK_OFFSET
     *  +---------------------------------------------------------------+
     *  |                       ... pad to 64 ...                      ...
     *  +---------------------------------------------------------------+
     *  |                     Stale records replaced                    |  STALE_REPLACED_OFFSET
     *  |                                                               |
     *  +---------------------------------------------------------------+
     *  |               Inserts rejected: size above MAX_SIZE           |  OVERSIZE_REJECTED_OFFSET
     *  |                                                               |
     *  +---------------------------------------------------------------+
     *  |                       ... pad to 64 ...                      ...
     *  +---------------------------------------------------------------+
     *  |                 Level mask (bit n: level n used)              |  LEVEL_MASK_OFFSET
     *  +---------------------------------------------------------------+
     *  |                            Padding                            |
     *  +---------------------------------------------------------------+
     *  |         Max span in granules, one long per level (16)        ...  MAX_SPAN_OFFSET
     * ...                                                              |
     *  +---------------------------------------------------------------+
     * </pre>
     */
    public static final int HEADER_LENGTH =
        (MAX_SPAN_OFFSET + (MAX_LEVELS * SIZE_OF_LONG) + CACHE_LINE_LENGTH - 1) & -CACHE_LINE_LENGTH;

    /**
     * Number of stripes (live totals and a free list each); a power of two.
     */
    public static final int COUNTER_STRIPES = 32;

    /**
     * Length of one stripe in bytes: a cache line, so stripes do not share lines.
     * <p>
     * There are {@link #COUNTER_STRIPES} stripes, the stripe chosen by the id of the thread that inserts or
     * removes: each holds live totals and a free list of its own, so threads with
     * different stripes never write the same line on the hot path (one shared free list head cost a cross-core
     * transfer per insert and per remove with two threads recording):
     * <pre>
     *   0                   1                   2                   3
     *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *  |                        Records inserted                       |
     *  |                                                               |
     *  +---------------------------------------------------------------+
     *  |                         Bytes inserted                        |
     *  |                                                               |
     *  +---------------------------------------------------------------+
     *  |                         Pages inserted                        |
     *  |                                                               |
     *  +---------------------------------------------------------------+
     *  |                Free list top (slot + 1, 0 = empty)            |
     *  +---------------------------------------------------------------+
     *  |                Free list ABA tag (pop/push count)             |
     *  +---------------------------------------------------------------+
     *  |                        Records removed                        |
     *  |                                                               |
     *  +---------------------------------------------------------------+
     *  |                         Bytes removed                         |
     *  |                                                               |
     *  +---------------------------------------------------------------+
     *  |                         Pages removed                         |
     *  |                                                               |
     *  +---------------------------------------------------------------+
     *  |                     ... pad to 64 bytes ...                  ...
     *  +---------------------------------------------------------------+
     * </pre>
     * The figures only grow: a reader of the live totals sums every removal (here and in the threads' tallies)
     * before any insertion, so that a record inserted by one thread and removed by another while it reads is never
     * taken off without being added, and the totals never read below the records live throughout the reading.
     * <p>
     * A free list head is a single long so that the top slot and its ABA tag change in one compare-and-set, as in a
     * Treiber stack. A slot freed by one thread and needed by another moves between stripes: an insert whose own
     * list is empty takes from the other stripes' lists before it claims a slot never used.
     */
    public static final int STRIPE_LENGTH = CACHE_LINE_LENGTH;

    /**
     * Offset within a stripe of the records inserted through it ({@code long}).
     */
    public static final int STRIPE_INSERTED_COUNT_OFFSET = 0;

    /**
     * Offset within a stripe of the bytes inserted through it ({@code long}).
     */
    public static final int STRIPE_INSERTED_BYTES_OFFSET = STRIPE_INSERTED_COUNT_OFFSET + SIZE_OF_LONG;

    /**
     * Offset within a stripe of the pages inserted through it ({@code long}).
     */
    public static final int STRIPE_INSERTED_PAGES_OFFSET = STRIPE_INSERTED_BYTES_OFFSET + SIZE_OF_LONG;

    /**
     * Offset within a stripe of its free list head ({@code long}: ABA tag in the high half, slot + 1 in the low).
     */
    public static final int STRIPE_FREE_LIST_OFFSET = STRIPE_INSERTED_PAGES_OFFSET + SIZE_OF_LONG;

    /**
     * Offset within a stripe of the records removed through it ({@code long}).
     */
    public static final int STRIPE_REMOVED_COUNT_OFFSET = STRIPE_FREE_LIST_OFFSET + SIZE_OF_LONG;

    /**
     * Offset within a stripe of the bytes removed through it ({@code long}).
     */
    public static final int STRIPE_REMOVED_BYTES_OFFSET = STRIPE_REMOVED_COUNT_OFFSET + SIZE_OF_LONG;

    /**
     * Offset within a stripe of the pages removed through it ({@code long}).
     */
    public static final int STRIPE_REMOVED_PAGES_OFFSET = STRIPE_REMOVED_BYTES_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the first stripe from the start of the table memory.
     */
    public static final int COUNTERS_OFFSET = HEADER_LENGTH;

    /**
     * Offset of the segment directory from the start of the index memory: one {@code long} per segment, its
     * address, 0 until it is allocated.
     */
    public static final int DIRECTORY_OFFSET = COUNTERS_OFFSET + (COUNTER_STRIPES * STRIPE_LENGTH);

    /**
     * Length in bytes of one entry of the segment directory.
     */
    public static final int DIRECTORY_ENTRY_LENGTH = SIZE_OF_LONG;

    /**
     * Log2 of the most record slots a segment holds: 8 192 slots, 320 KiB.
     */
    public static final int MAX_SEGMENT_SHIFT = 13;

    /**
     * Bytes of index memory that do not depend on capacity.
     */
    public static final int FIXED_LENGTH = DIRECTORY_OFFSET;

    /**
     * Largest capacity: its memory fits one buffer of at most {@link Integer#MAX_VALUE} bytes, and slot + 1 fits
     * {@link #BUCKET_LINK_MASK}.
     */
    public static final int MAX_CAPACITY = 1 << 25;

    private OwnerTableDescriptor()
    {
    }

    /**
     * The offset of a record slot from the start of its segment.
     *
     * @param slotInSegment index of the record within its segment: {@code slot & ((1 << segmentShift) - 1)}.
     * @return offset of the record slot in its segment.
     */
    public static int recordOffset(final int slotInSegment)
    {
        return slotInSegment * RECORD_LENGTH;
    }

    /**
     * Log2 of the record slots per segment for a capacity.
     *
     * @param capacity of the table in records, a power of two.
     * @return log2 of the slots per segment: {@link #MAX_SEGMENT_SHIFT}, or less for a smaller capacity.
     */
    public static int segmentShift(final int capacity)
    {
        return Math.min(MAX_SEGMENT_SHIFT, Integer.numberOfTrailingZeros(capacity));
    }

    /**
     * The number of segments, and of directory entries, for a capacity.
     *
     * @param capacity of the table in records, a power of two.
     * @return number of segments when every slot is in use.
     */
    public static int segmentCount(final int capacity)
    {
        return capacity >>> segmentShift(capacity);
    }

    /**
     * The length in bytes of one segment of record slots.
     *
     * @param capacity of the table in records, a power of two.
     * @return bytes per segment.
     */
    public static int segmentLength(final int capacity)
    {
        return (1 << segmentShift(capacity)) * RECORD_LENGTH;
    }

    /**
     * The offset of the bucket index from the start of the index memory.
     *
     * @param capacity of the table in records, a power of two.
     * @return offset of bucket 0.
     */
    public static int bucketsOffset(final int capacity)
    {
        return DIRECTORY_OFFSET + (segmentCount(capacity) * DIRECTORY_ENTRY_LENGTH);
    }

    /**
     * The number of buckets of the index for a capacity.
     *
     * @param capacity of the table in records, a power of two of at least {@link #RECORDS_PER_BUCKET}.
     * @return number of buckets.
     */
    public static int bucketCount(final int capacity)
    {
        return capacity / RECORDS_PER_BUCKET;
    }

    /**
     * The number of bytes of index memory, allocated at start, for a capacity; segments come on top.
     * <p>
     * The index holds in order a header, the striped live counters, the segment directory and the bucket index;
     * the record slots are in segments of {@code 2^segmentShift(capacity)} slots:
     * <pre>
     *  Index, requiredLength(capacity) bytes:          Segment n, segmentLength(capacity) bytes:
     *  +--------------------------+ 0                  +--------------------------+ 0
     *  | Header                   | HEADER_LENGTH      | Record slot n * 2^shift  | RECORD_LENGTH bytes
     *  +--------------------------+ COUNTERS_OFFSET    +--------------------------+
     *  | Stripes                  | COUNTER_STRIPES    | ...                      |
     *  |                          |   * STRIPE_LENGTH  +--------------------------+
     *  +--------------------------+ DIRECTORY_OFFSET   | Record slot              |
     *  | Segment directory        | segmentCount(cap)  |   (n + 1) * 2^shift - 1  |
     *  |                          |   * 8 bytes        +--------------------------+ segmentLength(capacity)
     *  +--------------------------+ bucketsOffset(capacity)
     *  | Bucket index             | (capacity / RECORDS_PER_BUCKET) * BUCKET_LENGTH bytes
     *  +--------------------------+ requiredLength(capacity)
     * </pre>
     *
     * @param capacity of the table in records, a power of two, at most {@link #MAX_CAPACITY}.
     * @return length of the index memory in bytes.
     */
    public static int requiredLength(final int capacity)
    {
        return bucketsOffset(capacity) + (bucketCount(capacity) * BUCKET_LENGTH);
    }
}
