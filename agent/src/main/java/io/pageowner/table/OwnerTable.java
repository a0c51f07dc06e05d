package io.pageowner.table;

import org.agrona.BitUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import static io.pageowner.table.OwnerTableDescriptor.ADDRESS_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.BUCKET_LARGE_COUNT_MASK;
import static io.pageowner.table.OwnerTableDescriptor.BUCKET_LARGE_COUNT_MAX;
import static io.pageowner.table.OwnerTableDescriptor.BUCKET_LARGE_COUNT_SHIFT;
import static io.pageowner.table.OwnerTableDescriptor.BUCKET_LENGTH;
import static io.pageowner.table.OwnerTableDescriptor.BUCKET_LINK_MASK;
import static io.pageowner.table.OwnerTableDescriptor.BUCKET_LOCK_BIT;
import static io.pageowner.table.OwnerTableDescriptor.COUNTERS_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.COUNTER_STRIPES;
import static io.pageowner.table.OwnerTableDescriptor.DIRECTORY_ENTRY_LENGTH;
import static io.pageowner.table.OwnerTableDescriptor.DIRECTORY_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.GRANULE_SHIFT;
import static io.pageowner.table.OwnerTableDescriptor.HIGH_WATER_MARK_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.LEVEL_BITS;
import static io.pageowner.table.OwnerTableDescriptor.LEVEL_MASK_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.MAX_CAPACITY;
import static io.pageowner.table.OwnerTableDescriptor.MAX_KIND;
import static io.pageowner.table.OwnerTableDescriptor.MAX_SIZE;
import static io.pageowner.table.OwnerTableDescriptor.MAX_SPAN_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.NEXT_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.NULL_LINK;
import static io.pageowner.table.OwnerTableDescriptor.OVERSIZE_REJECTED_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.SIZE_AND_KIND_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.SIZE_BITS;
import static io.pageowner.table.OwnerTableDescriptor.STACK_ID_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STALE_REPLACED_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STATE_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_BYTES_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_COUNT_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_FREE_LIST_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_LENGTH;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_PAGES_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.THREAD_REF_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.TIMESTAMP_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.bucketCount;
import static io.pageowner.table.OwnerTableDescriptor.bucketsOffset;
import static io.pageowner.table.OwnerTableDescriptor.recordOffset;
import static io.pageowner.table.OwnerTableDescriptor.segmentCount;
import static io.pageowner.table.OwnerTableDescriptor.segmentLength;
import static io.pageowner.table.OwnerTableDescriptor.segmentShift;
import static io.pageowner.table.OwnerTableDescriptor.requiredLength;
import static org.agrona.BitUtil.CACHE_LINE_LENGTH;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Off-heap, fixed-capacity, concurrent table of the owners of live off-heap allocations, looked up by start
 * address, by any interior address, or by page, as the kernel's page_owner does for physical pages.
 * <p>
 * The memory comes from {@code Unsafe.allocateMemory}, so it does not count against
 * {@code -XX:MaxDirectMemorySize}; it is zeroed when allocated and freed by {@link #close()}. Its layout is in
 * {@link OwnerTableDescriptor}: {@value OwnerTableDescriptor#BYTES_PER_RECORD} bytes per record slot plus
 * {@value OwnerTableDescriptor#FIXED_LENGTH} bytes per table. The index (header, counters, segment directory,
 * buckets: 2 bytes per slot of capacity) is allocated at start; the record slots (40 bytes each) in segments as
 * the high-water mark reaches them, so a table costs its capacity's index plus the slots of the most records
 * ever live at once. Allocating a segment, once per {@code 2^}{@value OwnerTableDescriptor#MAX_SEGMENT_SHIFT}
 * slots, is the only time an insert allocates; if it fails, the insert returns -1 as for a full table.
 * <p>
 * <b>Concurrency.</b> Any number of threads may insert, remove and look up at once, and one or more threads may
 * scan; there is no global lock. Free slots sit on lock-free Treiber stacks whose heads carry an ABA tag, one per
 * stripe, with a high-water mark for slots never used. Each bucket chain has a one-bit spin lock in its bucket
 * word, held only while a short chain is walked or relinked; callbacks never run under it. Each slot has a
 * sequence-lock state word, so {@link #forEach(RecordConsumer)} reads slots without any lock and never stops
 * writers. Live totals and free lists are striped over {@value OwnerTableDescriptor#COUNTER_STRIPES} cache lines
 * by the id of the thread that inserts or removes, so that two threads recording at once do not write one line;
 * totals are summed on read, and an insert whose stripe has no free slot takes one from another stripe before it
 * claims a new one.
 * <p>
 * <b>Index.</b> Records are chained under a key made of an index level and the start of the record, so that
 * {@link #remove(long, OwnerRecord)} finds a record from its start address alone, while
 * {@link #ownerOf(long, OwnerRecord)} finds it from any interior address with a bounded number of probes per
 * level (at most {@code 2^LEVEL_BITS + 1}), instead of probing one bucket per page of the largest record ever seen
 * (262 144 probes after a single 1 GiB mapping with 4 KiB pages). Levels are described in
 * {@link OwnerTableDescriptor}. A record is always found from its start address through its level-0 "home"
 * bucket, whose word counts the larger records at home there: an insert or remove of a small record touches that
 * one bucket, as a plain start-page index would, and a large record adds the bucket of its level.
 * <p>
 * <b>Hot path.</b> Insert, remove, lookup and the per-record work of a scan allocate nothing on the heap (an
 * insert allocates off-heap only for a new segment, see above), never format and never wait for space: a full
 * table makes {@link #insert(long, long, long, int, int, int)} return -1, as does a size above
 * {@link OwnerTableDescriptor#MAX_SIZE}, which is counted in {@link #oversizeRejected()}.
 * <p>
 * A table must not be used after {@link #close()}; the caller stops all users first.
 */
public final class OwnerTable implements AutoCloseable
{
    /**
     * Receives records from a scan or a page lookup.
     */
    @FunctionalInterface
    public interface RecordConsumer
    {
        /**
         * Accept one record.
         *
         * @param record a flyweight that is overwritten after this call returns; copy what must be kept.
         */
        void accept(OwnerRecord record);
    }

    /**
     * Smallest capacity a table is given, whatever is asked for.
     */
    public static final int MIN_CAPACITY = 16;

    /**
     * Times a scan re-reads a slot that keeps changing under it before skipping the slot.
     */
    public static final int MAX_READ_ATTEMPTS = 16;

    private static final long FIBONACCI_MULTIPLIER = 0x9E3779B97F4A7C15L;
    private static final long LEVEL_SALT = 0xC2B2AE3D27D4EB4FL;
    private static final long TAG_INCREMENT = 1L << 32;
    private static final long LINK_MASK_LONG = 0xFFFF_FFFFL;

    private final int capacity;
    private final int pageShift;
    private final int bucketShift;
    private final int bucketsOffset;
    private final int segmentShift;
    private final int segmentMask;
    private final int segmentLength;
    private final long allocatedAddress;
    private final long allocatedLength;
    private final UnsafeBuffer buffer;
    private boolean isClosed;

    /**
     * Allocate and zero a table.
     *
     * @param capacity  maximum number of live records, rounded up to a power of two of at least
     *                  {@link #MIN_CAPACITY} and at most {@link OwnerTableDescriptor#MAX_CAPACITY}.
     * @param pageShift log2 of the page size, 12 for 4 KiB pages.
     * @throws IllegalArgumentException if capacity is not positive or too large, or pageShift is out of [0, 32].
     */
    public OwnerTable(final int capacity, final int pageShift)
    {
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("capacity must be in [1, " + MAX_CAPACITY + "]: " + capacity);
        }

        if (pageShift < 0 || pageShift > 32)
        {
            throw new IllegalArgumentException("pageShift must be in [0, 32]: " + pageShift);
        }

        this.capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(capacity, MIN_CAPACITY));
        this.pageShift = pageShift;
        this.bucketShift = Long.SIZE - Integer.numberOfTrailingZeros(bucketCount(this.capacity));
        this.bucketsOffset = bucketsOffset(this.capacity);
        this.segmentShift = segmentShift(this.capacity);
        this.segmentMask = (1 << segmentShift) - 1;
        this.segmentLength = segmentLength(this.capacity);

        final int length = requiredLength(this.capacity);
        allocatedLength = (long)length + CACHE_LINE_LENGTH;
        allocatedAddress = UnsafeApi.allocateMemory(allocatedLength);
        UnsafeApi.setMemory(allocatedAddress, allocatedLength, (byte)0);
        buffer = new UnsafeBuffer(BitUtil.align(allocatedAddress, CACHE_LINE_LENGTH), length);
    }

    /**
     * The page shift of a page size.
     *
     * @param pageSize in bytes, a power of two such as 4096.
     * @return log2 of the page size.
     * @throws IllegalArgumentException if pageSize is not a positive power of two.
     */
    public static int pageShift(final long pageSize)
    {
        if (!BitUtil.isPowerOfTwo(pageSize))
        {
            throw new IllegalArgumentException("page size must be a positive power of two: " + pageSize);
        }

        return Long.numberOfTrailingZeros(pageSize);
    }

    /**
     * Record a live allocation. If a live record already starts at the same address (its free was never seen),
     * it is replaced and counted in {@link #staleReplaced()}. A size above {@link OwnerTableDescriptor#MAX_SIZE}
     * (or negative), which no allocation in a 48-bit user space can have, is not recorded: the table is left as it
     * was, the insert counted in {@link #oversizeRejected()}, and -1 returned.
     *
     * @param address     of the first byte.
     * @param size        in bytes, from 0 to {@link OwnerTableDescriptor#MAX_SIZE}.
     * @param timestampNs when the memory was allocated.
     * @param threadRef   of the allocating thread, as interned by the caller.
     * @param stackId     of the allocating stack, as stored by the caller.
     * @param kind        flags of the allocation, stored as an unsigned 16-bit value (higher bits are dropped).
     * @return the slot index of the record, or -1 if the table is full or the size too large and the record was
     * dropped.
     */
    public int insert(
        final long address,
        final long size,
        final long timestampNs,
        final int threadRef,
        final int stackId,
        final int kind)
    {
        if (Long.compareUnsigned(size, MAX_SIZE) > 0)
        {
            buffer.getAndAddLong(OVERSIZE_REJECTED_OFFSET, 1);
            return -1;
        }

        final long firstGranule = address >>> GRANULE_SHIFT;
        final long spanGranules = (OwnerRecord.lastAddress(address, size) >>> GRANULE_SHIFT) - firstGranule + 1;
        final int level = level(spanGranules);

        // Widen the lookup bounds before the record can be found, so a lookup that finds it also probes for it.
        noteSpan(level, spanGranules);

        final int stripe = stripeOffset();
        int slot = claimSlot(stripe);
        if (slot < 0)
        {
            // A stale record at this address is replaced anyway: drop it first and try once more.
            if (!remove(address, null))
            {
                return -1;
            }

            buffer.getAndAddLong(STALE_REPLACED_OFFSET, 1);
            slot = claimSlot(stripe);
            if (slot < 0)
            {
                return -1;
            }
        }

        final long recordAddress = recordAddress(slot);
        final long stateAddress = recordAddress + STATE_OFFSET;
        final int freeState = UnsafeApi.getInt(stateAddress);

        UnsafeApi.putLong(recordAddress + ADDRESS_OFFSET, address);
        UnsafeApi.putLong(recordAddress + SIZE_AND_KIND_OFFSET, ((long)(kind & MAX_KIND) << SIZE_BITS) | size);
        UnsafeApi.putLong(recordAddress + TIMESTAMP_OFFSET, timestampNs);
        UnsafeApi.putInt(recordAddress + THREAD_REF_OFFSET, threadRef);
        UnsafeApi.putInt(recordAddress + STACK_ID_OFFSET, stackId);
        // NOTE: release orders the field stores above before the odd (live) state a scan acquires.
        UnsafeApi.putIntRelease(null, stateAddress, freeState + 1);

        addToCounters(stripe, 1, size, OwnerRecord.pageCount(address, size, pageShift));

        final int homeOffset = bucketOffset(0, firstGranule);
        final int homeWord = lockBucket(homeOffset);
        final long homeUnlink = unlinkLocked(homeWord & BUCKET_LINK_MASK, address, NULL_LINK);
        if (0 == level)
        {
            UnsafeApi.putInt(recordAddress + NEXT_OFFSET, newHead(homeUnlink));
            // NOTE: release publishes the link stores to the next thread that locks this bucket, and unlocks it.
            buffer.putIntRelease(homeOffset, (homeWord & BUCKET_LARGE_COUNT_MASK) | (slot + 1));
        }
        else
        {
            // NOTE: release publishes the unlink, if any, and the raised large count, and unlocks. The count rises
            // before the record is linked at its level, so a remove that reads 0 here may skip the upper levels.
            buffer.putIntRelease(homeOffset, addLargeCount(homeWord, 1) | newHead(homeUnlink));
        }

        replaceStale(unlinkedSlot(homeUnlink));
        if (0 != (homeWord & BUCKET_LARGE_COUNT_MASK))
        {
            removeStaleAtUpperLevels(address, level, slot);
        }

        if (0 != level)
        {
            final int bucketOffset = bucketOffset(level, firstGranule >>> (LEVEL_BITS * level));
            final int word = lockBucket(bucketOffset);
            final long unlink = unlinkLocked(word & BUCKET_LINK_MASK, address, NULL_LINK);
            UnsafeApi.putInt(recordAddress + NEXT_OFFSET, newHead(unlink));
            // NOTE: release publishes the link stores to the next thread that locks this bucket, and unlocks it.
            buffer.putIntRelease(bucketOffset, (word & BUCKET_LARGE_COUNT_MASK) | (slot + 1));
            replaceStale(unlinkedSlot(unlink));
        }

        return slot;
    }

    /**
     * Remove the record that starts at an address.
     *
     * @param address    of the first byte of the allocation, as given to {@code insert}.
     * @param removedInto to copy the removed record into, or null.
     * @return true if a record was removed, false if none starts at this address.
     */
    public boolean remove(final long address, final OwnerRecord removedInto)
    {
        final long granule = address >>> GRANULE_SHIFT;
        final int homeOffset = bucketOffset(0, granule);
        if (0 == (buffer.getIntVolatile(homeOffset) & ~BUCKET_LOCK_BIT))
        {
            return false;
        }

        final int homeWord = lockBucket(homeOffset);
        final long homeUnlink = unlinkLocked(homeWord & BUCKET_LINK_MASK, address, NULL_LINK);
        // NOTE: release publishes the unlink, if any, to the next thread that locks this bucket, and unlocks it.
        buffer.putIntRelease(homeOffset, (homeWord & BUCKET_LARGE_COUNT_MASK) | newHead(homeUnlink));

        final int found = unlinkedSlot(homeUnlink);
        if (found >= 0)
        {
            release(found, removedInto);
            return true;
        }

        if (0 != (homeWord & BUCKET_LARGE_COUNT_MASK))
        {
            for (int mask = levelMask() & ~1; 0 != mask; mask &= mask - 1)
            {
                final int level = Integer.numberOfTrailingZeros(mask);
                if (removeAt(level, granule >>> (LEVEL_BITS * level), address, NULL_LINK, removedInto))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /**
     * Find the live record whose bytes contain an address: its start, its last byte or anything between. If
     * records overlap (e.g. a stale one whose free was missed at another address), one of them is returned.
     *
     * @param address to look up.
     * @param into    to copy the owner into.
     * @return true if an owner was found and copied, false if no live record contains the address.
     */
    public boolean ownerOf(final long address, final OwnerRecord into)
    {
        final long granule = address >>> GRANULE_SHIFT;
        for (int mask = levelMask(); 0 != mask; mask &= mask - 1)
        {
            final int level = Integer.numberOfTrailingZeros(mask);
            final int shift = LEVEL_BITS * level;
            final long lowKey = lowestKey(granule, level, shift);
            for (long key = granule >>> shift; ; key--)
            {
                if (findContaining(level, key, address, into))
                {
                    return true;
                }

                if (key == lowKey)
                {
                    break;
                }
            }
        }

        return false;
    }

    /**
     * Deliver every live record whose page span covers a page; several small records may share it.
     * Allocates one flyweight per call; see {@link #forEachOwnerOfPage(long, OwnerRecord, RecordConsumer)}.
     *
     * @param pageNumber of the page: an address shifted right by the page shift.
     * @param consumer   to receive each record, never under a lock.
     * @return the number of records delivered.
     */
    public int forEachOwnerOfPage(final long pageNumber, final RecordConsumer consumer)
    {
        return forEachOwnerOfPage(pageNumber, new OwnerRecord(), consumer);
    }

    /**
     * Deliver every live record whose page span covers a page; several small records may share it.
     * <p>
     * A record live for the whole call is delivered exactly once; one inserted or removed during the call may or
     * may not be. The consumer may call back into the table.
     *
     * @param pageNumber of the page: an address shifted right by the page shift.
     * @param flyweight  to copy each record into before it is delivered.
     * @param consumer   to receive each record, never under a lock.
     * @return the number of records delivered.
     */
    public int forEachOwnerOfPage(final long pageNumber, final OwnerRecord flyweight, final RecordConsumer consumer)
    {
        final long firstByte = pageNumber << pageShift;
        final long firstGranule = firstByte >>> GRANULE_SHIFT;
        final long lastGranule = (firstByte | ((1L << pageShift) - 1)) >>> GRANULE_SHIFT;

        int count = 0;
        for (int mask = levelMask(); 0 != mask; mask &= mask - 1)
        {
            final int level = Integer.numberOfTrailingZeros(mask);
            final int shift = LEVEL_BITS * level;
            final long highKey = lastGranule >>> shift;
            for (long key = lowestKey(firstGranule, level, shift); ; key++)
            {
                count += forEachOwnerInBucket(level, key, pageNumber, flyweight, consumer);
                if (key == highKey)
                {
                    break;
                }
            }
        }

        return count;
    }

    /**
     * Deliver every live record. Allocates one flyweight per call; see
     * {@link #forEach(OwnerRecord, RecordConsumer)}.
     *
     * @param consumer to receive each record.
     * @return the number of records delivered.
     */
    public long forEach(final RecordConsumer consumer)
    {
        return forEach(new OwnerRecord(), consumer);
    }

    /**
     * Deliver every live record, scanning slot states without stopping writers.
     * <p>
     * This is a best-effort scan, not a snapshot: a record live for the whole scan is delivered exactly once, and
     * one inserted or removed during the scan may or may not be. Each delivered record is internally consistent:
     * a slot is read under its sequence lock and re-read if it changed, and a slot that keeps changing is skipped
     * after {@link #MAX_READ_ATTEMPTS} tries.
     *
     * @param flyweight to copy each record into before it is delivered.
     * @param consumer  to receive each record.
     * @return the number of records delivered.
     */
    public long forEach(final OwnerRecord flyweight, final RecordConsumer consumer)
    {
        final int highWaterMark = buffer.getIntVolatile(HIGH_WATER_MARK_OFFSET);
        long count = 0;
        for (int slot = 0; slot < highWaterMark; slot++)
        {
            if (read(slot, flyweight))
            {
                count++;
                consumer.accept(flyweight);
            }
        }

        return count;
    }

    /**
     * Read the record in a slot if it is live, consistently, without locking.
     *
     * @param slot index as returned by {@code insert}.
     * @param into to copy the record into.
     * @return true if the slot held a live record that was read consistently.
     */
    public boolean read(final int slot, final OwnerRecord into)
    {
        if (slot < 0 || slot >= capacity)
        {
            return false;
        }

        // A slot below the high-water mark may be in a segment its claimer is still allocating.
        final long segment = buffer.getLongVolatile(directoryEntryOffset(slot));
        if (0 == segment)
        {
            return false;
        }

        final long recordAddress = segment + recordOffset(slot & segmentMask);
        final long stateAddress = recordAddress + STATE_OFFSET;
        for (int attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++)
        {
            final int state = UnsafeApi.getIntVolatile(null, stateAddress);
            if (0 == (state & 1))
            {
                return false;
            }

            final long address = UnsafeApi.getLong(recordAddress + ADDRESS_OFFSET);
            final long sizeAndKind = UnsafeApi.getLong(recordAddress + SIZE_AND_KIND_OFFSET);
            final long timestampNs = UnsafeApi.getLong(recordAddress + TIMESTAMP_OFFSET);
            final int threadRef = UnsafeApi.getInt(recordAddress + THREAD_REF_OFFSET);
            final int stackId = UnsafeApi.getInt(recordAddress + STACK_ID_OFFSET);

            // Keeps the field loads above before the re-check of the state below.
            UnsafeApi.loadFence();
            if (UnsafeApi.getInt(stateAddress) == state)
            {
                into.set(
                    address, sizeAndKind & MAX_SIZE, timestampNs, threadRef, stackId, (int)(sizeAndKind >>> SIZE_BITS),
                    pageShift);
                return true;
            }

            Thread.onSpinWait();
        }

        return false;
    }

    /**
     * Number of live records, summed over stripes: exact when no writer is active, approximate otherwise.
     *
     * @return number of live records.
     */
    public long liveCount()
    {
        return sumStripes(STRIPE_COUNT_OFFSET);
    }

    /**
     * Total size in bytes of the live records, summed over stripes: exact when no writer is active.
     *
     * @return total size of the live records.
     */
    public long liveBytes()
    {
        return sumStripes(STRIPE_BYTES_OFFSET);
    }

    /**
     * Sum of the page spans of the live records, summed over stripes: exact when no writer is active. A page
     * shared by several records counts once per record.
     *
     * @return sum of the page counts of the live records.
     */
    public long livePages()
    {
        return sumStripes(STRIPE_PAGES_OFFSET);
    }

    /**
     * Number of live records replaced by an insert at the same start address, i.e. frees that were not seen.
     *
     * @return number of stale records replaced.
     */
    public long staleReplaced()
    {
        return buffer.getLongVolatile(STALE_REPLACED_OFFSET);
    }

    /**
     * Number of inserts rejected because their size was above {@link OwnerTableDescriptor#MAX_SIZE}.
     *
     * @return number of oversize inserts not recorded.
     */
    public long oversizeRejected()
    {
        return buffer.getLongVolatile(OVERSIZE_REJECTED_OFFSET);
    }

    /**
     * Maximum number of live records.
     *
     * @return maximum number of live records, a power of two.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Log2 of the page size the table computes page spans with.
     *
     * @return log2 of the page size.
     */
    public int pageShift()
    {
        return pageShift;
    }

    /**
     * Off-heap bytes the table holds, alignment slack included: the index and the segments allocated so far.
     *
     * @return off-heap bytes allocated for the table, 0 once closed.
     */
    public synchronized long footprintBytes()
    {
        if (isClosed)
        {
            return 0;
        }

        return allocatedLength + ((long)segmentsAllocated() * segmentLength);
    }

    /**
     * Number of segments of record slots allocated so far.
     *
     * @return segments allocated, from 0 to capacity / 2^segmentShift; 0 once closed.
     */
    public synchronized int segmentsAllocated()
    {
        if (isClosed)
        {
            return 0;
        }

        int count = 0;
        for (int segment = 0, segments = capacity >>> segmentShift; segment < segments; segment++)
        {
            if (0 != buffer.getLongVolatile(DIRECTORY_OFFSET + (segment * DIRECTORY_ENTRY_LENGTH)))
            {
                count++;
            }
        }

        return count;
    }

    /**
     * Has {@link #close()} been called.
     *
     * @return true if the memory has been freed.
     */
    public synchronized boolean isClosed()
    {
        return isClosed;
    }

    /**
     * Free the table memory; later calls do nothing. No other thread may be using the table.
     */
    public synchronized void close()
    {
        if (!isClosed)
        {
            isClosed = true;
            final int segments = segmentCount(capacity);
            final long[] toFree = new long[segments];
            for (int segment = 0; segment < segments; segment++)
            {
                toFree[segment] = buffer.getLongVolatile(DIRECTORY_OFFSET + (segment * DIRECTORY_ENTRY_LENGTH));
            }
            // With Agrona's bounds checks on (the default), a use after close fails a check instead of touching
            // freed memory: every record address is found through the directory in the index buffer.
            buffer.wrap(new byte[0]);
            for (final long segment : toFree)
            {
                if (0 != segment)
                {
                    UnsafeApi.freeMemory(segment);
                }
            }
            UnsafeApi.freeMemory(allocatedAddress);
        }
    }

    private static int level(final long spanGranules)
    {
        final int bits = Long.SIZE - Long.numberOfLeadingZeros(spanGranules - 1);

        return 0 == bits ? 0 : (bits - 1) / LEVEL_BITS;
    }

    private int bucketOffset(final int level, final long key)
    {
        final long hash = (key + (level * LEVEL_SALT)) * FIBONACCI_MULTIPLIER;

        return bucketsOffset + ((int)(hash >>> bucketShift) * BUCKET_LENGTH);
    }

    private int levelMask()
    {
        return buffer.getIntVolatile(LEVEL_MASK_OFFSET);
    }

    private long lowestKey(final long granule, final int level, final int shift)
    {
        // The span is raised before the level's mask bit, so a level in the mask has a span of at least 1.
        final long reach = Math.max(buffer.getLongVolatile(MAX_SPAN_OFFSET + (level * SIZE_OF_LONG)) - 1, 0);
        final long lowestStart = Long.compareUnsigned(granule, reach) <= 0 ? 0 : granule - reach;

        return lowestStart >>> shift;
    }

    private void noteSpan(final int level, final long spanGranules)
    {
        final int spanOffset = MAX_SPAN_OFFSET + (level * SIZE_OF_LONG);
        long maxSpan = buffer.getLongVolatile(spanOffset);
        while (spanGranules > maxSpan)
        {
            if (buffer.compareAndSetLong(spanOffset, maxSpan, spanGranules))
            {
                break;
            }
            maxSpan = buffer.getLongVolatile(spanOffset);
        }

        final int bit = 1 << level;
        int mask = buffer.getIntVolatile(LEVEL_MASK_OFFSET);
        while (0 == (mask & bit))
        {
            if (buffer.compareAndSetInt(LEVEL_MASK_OFFSET, mask, mask | bit))
            {
                break;
            }
            mask = buffer.getIntVolatile(LEVEL_MASK_OFFSET);
        }
    }

    // The new record may already be linked at level 0, in a bucket an upper level shares: it must not count as stale.
    private void removeStaleAtUpperLevels(final long address, final int level, final int newSlot)
    {
        final long granule = address >>> GRANULE_SHIFT;
        for (int mask = levelMask() & ~1 & ~(1 << level); 0 != mask; mask &= mask - 1)
        {
            final int upperLevel = Integer.numberOfTrailingZeros(mask);
            if (removeAt(upperLevel, granule >>> (LEVEL_BITS * upperLevel), address, newSlot + 1, null))
            {
                buffer.getAndAddLong(STALE_REPLACED_OFFSET, 1);
            }
        }
    }

    private void replaceStale(final int slot)
    {
        if (slot >= 0)
        {
            release(slot, null);
            buffer.getAndAddLong(STALE_REPLACED_OFFSET, 1);
        }
    }

    private boolean removeAt(
        final int level, final long key, final long address, final int skipLink, final OwnerRecord removedInto)
    {
        final int bucketOffset = bucketOffset(level, key);
        if (NULL_LINK == (buffer.getIntVolatile(bucketOffset) & BUCKET_LINK_MASK))
        {
            return false;
        }

        final int word = lockBucket(bucketOffset);
        final long unlink = unlinkLocked(word & BUCKET_LINK_MASK, address, skipLink);
        // NOTE: release publishes the unlink, if any, to the next thread that locks this bucket, and unlocks it.
        buffer.putIntRelease(bucketOffset, (word & BUCKET_LARGE_COUNT_MASK) | newHead(unlink));

        final int found = unlinkedSlot(unlink);
        if (found < 0)
        {
            return false;
        }

        release(found, removedInto);

        return true;
    }

    // Unlinks the first record starting at address, other than skipLink, from a locked chain. Returns the new head
    // in the low half and the unlinked slot + 1 (0 if none) in the high half; the caller publishes both on unlock.
    private long unlinkLocked(final int head, final long address, final int skipLink)
    {
        int previous = -1;
        for (int link = head; NULL_LINK != link; )
        {
            final int slot = link - 1;
            final long recordAddress = recordAddress(slot);
            final int next = UnsafeApi.getInt(recordAddress + NEXT_OFFSET);
            if (UnsafeApi.getLong(recordAddress + ADDRESS_OFFSET) == address && link != skipLink)
            {
                if (previous < 0)
                {
                    return ((long)link << 32) | (next & LINK_MASK_LONG);
                }

                UnsafeApi.putInt(recordAddress(previous) + NEXT_OFFSET, next);
                return ((long)link << 32) | (head & LINK_MASK_LONG);
            }

            previous = slot;
            link = next;
        }

        return head & LINK_MASK_LONG;
    }

    private static int newHead(final long unlink)
    {
        return (int)unlink;
    }

    private static int unlinkedSlot(final long unlink)
    {
        return (int)(unlink >>> 32) - 1;
    }

    private static int addLargeCount(final int word, final int delta)
    {
        final int count = (word & BUCKET_LARGE_COUNT_MASK) >>> BUCKET_LARGE_COUNT_SHIFT;
        if (BUCKET_LARGE_COUNT_MAX == count || (0 == count && delta < 0))
        {
            // Saturated: the true count is unknown, so it stays at the maximum and the upper levels are always
            // probed. A count at 0 is never lowered: each decrement pairs with an earlier increment.
            return word & BUCKET_LARGE_COUNT_MASK;
        }

        return (count + delta) << BUCKET_LARGE_COUNT_SHIFT;
    }

    private boolean findContaining(final int level, final long key, final long address, final OwnerRecord into)
    {
        final int bucketOffset = bucketOffset(level, key);
        if (NULL_LINK == (buffer.getIntVolatile(bucketOffset) & BUCKET_LINK_MASK))
        {
            return false;
        }

        final int word = lockBucket(bucketOffset);
        boolean found = false;
        for (int link = word & BUCKET_LINK_MASK; NULL_LINK != link; )
        {
            final int slot = link - 1;
            final long recordAddress = recordAddress(slot);
            if (OwnerRecord.contains(UnsafeApi.getLong(recordAddress + ADDRESS_OFFSET), sizeAt(recordAddress), address))
            {
                copyLocked(slot, into);
                found = true;
                break;
            }
            link = UnsafeApi.getInt(recordAddress + NEXT_OFFSET);
        }

        // NOTE: release keeps the reads above inside the lock, and unlocks it.
        buffer.putIntRelease(bucketOffset, word);

        return found;
    }

    private int forEachOwnerInBucket(
        final int level,
        final long key,
        final long pageNumber,
        final OwnerRecord flyweight,
        final RecordConsumer consumer)
    {
        final int bucketOffset = bucketOffset(level, key);
        final int shift = LEVEL_BITS * level;
        int count = 0;
        int lastSlot = -1;
        while (NULL_LINK != (buffer.getIntVolatile(bucketOffset) & BUCKET_LINK_MASK))
        {
            // Deliver matches in slot order, one per lock hold, so the consumer never runs under the lock and a
            // record that stays in the chain is delivered once however the chain changes in between.
            final int word = lockBucket(bucketOffset);
            int nextSlot = Integer.MAX_VALUE;
            for (int link = word & BUCKET_LINK_MASK; NULL_LINK != link; )
            {
                final int slot = link - 1;
                final long recordAddress = recordAddress(slot);
                if (slot > lastSlot && slot < nextSlot)
                {
                    final long address = UnsafeApi.getLong(recordAddress + ADDRESS_OFFSET);
                    final long lastAddress = OwnerRecord.lastAddress(address, sizeAt(recordAddress));
                    final long firstGranule = address >>> GRANULE_SHIFT;
                    if ((firstGranule >>> shift) == key &&
                        level(((lastAddress >>> GRANULE_SHIFT) - firstGranule) + 1) == level &&
                        Long.compareUnsigned(address >>> pageShift, pageNumber) <= 0 &&
                        Long.compareUnsigned(lastAddress >>> pageShift, pageNumber) >= 0)
                    {
                        nextSlot = slot;
                    }
                }
                link = UnsafeApi.getInt(recordAddress + NEXT_OFFSET);
            }

            if (Integer.MAX_VALUE != nextSlot)
            {
                copyLocked(nextSlot, flyweight);
            }

            // NOTE: release keeps the reads above inside the lock, and unlocks it.
            buffer.putIntRelease(bucketOffset, word);

            if (Integer.MAX_VALUE == nextSlot)
            {
                break;
            }

            lastSlot = nextSlot;
            count++;
            consumer.accept(flyweight);
        }

        return count;
    }

    private int lockBucket(final int bucketOffset)
    {
        while (true)
        {
            final int word = buffer.getIntVolatile(bucketOffset);
            if (0 == (word & BUCKET_LOCK_BIT) && buffer.compareAndSetInt(bucketOffset, word, word | BUCKET_LOCK_BIT))
            {
                return word;
            }

            Thread.onSpinWait();
        }
    }

    private void copyLocked(final int slot, final OwnerRecord into)
    {
        final long recordAddress = recordAddress(slot);
        final long sizeAndKind = UnsafeApi.getLong(recordAddress + SIZE_AND_KIND_OFFSET);
        into.set(
            UnsafeApi.getLong(recordAddress + ADDRESS_OFFSET),
            sizeAndKind & MAX_SIZE,
            UnsafeApi.getLong(recordAddress + TIMESTAMP_OFFSET),
            UnsafeApi.getInt(recordAddress + THREAD_REF_OFFSET),
            UnsafeApi.getInt(recordAddress + STACK_ID_OFFSET),
            (int)(sizeAndKind >>> SIZE_BITS),
            pageShift);
    }

    private static long sizeAt(final long recordAddress)
    {
        return UnsafeApi.getLong(recordAddress + SIZE_AND_KIND_OFFSET) & MAX_SIZE;
    }

    private void release(final int slot, final OwnerRecord removedInto)
    {
        final long recordAddress = recordAddress(slot);
        final long address = UnsafeApi.getLong(recordAddress + ADDRESS_OFFSET);
        final long size = sizeAt(recordAddress);
        if (null != removedInto)
        {
            copyLocked(slot, removedInto);
        }

        final long firstGranule = address >>> GRANULE_SHIFT;
        if (0 != level((OwnerRecord.lastAddress(address, size) >>> GRANULE_SHIFT) - firstGranule + 1))
        {
            // Lowered only now that the record is unlinked from its level, so the count never undercounts.
            final int homeOffset = bucketOffset(0, firstGranule);
            final int homeWord = lockBucket(homeOffset);
            // NOTE: release publishes the lowered count and unlocks.
            buffer.putIntRelease(homeOffset, addLargeCount(homeWord, -1) | (homeWord & BUCKET_LINK_MASK));
        }

        final int stripe = stripeOffset();
        addToCounters(stripe, -1, -size, -OwnerRecord.pageCount(address, size, pageShift));

        final long stateAddress = recordAddress + STATE_OFFSET;
        // NOTE: release makes the even (free) state visible no later than the push below, so a scan that reads
        // fields written by the slot's next owner, who pops it after that push, re-reads a changed state.
        UnsafeApi.putIntRelease(null, stateAddress, UnsafeApi.getInt(stateAddress) + 1);
        pushFree(stripe, slot);
    }

    /** The current thread's stripe: its offset in the table. */
    private static int stripeOffset()
    {
        // NOTE: ids are handed out in sequence, so threads started together get different stripes.
        return COUNTERS_OFFSET + (((int)CurrentThread.id() & (COUNTER_STRIPES - 1)) * STRIPE_LENGTH);
    }

    /** A free slot: from the stripe's own list, else from another stripe's, else one never used. */
    private int claimSlot(final int stripe)
    {
        int slot = popFree(stripe);
        if (slot >= 0)
        {
            return slot;
        }

        // NOTE: the other stripes in turn, from the next one on, wrapping round at the end of the stripes.
        final int stripesEnd = COUNTERS_OFFSET + (COUNTER_STRIPES * STRIPE_LENGTH);
        int other = stripe;
        for (int i = 1; i < COUNTER_STRIPES; i++)
        {
            other += STRIPE_LENGTH;
            if (stripesEnd == other)
            {
                other = COUNTERS_OFFSET;
            }
            slot = popFree(other);
            if (slot >= 0)
            {
                return slot;
            }
        }

        return claimFreshSlot();
    }

    private int popFree(final int stripe)
    {
        final int headOffset = stripe + STRIPE_FREE_LIST_OFFSET;
        while (true)
        {
            final long head = buffer.getLongVolatile(headOffset);
            final int top = (int)(head & LINK_MASK_LONG);
            if (NULL_LINK == top)
            {
                return -1;
            }

            // A stale read of next, when another thread has already popped the slot, fails the tagged CAS below.
            final int next = UnsafeApi.getIntVolatile(null, recordAddress(top - 1) + NEXT_OFFSET);
            final long newHead = ((head & ~LINK_MASK_LONG) + TAG_INCREMENT) | (next & LINK_MASK_LONG);
            if (buffer.compareAndSetLong(headOffset, head, newHead))
            {
                return top - 1;
            }
        }
    }

    private int claimFreshSlot()
    {
        while (true)
        {
            final int highWaterMark = buffer.getIntVolatile(HIGH_WATER_MARK_OFFSET);
            if (highWaterMark >= capacity)
            {
                return -1;
            }

            if (buffer.compareAndSetInt(HIGH_WATER_MARK_OFFSET, highWaterMark, highWaterMark + 1))
            {
                // A slot whose segment cannot be allocated is never handed out: the mark has passed it, so it stays
                // unused (one slot lost per failure), and the next claim in its segment tries again.
                return ensureSegment(highWaterMark) ? highWaterMark : -1;
            }
        }
    }

    private boolean ensureSegment(final int slot)
    {
        final int entryOffset = directoryEntryOffset(slot);
        if (0 != buffer.getLongVolatile(entryOffset))
        {
            return true;
        }

        final long segment;
        try
        {
            segment = UnsafeApi.allocateMemory(segmentLength);
        }
        catch (final OutOfMemoryError ex)
        {
            return false;
        }

        // Zeroed before it is published: state 0 is a free slot, link 0 the end of a chain.
        UnsafeApi.setMemory(segment, segmentLength, (byte)0);
        if (!buffer.compareAndSetLong(entryOffset, 0, segment))
        {
            // Another claimer of this segment installed its own first.
            UnsafeApi.freeMemory(segment);
        }

        return true;
    }

    private int directoryEntryOffset(final int slot)
    {
        return DIRECTORY_OFFSET + ((slot >>> segmentShift) * DIRECTORY_ENTRY_LENGTH);
    }

    // Any slot that was handed out: its segment was published before, through the claim or a lock or CAS since.
    private long recordAddress(final int slot)
    {
        return buffer.getLong(directoryEntryOffset(slot)) + recordOffset(slot & segmentMask);
    }

    private void pushFree(final int stripe, final int slot)
    {
        final int headOffset = stripe + STRIPE_FREE_LIST_OFFSET;
        final long nextAddress = recordAddress(slot) + NEXT_OFFSET;
        while (true)
        {
            final long head = buffer.getLongVolatile(headOffset);
            // NOTE: plain store, published by the CAS below before any thread can pop this slot.
            UnsafeApi.putInt(nextAddress, (int)head);
            final long newHead = ((head & ~LINK_MASK_LONG) + TAG_INCREMENT) | (slot + 1);
            if (buffer.compareAndSetLong(headOffset, head, newHead))
            {
                return;
            }
        }
    }

    private void addToCounters(final int stripe, final long count, final long bytes, final long pages)
    {
        buffer.getAndAddLong(stripe + STRIPE_COUNT_OFFSET, count);
        buffer.getAndAddLong(stripe + STRIPE_BYTES_OFFSET, bytes);
        buffer.getAndAddLong(stripe + STRIPE_PAGES_OFFSET, pages);
    }

    private long sumStripes(final int fieldOffset)
    {
        long sum = 0;
        for (int i = 0; i < COUNTER_STRIPES; i++)
        {
            sum += buffer.getLongVolatile(COUNTERS_OFFSET + (i * STRIPE_LENGTH) + fieldOffset);
        }

        return sum;
    }
}
