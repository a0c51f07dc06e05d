package io.pageowner.table;


import static io.pageowner.table.LiveSizesDescriptor.DEAD_KEY;
import static io.pageowner.table.LiveSizesDescriptor.EMPTY_KEY;
import static io.pageowner.table.LiveSizesDescriptor.KIND_MASK;
import static io.pageowner.table.LiveSizesDescriptor.KIND_SHIFT;
import static io.pageowner.table.LiveSizesDescriptor.PRESENT_BIT;
import static io.pageowner.table.LiveSizesDescriptor.SAMPLED_BIT;
import static io.pageowner.table.LiveSizesDescriptor.SLOT_LENGTH;
import static io.pageowner.table.LiveSizesDescriptor.VALUE_OFFSET;
import static io.pageowner.table.LiveSizesDescriptor.ZEROING_KEY;
import static io.pageowner.table.LiveSizesDescriptor.requiredLength;
import static io.pageowner.table.LiveSizesDescriptor.slotCount;
import static io.pageowner.table.LiveSizesDescriptor.slotOffset;

/**
 * Every live allocation of sampled mode, sampled or not: start address to size, kind and whether it
 * was sampled, so that a free of an allocation that was not sampled still takes its bytes off its
 * kind's exact total and a free of a sampled one knows, without a look in the owner table, that
 * there is a record to drop. It holds no stack, no thread and no time: 16 bytes a slot.
 * <p>
 * One off-heap open-addressed table (linear probing), read and written at raw addresses (no
 * bounds-checking buffer in between), with no lock: a put claims an empty or dead slot with one
 * compare-and-set of its key and then writes the value; a remove, which only the thread freeing the
 * block can make for that address, clears the value and then marks the key dead ({@link LiveSizesDescriptor#DEAD_KEY})
 * with a release store; later puts reuse dead slots (and drop a copy of the same address left
 * further on by a free that was never seen, looking {@value #DUPLICATE_PROBE} slots on). So the
 * only line two threads may both write is a slot's, and the slots are spread over the whole table:
 * there is no hot lock or counter word to bounce between cores (a striped spin lock cost a
 * cross-core transfer per operation with two threads allocating).
 * <p>
 * Dead slots are emptied again ({@link #tidy(int)}) where they end a run, whenever a put finds the
 * run going on {@value #TIDY_AFTER} slots past the dead slot it took, or a lookup misses. Without
 * that, a fragmenting heap, whose malloc keeps handing out new addresses, would leave every slot it
 * ever touched dead within hours: each miss would then walk {@value #MAX_PROBE} slots, and each put
 * {@value #DUPLICATE_PROBE}. Emptying races with puts that claim the slot after, and a
 * handshake of two compare-and-sets keeps every key reachable from its home
 * ({@link #settle(long, long, int, int)}).
 * A probe run is cut at {@value #MAX_PROBE} slots: a put that finds no free slot within it is
 * refused ({@link #FULL}) for the caller to count, and a lookup gives up there.
 * <p>
 * The table is sized once, at start, with 3/2 slots per block of {@code capacity} (24 bytes per
 * block) and at least {@value LiveSizesDescriptor#MIN_SLOTS}: it never grows, never allocates after start, and so can
 * run inside {@code Unsafe.allocateMemory}'s advice and never burdens the application's heap.
 * Its memory is zeroed a 64 KiB region at a time when a slot in the region is first used ({@link ZeroedOnFirstUse}),
 * not at start: zeroing all of it touched every page, 150 ms of start-up for the two indexes of sampled mode.
 * <p>
 * The layout of a slot, and of the value word that {@link #pack(long, int, boolean)} makes, is in
 * {@link LiveSizesDescriptor}. Kind 0 marks the agent's own blocks: indexed so that their frees are known, and
 * left out of every total.
 */
public final class LiveSizes
{
    /** What {@link #remove(long)} returns for an address it does not hold. */
    public static final long NONE = -1;
    /** What {@link #put(long, long)} returns when no slot was free near the block's and it was not kept. */
    public static final long FULL = -2;
    /** Largest size a value word holds. */
    public static final long MAX_SIZE = LiveSizesDescriptor.MAX_SIZE;

