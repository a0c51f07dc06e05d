package io.pageowner.table;

import org.agrona.BitUtil;

import static io.pageowner.table.OwnerTableDescriptor.ADDRESS_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.BUCKET_LENGTH;
import static io.pageowner.table.OwnerTableDescriptor.BUCKET_LINK_MASK;
import static io.pageowner.table.OwnerTableDescriptor.BUCKET_LOCK_BIT;
import static io.pageowner.table.OwnerTableDescriptor.DIRECTORY_ENTRY_LENGTH;
import static io.pageowner.table.OwnerTableDescriptor.DIRECTORY_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.GRANULE_SHIFT;
import static io.pageowner.table.OwnerTableDescriptor.HIGH_WATER_MARK_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.LEVEL_BITS;
import static io.pageowner.table.OwnerTableDescriptor.LEVEL_MASK_OFFSET;
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
import static io.pageowner.table.OwnerTableDescriptor.THREAD_REF_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.TIMESTAMP_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.bucketCount;
import static io.pageowner.table.OwnerTableDescriptor.bucketsOffset;
import static io.pageowner.table.OwnerTableDescriptor.recordOffset;
import static io.pageowner.table.OwnerTableDescriptor.segmentLength;
import static io.pageowner.table.OwnerTableDescriptor.segmentShift;
import static io.pageowner.table.OwnerTableDescriptor.requiredLength;
import static org.agrona.BitUtil.CACHE_LINE_LENGTH;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * The reading side of an {@link OwnerTable}: lookups by address and by page, scans and counts, none of which
 * changes the table or stops its writers.
 * <p>
 * Scans read each slot under its sequence-lock state word without any lock, so {@link #forEach(RecordConsumer)}
 * never stops writers; lookups hold a bucket's one-bit spin lock only while a short chain is walked, and never run
 * a callback under it. Live totals are summed on read over the {@value OwnerTableDescriptor#COUNTER_STRIPES}
 * stripes and the threads' own tallies ({@link ThreadTally}). Lookups, scans and counts allocate nothing on the
 * heap, apart from the flyweight of the overloads that say so.
 * <p>
 * The memory is allocated here, when the table is made, so that the fields both sides read are final in one
 * class; only {@link OwnerTable} extends this class, and it frees the memory.
 */
public abstract class OwnerTableReader
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
     * Times a scan re-reads a slot that keeps changing under it before skipping the slot.
     */
    public static final int MAX_READ_ATTEMPTS = 16;

    // Spread keys over the buckets; the salt sends one key at different levels to different buckets.
    private static final long FIBONACCI_MULTIPLIER = 0x9E3779B97F4A7C15L;
    private static final long LEVEL_SALT = 0xC2B2AE3D27D4EB4FL;

    final int capacity;
    final int pageShift;
    final int segmentShift;
    final int segmentLength;
    final long allocatedAddress;
    final long allocatedLength;
    final TableBuffer buffer;
    boolean isClosed;
    private final int bucketShift;
    private final int bucketsOffset;
    /** The bucket index, zeroed a region at a time when first used: see {@link ZeroedOnFirstUse}. */
    final ZeroedOnFirstUse buckets;
    /** The shares of the live totals that threads keep for themselves: see {@link OwnerTable#tally()}. */
    final ThreadTallies tallies = new ThreadTallies();
    private final int segmentMask;

    /**
     * Allocate the memory of a table whose arguments {@link OwnerTable} has checked.
     *
     * @param capacity  maximum number of live records, a power of two in range.
     * @param pageShift log2 of the page size, in [0, 32].
     */
    OwnerTableReader(final int capacity, final int pageShift)
    {
        this.capacity = capacity;
        this.pageShift = pageShift;
        this.bucketShift = Long.SIZE - Integer.numberOfTrailingZeros(bucketCount(capacity));
        this.bucketsOffset = bucketsOffset(capacity);
        this.segmentShift = segmentShift(capacity);
        this.segmentMask = (1 << segmentShift) - 1;
        this.segmentLength = segmentLength(capacity);

        final int length = requiredLength(capacity);
        allocatedLength = (long)length + CACHE_LINE_LENGTH;
        allocatedAddress = RawMemory.allocateMemory(allocatedLength);
        final long aligned = BitUtil.align(allocatedAddress, CACHE_LINE_LENGTH);
        // NOTE: the header, counters and directory now; the buckets (2 MiB at the default capacity, ~13 ms of
        // start-up to touch on a virtual machine) a 64 KiB region at a time as they are used.
        RawMemory.setMemory(aligned, bucketsOffset, (byte)0);
        buckets = new ZeroedOnFirstUse(aligned + bucketsOffset, length - bucketsOffset, ZeroedOnFirstUse.REGION_SHIFT);
        buffer = new TableBuffer(aligned, length);
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
            final int state = RawMemory.getIntVolatile(null, stateAddress);
            if (0 == (state & 1))
            {
                return false;
            }

            final long address = RawMemory.getLong(recordAddress + ADDRESS_OFFSET);
            final long sizeAndKind = RawMemory.getLong(recordAddress + SIZE_AND_KIND_OFFSET);
            final long timestampNs = RawMemory.getLong(recordAddress + TIMESTAMP_OFFSET);
            final int threadRef = RawMemory.getInt(recordAddress + THREAD_REF_OFFSET);
            final int stackId = RawMemory.getInt(recordAddress + STACK_ID_OFFSET);

            // Keeps the field loads above before the re-check of the state below.
            RawMemory.loadFence();
            if (RawMemory.getInt(stateAddress) == state)
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
     * Number of live records, summed over stripes and threads' tallies: exact when no writer is active, otherwise
     * at least every record live throughout the reading ({@link ThreadTallies#live(TableBuffer, int)}).
     *
     * @return number of live records.
     */
    public long liveCount()
    {
        return tallies.live(buffer, ThreadTallies.COUNT);
    }

    /**
     * Total size in bytes of the live records, summed as {@link #liveCount()} is.
     *
     * @return total size of the live records.
     */
    public long liveBytes()
    {
        return tallies.live(buffer, ThreadTallies.BYTES);
    }

    /**
     * Sum of the page spans of the live records, summed as {@link #liveCount()} is. A page shared by several records
     * counts once per record.
     *
     * @return sum of the page counts of the live records.
     */
    public long livePages()
    {
        return tallies.live(buffer, ThreadTallies.PAGES);
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

    static int level(final long spanGranules)
    {
        final int bits = Long.SIZE - Long.numberOfLeadingZeros(spanGranules - 1);

        return 0 == bits ? 0 : (bits - 1) / LEVEL_BITS;
    }

    final int bucketOffset(final int level, final long key)
    {
        final long hash = (key + (level * LEVEL_SALT)) * FIBONACCI_MULTIPLIER;
        final int bucket = (int)(hash >>> bucketShift) * BUCKET_LENGTH;
        buckets.touch(bucket);

        return bucketsOffset + bucket;
    }

    final int levelMask()
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
            if (OwnerRecord.contains(RawMemory.getLong(recordAddress + ADDRESS_OFFSET), sizeAt(recordAddress), address))
            {
                copyLocked(slot, into);
                found = true;
                break;
            }
            link = RawMemory.getInt(recordAddress + NEXT_OFFSET);
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
                    final long address = RawMemory.getLong(recordAddress + ADDRESS_OFFSET);
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
                link = RawMemory.getInt(recordAddress + NEXT_OFFSET);
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

    final int lockBucket(final int bucketOffset)
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

    final void copyLocked(final int slot, final OwnerRecord into)
    {
        final long recordAddress = recordAddress(slot);
        final long sizeAndKind = RawMemory.getLong(recordAddress + SIZE_AND_KIND_OFFSET);
        into.set(
            RawMemory.getLong(recordAddress + ADDRESS_OFFSET),
            sizeAndKind & MAX_SIZE,
            RawMemory.getLong(recordAddress + TIMESTAMP_OFFSET),
            RawMemory.getInt(recordAddress + THREAD_REF_OFFSET),
            RawMemory.getInt(recordAddress + STACK_ID_OFFSET),
            (int)(sizeAndKind >>> SIZE_BITS),
            pageShift);
    }

    static long sizeAt(final long recordAddress)
    {
        return RawMemory.getLong(recordAddress + SIZE_AND_KIND_OFFSET) & MAX_SIZE;
    }

    final int directoryEntryOffset(final int slot)
    {
        return DIRECTORY_OFFSET + ((slot >>> segmentShift) * DIRECTORY_ENTRY_LENGTH);
    }

    // Any slot that was handed out: its segment was published before, through the claim or a lock or CAS since.
    final long recordAddress(final int slot)
    {
        return buffer.getLong(directoryEntryOffset(slot)) + recordOffset(slot & segmentMask);
    }
}
