package io.pageowner.table;

import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of the off-heap memory of a {@link LiveSizes}: one array of slots, each a key word and a value word.
 */
public final class LiveSizesDescriptor
{
    /**
     * Offset of the key ({@code long}) within a slot: the start address of a live block, or one of
     * {@link #EMPTY_KEY}, {@link #DEAD_KEY} and {@link #ZEROING_KEY}, none of which a block starts at.
     * <pre>
     *   0                   1                   2                   3
     *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *  |         Key: start address of the block, or 0, 1 or 3         |
     *  |                                                               |
     *  +---------------------------------------------------------------+
     * </pre>
     * A put claims an empty or dead slot with one compare-and-set of its key, then writes the value; a remove
     * clears the value, then stores {@link #DEAD_KEY} with release semantics. Only a tidy empties a slot, through
     * {@link #ZEROING_KEY}.
     */
    public static final int KEY_OFFSET = 0;

    /**
     * Offset of the value ({@code long}) within a slot: size, kind and flags of the block.
     * <pre>
     *   0                   1                   2                   3
     *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *  |                   Value: size, bits 0 to 31                   |
     *  +-------------------------------+-----------------+-------+-+-+-+
     *  |      Size, bits 32 to 47      |       Kind      |   0   |P|S|0|
     *  +-------------------------------+-----------------+-------+-+-+-+
     * </pre>
     * Bits 0 to 47 hold the size (user space is below 2^48 bytes, so a larger size is not a real allocation and is
     * refused), bits 48 to 56 the kind, {@code P} ({@link #PRESENT_BIT}, bit 61) is set in every value and
     * {@code S} ({@link #SAMPLED_BIT}, bit 62) marks a block that has a record in the owner table. A value is
     * therefore never negative and never 0: 0 marks a slot whose key is claimed but whose value is not written yet,
     * and -1 can mean absent. Kind 0 marks the agent's own blocks.
     */
    public static final int VALUE_OFFSET = KEY_OFFSET + SIZE_OF_LONG;

    /**
     * Length of a slot in bytes: a key and a value, both naturally aligned.
     */
    public static final int SLOT_LENGTH = VALUE_OFFSET + SIZE_OF_LONG;

    /**
     * Key of a slot never used or emptied again by a tidy; zeroed memory reads as empty.
     */
    public static final long EMPTY_KEY = 0;

    /**
     * Key of a slot whose block was removed; malloc never returns 1, so no block has it.
     */
    public static final long DEAD_KEY = 1;

    /**
     * Key of a dead slot on its way to empty; odd, so no block has it.
     */
    public static final long ZEROING_KEY = 3;

    /**
     * Bits of the value that hold the size.
     */
    public static final int SIZE_BITS = 48;

    /**
     * Largest size a value holds.
     */
    public static final long MAX_SIZE = (1L << SIZE_BITS) - 1;

    /**
     * Position of the lowest bit of the kind in the value.
     */
    public static final int KIND_SHIFT = SIZE_BITS;

    /**
     * Mask of the kind once shifted down by {@link #KIND_SHIFT}: 9 bits.
     */
    public static final int KIND_MASK = 0x1FF;

    /**
     * Bit of the value set in every value, so that no value is 0.
     */
    public static final long PRESENT_BIT = 1L << 61;

    /**
     * Bit of the value set when the block was sampled, i.e. has a record in the owner table.
     */
    public static final long SAMPLED_BIT = 1L << 62;

    /**
     * Fewest slots (1 MiB): in a small table, a few live blocks make long runs.
     */
    public static final int MIN_SLOTS = 1 << 16;

    private LiveSizesDescriptor()
    {
    }

    /**
     * The number of slots for a number of blocks: 3/2 slots per block, at least {@link #MIN_SLOTS}.
     *
     * @param capacity blocks the table is sized for; below 1 counts as 1.
     * @return number of slots, at most {@link Integer#MAX_VALUE}.
     */
    public static int slotCount(final long capacity)
    {
        final long wanted = Math.max(1, capacity) * 3 / 2;

        return (int)Math.min(Integer.MAX_VALUE, Math.max(MIN_SLOTS, wanted));
    }

    /**
     * The offset of a slot from the start of the table memory.
     *
     * @param slot index of the slot.
     * @return offset of the slot's key.
     */
    public static long slotOffset(final int slot)
    {
        return (long)slot * SLOT_LENGTH;
    }

    /**
     * The number of bytes of table memory, allocated at start and never grown.
     * <pre>
     *  +--------------------------+ 0
     *  | Slot 0                   | SLOT_LENGTH bytes
     *  +--------------------------+ slotOffset(1)
     *  | ...                      |
     *  +--------------------------+ slotOffset(slots - 1)
     *  | Slot slots - 1           |
     *  +--------------------------+ requiredLength(slots)
     * </pre>
     * A block's home slot is a hash of its address; it lives there or in the run of slots after it, wrapping round
     * at the end.
     *
     * @param slots number of slots, from {@link #slotCount(long)}.
     * @return length of the table memory in bytes.
     */
    public static long requiredLength(final int slots)
    {
        return slotOffset(slots);
    }
}