    static final int MAX_PROBE = 512;
    /** How far past a reused dead slot a put looks for the same address left by an unseen free. */
    static final int DUPLICATE_PROBE = 32;
    /** A run that goes on this far past a reused dead slot has its dead end emptied ({@link #tidy(int)}). */
    static final int TIDY_AFTER = 8;
    /** What {@link #find(long)} gives for an address not within {@value #MAX_PROBE} slots of its home. */
    private static final int NOT_FOUND = Integer.MIN_VALUE;

    /** Where the slots start: {@code slots} slots of {key, value} longs, key 0 empty. */
    private final long base;
    private final int slots;
    /** Zeroes the slots a region at a time, when a region is first used: see {@link ZeroedOnFirstUse}. */
    private final ZeroedOnFirstUse zeroed;
    /** Spins a tidy waits between its last look at the next slot and emptying: 0 but in a test. */
    private final int tidyPause;

    /**
     * Allocates an empty index; its memory is zeroed as it is used.
     *
     * @param capacity blocks it is sized for, at least 1.
     */
    public LiveSizes(final long capacity)
    {
        this(capacity, 0);
    }

    /**
     * An index whose tidies dawdle where they race with puts, for a test to widen that race.
     *
     * @param capacity  blocks it is sized for, at least 1.
     * @param tidyPause spins between a tidy's look at the next slot and its emptying of a slot.
     */
    LiveSizes(final long capacity, final int tidyPause)
    {
        this(capacity, tidyPause, false);
    }

    /**
     * An index whose memory may first be filled with garbage, for a test to show that nothing relies on
     * {@code allocateMemory} handing out zeroed memory.
     *
     * @param capacity  blocks it is sized for, at least 1.
     * @param tidyPause spins between a tidy's look at the next slot and its emptying of a slot.
     * @param garbage   true to fill the memory with ones before use.
     */
    LiveSizes(final long capacity, final int tidyPause, final boolean garbage)
    {
        this.tidyPause = tidyPause;
        slots = slotCount(capacity);
        final long length = requiredLength(slots);
        base = RawMemory.allocateMemory(length);
        if (garbage)
        {
            RawMemory.setMemory(base, length, (byte)0xFF);
        }
        // NOTE: not zeroed here: 24 MiB at the default capacity, whose pages cost ~150 ms to touch at start on a
        // virtual machine; each 64 KiB region is zeroed when a slot in it is first used.
        zeroed = new ZeroedOnFirstUse(base, length, ZeroedOnFirstUse.REGION_SHIFT);
    }

    /**
     * The value word for an allocation.
     *
     * @param size    in bytes, at most {@link #MAX_SIZE}.
     * @param kind    flags, 8 bits.
     * @param sampled whether it has a record in the owner table.
     * @return the word.
     * @throws IllegalArgumentException for a size that does not fit.
     */
    public static long pack(final long size, final int kind, final boolean sampled)
    {
        if (size < 0 || size > MAX_SIZE)
        {
            throw new IllegalArgumentException("size out of range: " + size);
        }
        return size | ((long)(kind & KIND_MASK) << KIND_SHIFT) | (sampled ? SAMPLED_BIT : 0) | PRESENT_BIT;
    }

    /**
     * The size of a value word.
     *
     * @param value a word from {@link #pack(long, int, boolean)}.
     * @return bytes.
     */
    public static long size(final long value)
    {
        return value & MAX_SIZE;
    }

    /**
     * The kind of a value word.
     *
     * @param value a word from {@link #pack(long, int, boolean)}.
     * @return kind flags.
     */
    public static int kind(final long value)
    {
        return (int)(value >>> KIND_SHIFT) & KIND_MASK;
    }

    /**
     * Whether a value word is of a sampled allocation.
     *
     * @param value a word from {@link #pack(long, int, boolean)}.
     * @return true if the owner table has its record.
     */
    public static boolean sampled(final long value)
    {
        return 0 != (value & SAMPLED_BIT);
    }

