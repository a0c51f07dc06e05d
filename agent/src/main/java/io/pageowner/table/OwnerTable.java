package io.pageowner.table;

import org.agrona.BitUtil;

import static io.pageowner.table.OwnerTableDescriptor.ADDRESS_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.BUCKET_LARGE_COUNT_MASK;
import static io.pageowner.table.OwnerTableDescriptor.BUCKET_LARGE_COUNT_MAX;
import static io.pageowner.table.OwnerTableDescriptor.BUCKET_LARGE_COUNT_SHIFT;
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
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_FREE_LIST_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_INSERTED_BYTES_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_INSERTED_COUNT_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_INSERTED_PAGES_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_LENGTH;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_REMOVED_BYTES_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_REMOVED_COUNT_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.STRIPE_REMOVED_PAGES_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.THREAD_REF_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.TIMESTAMP_OFFSET;
import static io.pageowner.table.OwnerTableDescriptor.segmentCount;
import static io.pageowner.table.OwnerTableDescriptor.segmentLength;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Off-heap, fixed-capacity, concurrent table of the owners of live off-heap allocations, looked up by start
 * address, by any interior address, or by page, as the kernel's page_owner does for physical pages. This class is
 * the writing side ({@link #insert(long, long, long, int, int, int)}, {@link #remove(long, OwnerRecord)},
 * {@link #close()}); lookups, scans and counts are in {@link OwnerTableReader}, which it extends, so that code that
 * only reads can be given the reader. The memory comes from {@code Unsafe.allocateMemory}, so it does not count against
 * {@code -XX:MaxDirectMemorySize}; it is zeroed when allocated (the bucket index a 64 KiB region at a time, when
 * first used) and freed by {@link #close()}. Its layout is in
 * {@link OwnerTableDescriptor}: {@value OwnerTableDescriptor#BYTES_PER_RECORD} bytes per record slot plus
 * {@value OwnerTableDescriptor#FIXED_LENGTH} bytes per table. The index (header, counters, segment directory,
 * buckets: 2 bytes per slot of capacity) is allocated at start; the record slots (40 bytes each) in segments as
 * the high-water mark reaches them, so a table costs its capacity's index plus the slots of the most records
 * ever live at once. Allocating a segment, once per {@code 2^}{@value OwnerTableDescriptor#MAX_SEGMENT_SHIFT}
 * slots, is the only time an insert allocates; if it fails, the insert returns -1 as for a full table.
 * <p>
 * Longer than 600 lines because the insert and remove overloads with a {@link ThreadTally} thread it through every
 * path that can end a record; splitting the writer would put the bucket locking and the free lists in two classes.
 * <p>
 * <b>Concurrency.</b> Any number of threads may insert, remove and look up at once, and one or more threads may
 * scan; there is no global lock. Free slots sit on lock-free Treiber stacks whose heads carry an ABA tag, one per
 * stripe, with a high-water mark for slots never used. Each bucket chain has a one-bit spin lock in its bucket
 * word, held only while a short chain is walked or relinked. Each slot has a sequence-lock state word, made odd
 * (live) and even (free) with release stores, which a scan reads without any lock. Live totals and free lists are
 * striped over {@value OwnerTableDescriptor#COUNTER_STRIPES} cache lines by the id of the thread that inserts or
 * removes, so that two threads recording at once do not write one line; an insert whose stripe has no free slot
 * takes one from another stripe before it claims a new one. A caller that passes its thread's own
 * {@link ThreadTally} ({@link #tally()}) has the live totals counted there instead, with plain stores: the
 * recorder does, so its insert and remove each save three atomic adds (some 20 ns per side). Such a thread also
 * keeps one slot it freed for its next insert, which then neither pops nor pushes a free list: so while up to one
 * slot per thread with a tally is kept, an insert on another thread may find the table full that much earlier.
 * The slot of an ended thread goes back to a free list when the tallies are next swept ({@link ThreadTallies}).
 * Stripes and tallies count insertions and removals apart, and {@link #liveCount()} and the other totals read every
 * removal before any insertion, so that records inserted and removed on different threads while they read never
 * make a total fall below the records live throughout the reading.
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
 * <b>Hot path.</b> Insert and remove allocate nothing on the heap (an insert allocates off-heap only for a new
 * segment, see above), never format and never wait for space: a full table makes an insert return -1, as does a
 * size above {@link OwnerTableDescriptor#MAX_SIZE}, which is counted in {@link #oversizeRejected()}. A table must
 * not be used after {@link #close()}; the caller stops all users first.
 */
public final class OwnerTable extends OwnerTableReader implements AutoCloseable
{
    /**
     * Smallest capacity a table is given, whatever is asked for.
     */
    public static final int MIN_CAPACITY = 16;

    private static final long TAG_INCREMENT = 1L << 32;
    private static final long LINK_MASK_LONG = 0xFFFF_FFFFL;

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
        super(roundedCapacity(capacity), checkedPageShift(pageShift));
    }

    private static int roundedCapacity(final int capacity)
    {
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("capacity must be in [1, " + MAX_CAPACITY + "]: " + capacity);
        }

        return BitUtil.findNextPositivePowerOfTwo(Math.max(capacity, MIN_CAPACITY));
    }

    private static int checkedPageShift(final int pageShift)
    {
        if (pageShift < 0 || pageShift > 32)
        {
            throw new IllegalArgumentException("pageShift must be in [0, 32]: " + pageShift);
        }

        return pageShift;
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
        return insert(address, size, timestampNs, threadRef, stackId, kind, null);
    }

    /**
     * Record a live allocation, as {@link #insert(long, long, long, int, int, int)}, counting it in the current
     * thread's own tally instead of the shared stripes: no atomic add.
     *
     * @param address     of the first byte.
     * @param size        in bytes, from 0 to {@link OwnerTableDescriptor#MAX_SIZE}.
     * @param timestampNs when the memory was allocated.
     * @param threadRef   of the allocating thread, as interned by the caller.
     * @param stackId     of the allocating stack, as stored by the caller.
     * @param kind        flags of the allocation, stored as an unsigned 16-bit value (higher bits are dropped).
     * @param tally       the current thread's, from {@link #tally()} on this thread, or null for the stripes.
     * @return the slot index of the record, or -1 if the record was dropped.
     */
    public int insert(
        final long address,
        final long size,
        final long timestampNs,
        final int threadRef,
        final int stackId,
        final int kind,
        final ThreadTally tally)
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
        int slot = claimSlot(stripe, tally);
        if (slot < 0)
        {
            // A stale record at this address is replaced anyway: drop it first and try once more.
            if (!remove(address, null, tally))
            {
                return -1;
            }

            buffer.getAndAddLong(STALE_REPLACED_OFFSET, 1);
            slot = claimSlot(stripe, tally);
            if (slot < 0)
            {
                return -1;
            }
        }

        final long recordAddress = recordAddress(slot);
        final long stateAddress = recordAddress + STATE_OFFSET;
        final int freeState = RawMemory.getInt(stateAddress);
        // NOTE: orders the even (free) state this thread may have stored when it cached the slot, with no atomic
        // since, before the field stores below, as the pop's compare-and-set does otherwise (a no-op on x86).
        RawMemory.storeFence();

        RawMemory.putLong(recordAddress + ADDRESS_OFFSET, address);
        RawMemory.putLong(recordAddress + SIZE_AND_KIND_OFFSET, ((long)(kind & MAX_KIND) << SIZE_BITS) | size);
        RawMemory.putLong(recordAddress + TIMESTAMP_OFFSET, timestampNs);
        RawMemory.putInt(recordAddress + THREAD_REF_OFFSET, threadRef);
        RawMemory.putInt(recordAddress + STACK_ID_OFFSET, stackId);
        // NOTE: release orders the field stores above before the odd (live) state a scan acquires.
        RawMemory.putIntRelease(null, stateAddress, freeState + 1);

        addToCounters(stripe, tally, 1, size, OwnerRecord.pageCount(address, size, pageShift));

        final int homeOffset = bucketOffset(0, firstGranule);
        final int homeWord = lockBucket(homeOffset);
        final long homeUnlink = unlinkLocked(homeWord & BUCKET_LINK_MASK, address, NULL_LINK);
        if (0 == level)
        {
            RawMemory.putInt(recordAddress + NEXT_OFFSET, newHead(homeUnlink));
            // NOTE: release publishes the link stores to the next thread that locks this bucket, and unlocks it.
            buffer.putIntRelease(homeOffset, (homeWord & BUCKET_LARGE_COUNT_MASK) | (slot + 1));
        }
        else
        {
            // NOTE: release publishes the unlink, if any, and the raised large count, and unlocks. The count rises
            // before the record is linked at its level, so a remove that reads 0 here may skip the upper levels.
            buffer.putIntRelease(homeOffset, addLargeCount(homeWord, 1) | newHead(homeUnlink));
        }

        replaceStale(unlinkedSlot(homeUnlink), tally);
        if (0 != (homeWord & BUCKET_LARGE_COUNT_MASK))
        {
            removeStaleAtUpperLevels(address, level, slot, tally);
        }

        if (0 != level)
        {
            final int bucketOffset = bucketOffset(level, firstGranule >>> (LEVEL_BITS * level));
            final int word = lockBucket(bucketOffset);
            final long unlink = unlinkLocked(word & BUCKET_LINK_MASK, address, NULL_LINK);
            RawMemory.putInt(recordAddress + NEXT_OFFSET, newHead(unlink));
            // NOTE: release publishes the link stores to the next thread that locks this bucket, and unlocks it.
            buffer.putIntRelease(bucketOffset, (word & BUCKET_LARGE_COUNT_MASK) | (slot + 1));
            replaceStale(unlinkedSlot(unlink), tally);
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
        return remove(address, removedInto, null);
    }

    /**
     * Remove the record that starts at an address, as {@link #remove(long, OwnerRecord)}, counting it in the
     * current thread's own tally instead of the shared stripes: no atomic add.
     *
     * @param address     of the first byte of the allocation, as given to {@code insert}.
     * @param removedInto to copy the removed record into, or null.
     * @param tally       the current thread's, from {@link #tally()} on this thread, or null for the stripes.
     * @return true if a record was removed, false if none starts at this address.
     */
    public boolean remove(final long address, final OwnerRecord removedInto, final ThreadTally tally)
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
            release(found, removedInto, tally);
            return true;
        }

        if (0 != (homeWord & BUCKET_LARGE_COUNT_MASK))
        {
            for (int mask = levelMask() & ~1; 0 != mask; mask &= mask - 1)
            {
                final int level = Integer.numberOfTrailingZeros(mask);
                if (removeAt(level, granule >>> (LEVEL_BITS * level), address, NULL_LINK, removedInto, tally))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /**
     * A tally of the live totals for the current thread to pass to its inserts and removes, so that they count
     * with plain stores; it is summed into {@link #liveCount()} and the other totals, also after its thread ends.
     * Takes a lock: once per thread, not per insert.
     *
     * @return a tally for the current thread only.
     */
    public ThreadTally tally()
    {
        return tallies.register(this);
    }

    /**
     * Puts back on a free list the slot an ended thread's tally kept; called by {@link ThreadTallies}.
     *
     * @param slot a free slot no thread holds.
     */
    void freeKeptSlot(final int slot)
    {
        pushFree(stripeOffset(), slot);
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
            // A use after close fails the buffer's bounds check instead of touching freed memory: every record
            // address is found through the directory in the index buffer.
            buffer.retire();
            buckets.retire();
            for (final long segment : toFree)
            {
                if (0 != segment)
                {
                    RawMemory.freeMemory(segment);
                }
            }
            RawMemory.freeMemory(allocatedAddress);
        }
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
    private void removeStaleAtUpperLevels(
        final long address, final int level, final int newSlot, final ThreadTally tally)
    {
        final long granule = address >>> GRANULE_SHIFT;
        for (int mask = levelMask() & ~1 & ~(1 << level); 0 != mask; mask &= mask - 1)
        {
            final int upperLevel = Integer.numberOfTrailingZeros(mask);
            if (removeAt(upperLevel, granule >>> (LEVEL_BITS * upperLevel), address, newSlot + 1, null, tally))
            {
                buffer.getAndAddLong(STALE_REPLACED_OFFSET, 1);
            }
        }
    }

    private void replaceStale(final int slot, final ThreadTally tally)
    {
        if (slot >= 0)
        {
            release(slot, null, tally);
            buffer.getAndAddLong(STALE_REPLACED_OFFSET, 1);
        }
    }

    private boolean removeAt(
        final int level,
        final long key,
        final long address,
        final int skipLink,
        final OwnerRecord removedInto,
        final ThreadTally tally)
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

        release(found, removedInto, tally);

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
            final int next = RawMemory.getInt(recordAddress + NEXT_OFFSET);
            if (RawMemory.getLong(recordAddress + ADDRESS_OFFSET) == address && link != skipLink)
            {
                if (previous < 0)
                {
                    return ((long)link << 32) | (next & LINK_MASK_LONG);
                }

                RawMemory.putInt(recordAddress(previous) + NEXT_OFFSET, next);
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

    private void release(final int slot, final OwnerRecord removedInto, final ThreadTally tally)
    {
        final long recordAddress = recordAddress(slot);
        final long address = RawMemory.getLong(recordAddress + ADDRESS_OFFSET);
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
        addToCounters(stripe, tally, -1, -size, -OwnerRecord.pageCount(address, size, pageShift));

        final long stateAddress = recordAddress + STATE_OFFSET;
        // NOTE: release makes the even (free) state visible no later than the push below, so a scan that reads
        // fields written by the slot's next owner, who pops it after that push, re-reads a changed state.
        RawMemory.putIntRelease(null, stateAddress, RawMemory.getInt(stateAddress) + 1);
        if (null == tally || !tally.keep(slot))
        {
            pushFree(stripe, slot);
        }
    }

    /** The current thread's stripe: its offset in the table. */
    private static int stripeOffset()
    {
        // NOTE: ids are handed out in sequence, so threads started together get different stripes.
        return COUNTERS_OFFSET + (((int)CurrentThread.id() & (COUNTER_STRIPES - 1)) * STRIPE_LENGTH);
    }

    /**
     * A free slot: the one the thread's tally keeps, else from the stripe's own list, else from another stripe's,
     * else one never used.
     */
    private int claimSlot(final int stripe, final ThreadTally tally)
    {
        int slot = null != tally ? tally.takeSlot() : -1;
        if (slot >= 0)
        {
            return slot;
        }

        slot = popFree(stripe);
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
            final int next = RawMemory.getIntVolatile(null, recordAddress(top - 1) + NEXT_OFFSET);
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
            segment = RawMemory.allocateMemory(segmentLength);
        }
        catch (final OutOfMemoryError ex)
        {
            return false;
        }

        // Zeroed before it is published: state 0 is a free slot, link 0 the end of a chain.
        RawMemory.setMemory(segment, segmentLength, (byte)0);
        if (!buffer.compareAndSetLong(entryOffset, 0, segment))
        {
            // Another claimer of this segment installed its own first.
            RawMemory.freeMemory(segment);
        }

        return true;
    }

    private void pushFree(final int stripe, final int slot)
    {
        final int headOffset = stripe + STRIPE_FREE_LIST_OFFSET;
        final long nextAddress = recordAddress(slot) + NEXT_OFFSET;
        while (true)
        {
            final long head = buffer.getLongVolatile(headOffset);
            // NOTE: plain store, published by the CAS below before any thread can pop this slot.
            RawMemory.putInt(nextAddress, (int)head);
            final long newHead = ((head & ~LINK_MASK_LONG) + TAG_INCREMENT) | (slot + 1);
            if (buffer.compareAndSetLong(headOffset, head, newHead))
            {
                return;
            }
        }
    }

    private void addToCounters(
        final int stripe, final ThreadTally tally, final long count, final long bytes, final long pages)
    {
        if (null != tally)
        {
            tally.add(count, bytes, pages);
            return;
        }

        // NOTE: insertions and removals apart, each only growing (see OwnerTableDescriptor#STRIPE_LENGTH).
        if (count > 0)
        {
            buffer.getAndAddLong(stripe + STRIPE_INSERTED_COUNT_OFFSET, count);
            buffer.getAndAddLong(stripe + STRIPE_INSERTED_BYTES_OFFSET, bytes);
            buffer.getAndAddLong(stripe + STRIPE_INSERTED_PAGES_OFFSET, pages);
            return;
        }
        buffer.getAndAddLong(stripe + STRIPE_REMOVED_COUNT_OFFSET, -count);
        buffer.getAndAddLong(stripe + STRIPE_REMOVED_BYTES_OFFSET, -bytes);
        buffer.getAndAddLong(stripe + STRIPE_REMOVED_PAGES_OFFSET, -pages);
    }
}