    /**
     * Adds an address, or replaces its value if it is there already (a free that was never seen).
     *
     * @param address start of the allocation, a multiple of 2 (as malloc's are), not 0.
     * @param value   from {@link #pack(long, int, boolean)}.
     * @return the value it replaced, {@link #NONE}, or {@link #FULL} if no slot was free within
     *         {@value #MAX_PROBE} of the address's and the block was not kept.
     */
    public long put(final long address, final long value)
    {
        final int home = home(address);
        int i = home;
        int probe = 0;
        while (probe < MAX_PROBE)
        {
            final long at = at(i);
            final long key = RawMemory.getLongVolatile(null, at);
            if (key == address)
            {
                final long old = RawMemory.getLongVolatile(null, at + VALUE_OFFSET);
                RawMemory.putLongRelease(null, at + VALUE_OFFSET, value);
                return 0 == old ? NONE : old;
            }
            if (ZEROING_KEY == key)
            {
                // NOTE: never walk past a slot that may be empty by the time this key is looked up:
                // keep it dead (the tidy then leaves it) and look at it again, to take it.
                casKey(i, ZEROING_KEY, DEAD_KEY);
                continue;
            }
            if (EMPTY_KEY == key || DEAD_KEY == key)
            {
                if (!RawMemory.compareAndSetLong(null, at, key, address))
                {
                    // NOTE: another put took the slot, or a tidy is emptying it: look at it again.
                    continue;
                }
                RawMemory.putLongRelease(null, at + VALUE_OFFSET, value);
                final long replaced = DEAD_KEY == key ? dropDuplicate(address, next(i)) : NONE;
                settle(address, value, home, i);
                return replaced;
            }
            probe++;
            i = next(i);
        }
        return FULL;
    }

    /**
     * Removes an address. Only the thread freeing the block calls this for its address.
     *
     * @param address start of the allocation.
     * @return its value, or {@link #NONE} if the index does not hold it.
     */
    public long remove(final long address)
    {
        final int i = find(address);
        if (i < 0)
        {
            if (NOT_FOUND != i)
            {
                tidy(~i);
            }
            return NONE;
        }
        final long at = at(i);
        final long removed = RawMemory.getLongVolatile(null, at + VALUE_OFFSET);
        // NOTE: the value first: once the key is DEAD_KEY another thread may claim the slot and write its own.
        RawMemory.putLong(null, at + VALUE_OFFSET, 0);
        RawMemory.putLongRelease(null, at, DEAD_KEY);
        return 0 == removed ? NONE : removed;
    }

    /**
     * The value of an address, without removing it.
     *
     * @param address start of the allocation.
     * @return its value, or {@link #NONE}.
     */
    public long get(final long address)
    {
        final int i = find(address);
        final long value = i < 0 ? 0 : RawMemory.getLongVolatile(null, at(i) + VALUE_OFFSET);
        return 0 == value ? NONE : value;
    }

    /**
     * Visits every live block, while the application goes on: a block put or removed during the walk
     * may or may not be seen. The visitor must be quick and must not allocate off-heap.
     *
     * @param visitor given each block's address and value word.
     */
    public void forEach(final Visitor visitor)
    {
        for (int region = 0; region < zeroed.regions(); region++)
        {
            if (!zeroed.isReady(region))
            {
                continue;
            }
            final long start = base + zeroed.regionStart(region);
            final long end = start + zeroed.regionLength(region);
            for (long at = start; at < end; at += SLOT_LENGTH)
            {
                final long key = RawMemory.getLongVolatile(null, at);
                if (ZEROING_KEY < key)
                {
                    final long value = RawMemory.getLongVolatile(null, at + VALUE_OFFSET);
                    if (0 != value)
                    {
                        visitor.visit(key, value);
                    }
                }
            }
        }
    }

    /**
     * Forgets everything. A block put while this runs may survive it.
     */
    public void clear()
    {
        for (int region = 0; region < zeroed.regions(); region++)
        {
            // NOTE: a region not ready holds nothing, and is zeroed when first used.
            if (zeroed.isReady(region))
            {
                RawMemory.setMemory(base + zeroed.regionStart(region), zeroed.regionLength(region), (byte)0);
            }
        }
    }

    /**
     * Off-heap bytes the index holds.
     *
     * @return its length.
     */
    public long footprintBytes()
    {
        return requiredLength(slots);
    }

    /**
     * Slots that are not empty: live, dead or being emptied. A lookup that misses walks the run of
     * such slots from its home, so this, against the live blocks, says how long runs have grown.
     *
     * @return the count, read while the application may go on.
     */
    long usedSlots()
    {
        long used = 0;
        for (int region = 0; region < zeroed.regions(); region++)
        {
            if (!zeroed.isReady(region))
            {
                continue;
            }
            final long start = base + zeroed.regionStart(region);
            final long end = start + zeroed.regionLength(region);
            for (long at = start; at < end; at += SLOT_LENGTH)
            {
                if (0 != RawMemory.getLongVolatile(null, at))
                {
                    used++;
                }
            }
        }
        return used;
    }

    /**
     * Regions of the memory zeroed so far, for a test.
     *
     * @return the count.
     */
    int readyRegions()
    {
        int ready = 0;
        for (int region = 0; region < zeroed.regions(); region++)
        {
            if (zeroed.isReady(region))
            {
                ready++;
            }
        }
        return ready;
    }

    /** What {@link #forEach(Visitor)} calls. */
    @FunctionalInterface
    public interface Visitor
    {
        /**
         * One live block.
         *
         * @param address its start.
         * @param value   its value word.
         */
        void visit(long address, long value);
    }

    /**
     * The slot an address starts its probe at, by Fibonacci hashing: the high half of the address
     * times 2^64/phi, scaled to the slot count. malloc's addresses come in arithmetic runs (one
     * size class, one stride), which that spreads evenly; the low half of the product, mixed with a
     * shift, clustered them into runs of over 500 slots at 60 % load.
     */
    private int home(final long address)
    {
        // NOTE: malloc returns 16-byte aligned blocks: the low bits carry nothing.
        final long h = (address >>> 4) * 0x9E3779B97F4A7C15L;
        return (int)(((h >>> 32) * slots) >>> 32);
    }

    private int next(final int i)
    {
        return i + 1 == slots ? 0 : i + 1;
    }

    private int prev(final int i)
    {
        return 0 == i ? slots - 1 : i - 1;
    }

    /**
     * The address of a slot, its region zeroed first if this is the region's first use.
     */
    private long at(final int i)
    {
        final long offset = slotOffset(i);
        zeroed.touch(offset);
        return base + offset;
    }

    private long keyAt(final int i)
    {
        return RawMemory.getLongVolatile(null, at(i));
    }

    private boolean casKey(final int i, final long expected, final long key)
    {
        return RawMemory.compareAndSetLong(null, at(i), expected, key);
    }

    /**
     * Which slot an address is in.
     *
     * @return the slot; if the address is not there, {@code ~slot} of the empty slot that ends its
     *         run, or {@link #NOT_FOUND} if the run goes on past {@value #MAX_PROBE} slots.
     */
    private int find(final long address)
    {
        int i = home(address);
        for (int probe = 0; probe < MAX_PROBE; probe++, i = next(i))
        {
            final long key = keyAt(i);
            if (key == address)
            {
                return i;
            }
            if (EMPTY_KEY == key)
            {
                return ~i;
            }
        }
        return NOT_FOUND;
    }

    /**
     * Empties the dead slots that end a probe run, from the run's end backward to the first slot
     * that is not dead, so that lookups and puts stop early again. Runs lengthen as blocks come and
     * go (a remove can only leave its slot dead, since a later key's lookup may pass through it);
     * a put or a missed lookup that walked far calls this.
     * <p>
     * A slot is emptied only through {@link LiveSizesDescriptor#ZEROING_KEY}, set with a compare-and-set (a full fence)
     * before the next slot is read again: a put that claims that next slot at the same time reads
     * this one after its own compare-and-set, so one of the two sees the other (see
     * {@link #settle(long, long, int, int)}).
     *
     * @param from a slot of the run, or the empty slot that ends it; the end is looked for at most
     *             {@value #MAX_PROBE} on.
     */
    private void tidy(final int from)
    {
        int end = from;
        int probe = 0;
        while (EMPTY_KEY != keyAt(end))
        {
            if (++probe == MAX_PROBE)
            {
                return;
            }
            end = next(end);
        }
        int i = prev(end);
        for (int step = 0; step < MAX_PROBE && i != end; step++, i = prev(i))
        {
            if (DEAD_KEY != keyAt(i) || !casKey(i, DEAD_KEY, ZEROING_KEY))
            {
                return;
            }
            if (EMPTY_KEY != keyAt(next(i)))
            {
                // NOTE: a put claimed the slot after this one meanwhile.
                casKey(i, ZEROING_KEY, DEAD_KEY);
                return;
            }
            for (int spin = 0; spin < tidyPause; spin++)
            {
                Thread.onSpinWait();
            }
            if (!casKey(i, ZEROING_KEY, EMPTY_KEY))
            {
                // NOTE: a put that claimed the next slot saw ZEROING_KEY and made it DEAD_KEY.
                return;
            }
        }
    }

    /**
     * After a put claimed slot {@code claimed}, makes sure the slot before it is not being emptied,
     * and, if the claim lies past the key's {@code home}, not empty, so that every lookup that walks
     * through reaches its key: a tidy empties a slot only if it still sees the next one empty after
     * marking it {@link LiveSizesDescriptor#ZEROING_KEY} (see {@link #tidy(int)}), and a put reads the
     * slot before its own only after its compare-and-set, so one of the two sees the other. A slot being
     * emptied is made DEAD_KEY instead, which the tidy then leaves. If the slot before is empty already and the
     * claim is past home, the key moves into it and the check goes on from there. The block is not the
     * application's yet, so nobody looks its address up meanwhile; a walk of the whole index may see
     * it twice for the moment of a move.
     */
    private void settle(final long address, final long value, final int home, final int claimed)
    {
        int at = claimed;
        while (true)
        {
            final int before = prev(at);
            final long key = keyAt(before);
            if (ZEROING_KEY == key)
            {
                // NOTE: a key at its home still settles: another put's walk may have gone through here.
                casKey(before, ZEROING_KEY, DEAD_KEY);
            }
            else if (EMPTY_KEY == key && at != home)
            {
                if (casKey(before, 0, address))
                {
                    RawMemory.putLongRelease(null, at(before) + VALUE_OFFSET, value);
                    RawMemory.putLong(null, at(at) + VALUE_OFFSET, 0);
                    RawMemory.putLongRelease(null, at(at), DEAD_KEY);
                    at = before;
                }
            }
            else
            {
                return;
            }
        }
    }

    /**
     * After a put took a dead slot, the same address may stand further on in the run, left by a
     * free that was never seen: drop it, so the index holds each address once, and give its value
     * as the one replaced. Only a short stretch is looked at; a duplicate lies near the address's
     * home like the new entry, since both began their probe there.
     */
    private long dropDuplicate(final long address, final int from)
    {
        int i = from;
        for (int probe = 0; probe < DUPLICATE_PROBE; probe++, i = next(i))
        {
            final long at = at(i);
            final long key = RawMemory.getLongVolatile(null, at);
            if (EMPTY_KEY == key)
            {
                if (probe >= TIDY_AFTER)
                {
                    tidy(i);
                }
                return NONE;
            }
            if (key == address)
            {
                final long old = RawMemory.getLongVolatile(null, at + VALUE_OFFSET);
                RawMemory.putLong(null, at + VALUE_OFFSET, 0);
                RawMemory.putLongRelease(null, at, DEAD_KEY);
                return 0 == old ? NONE : old;
            }
        }
        tidy(i);
        return NONE;
    }
}
