package io.pageowner.instrument;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Every live allocation of sampled mode, sampled or not: start address to size, kind and whether it
 * was sampled, so that a free of an allocation that was not sampled still takes its bytes off its
 * kind's exact total and a free of a sampled one knows, without a look in the owner table, that
 * there is a record to drop. It holds no stack, no thread and no time: 16 bytes a slot.
 * <p>
 * {@value #STRIPES} stripes, chosen by the address's hash, each an open-addressed table (linear
 * probing, backward-shift deletion, so no tombstones) behind its own spin lock, held for one probe
 * sequence: two threads contend only when they touch the same stripe at the same moment, and no
 * lock is global. The stripes are off-heap and sized once, at start, for {@code capacity} blocks
 * (a stripe takes up to 5/4 of its share, for the imbalance of hashing; 4/3 slots per block it may
 * take, so about 21 bytes per block of capacity): the index never grows, never allocates after
 * start, and so can run inside {@code Unsafe.allocateMemory}'s advice and never burdens the
 * application's heap. A block that finds its stripe full is refused ({@link #FULL}), for the
 * caller to count.
 * <p>
 * Value word: bits 0–47 the size (user space is below 2^48 bytes, so a larger size is not a real
 * allocation and is refused by {@link #pack(long, int, boolean)}), bits 48–55 the kind, bit 62 the
 * sampled flag; never negative, so {@link #NONE} (-1) means absent. Kind 0 marks the agent's own
 * blocks: indexed so that their frees are known, and left out of every total.
 */
public final class LiveSizes
{
    /** What {@link #remove(long)} returns for an address it does not hold. */
    public static final long NONE = -1;
    /** What {@link #put(long, long)} returns when the block's stripe is full and the block was not kept. */
    public static final long FULL = -2;
    /** Largest size a value word holds. */
    public static final long MAX_SIZE = (1L << 48) - 1;

    static final int STRIPES = 64;
    private static final int SLOT_LENGTH = 16;
    private static final int SPINS_BEFORE_YIELD = 100;
    private static final long SAMPLED_BIT = 1L << 62;
    private static final int KIND_SHIFT = 48;
    private static final VarHandle LOCK;

    static
    {
        try
        {
            LOCK = MethodHandles.lookup().findVarHandle(Stripe.class, "lock", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final long capacity;

    /**
     * Allocates and zeroes an empty index.
     *
     * @param capacity blocks it is sized for, at least 1.
     */
    public LiveSizes(final long capacity)
    {
        this.capacity = Math.max(1, capacity);
        final int perStripe = (int)Math.min(1 << 26, Math.max(16, (this.capacity * 5 / 4 + STRIPES - 1) / STRIPES));
        for (int i = 0; i < STRIPES; i++)
        {
            stripes[i] = new Stripe(perStripe, perStripe + perStripe / 3 + 1);
        }
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
        return size | ((long)(kind & 0xFF) << KIND_SHIFT) | (sampled ? SAMPLED_BIT : 0);
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
        return (int)(value >>> KIND_SHIFT) & 0xFF;
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
     * Adds or replaces the value of an address.
     *
     * @param address start of the allocation, not 0.
     * @param value   from {@link #pack(long, int, boolean)}.
     * @return the value it replaced (a free that was never seen), {@link #NONE}, or {@link #FULL} if
     *         the block's stripe is full and the block was not kept.
     */
    public long put(final long address, final long value)
    {
        final long hash = hash(address);
        final Stripe stripe = stripes[(int)(hash >>> 58)];
        stripe.lock();
        try
        {
            return stripe.put(address, value, (int)hash);
        }
        finally
        {
            stripe.unlock();
        }
    }

    /**
     * Removes an address.
     *
     * @param address start of the allocation.
     * @return its value, or {@link #NONE} if the index does not hold it.
     */
    public long remove(final long address)
    {
        final long hash = hash(address);
        final Stripe stripe = stripes[(int)(hash >>> 58)];
        stripe.lock();
        try
        {
            return stripe.remove(address, (int)hash);
        }
        finally
        {
            stripe.unlock();
        }
    }

    /**
     * The value of an address, without removing it.
     *
     * @param address start of the allocation.
     * @return its value, or {@link #NONE}.
     */
    public long get(final long address)
    {
        final long hash = hash(address);
        final Stripe stripe = stripes[(int)(hash >>> 58)];
        stripe.lock();
        try
        {
            final int slot = stripe.find(address, (int)hash);
            return slot < 0 ? NONE : stripe.buffer.getLong(slot * SLOT_LENGTH + 8);
        }
        finally
        {
            stripe.unlock();
        }
    }

    /**
     * Visits every live block; one stripe locked at a time, so each stripe is seen at one instant and
     * the whole at most one stripe's worth of changes apart. The visitor runs under a stripe's lock:
     * it must be quick and must not allocate off-heap.
     *
     * @param visitor given each block's address and value word.
     */
    public void forEach(final Visitor visitor)
    {
        for (final Stripe stripe : stripes)
        {
            stripe.lock();
            try
            {
                final UnsafeBuffer b = stripe.buffer;
                for (int i = 0; i < stripe.slots; i++)
                {
                    final long key = b.getLong(i * SLOT_LENGTH);
                    if (0 != key)
                    {
                        visitor.visit(key, b.getLong(i * SLOT_LENGTH + 8));
                    }
                }
            }
            finally
            {
                stripe.unlock();
            }
        }
    }

    /**
     * Forgets everything.
     */
    public void clear()
    {
        for (final Stripe stripe : stripes)
        {
            stripe.lock();
            try
            {
                stripe.buffer.setMemory(0, stripe.buffer.capacity(), (byte)0);
                stripe.size = 0;
            }
            finally
            {
                stripe.unlock();
            }
        }
    }

    /**
     * The blocks it was sized for.
     *
     * @return the capacity asked for.
     */
    public long capacity()
    {
        return capacity;
    }

    /**
     * Off-heap bytes the index holds.
     *
     * @return the sum of its stripes' lengths.
     */
    public long footprintBytes()
    {
        long bytes = 0;
        for (final Stripe stripe : stripes)
        {
            bytes += stripe.buffer.capacity();
        }
        return bytes;
    }

    private static long hash(final long address)
    {
        // NOTE: malloc returns 16-byte aligned blocks: the low bits carry nothing.
        final long h = (address >>> 4) * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
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
     * One lock's worth of the index: {@code slots} slots of {key, value} longs off-heap, key 0 empty.
     * Padded so that two stripes' locks do not share a cache line.
     */
    @SuppressWarnings("unused")
    static final class Stripe
    {
        long p01, p02, p03, p04, p05, p06, p07;
        volatile int lock;
        final UnsafeBuffer buffer;
        final int slots;
        final int maxSize;
        int size;
        long p11, p12, p13, p14, p15, p16, p17;

        Stripe(final int maxSize, final int slots)
        {
            this.maxSize = maxSize;
            this.slots = slots;
            final long length = (long)slots * SLOT_LENGTH;
            final long address = UnsafeApi.allocateMemory(length);
            UnsafeApi.setMemory(address, length, (byte)0);
            this.buffer = new UnsafeBuffer(address, (int)length);
        }

        void lock()
        {
            int spins = 0;
            while (!LOCK.weakCompareAndSetAcquire(this, 0, 1))
            {
                // NOTE: held for one probe run; if the holder was descheduled, give it the core back.
                if (++spins < SPINS_BEFORE_YIELD)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    spins = 0;
                    Thread.yield();
                }
            }
        }

        void unlock()
        {
            LOCK.setRelease(this, 0);
        }

        /** The slot a hash starts its probe at: the hash's high 32 bits scaled to the slot count. */
        int home(final int hash)
        {
            return (int)(((hash & 0xFFFF_FFFFL) * slots) >>> 32);
        }

        int find(final long address, final int hash)
        {
            final UnsafeBuffer b = buffer;
            for (int i = home(hash); ; i = next(i))
            {
                final long key = b.getLong(i * SLOT_LENGTH);
                if (key == address)
                {
                    return i;
                }
                if (0 == key)
                {
                    return -1;
                }
            }
        }

        long put(final long address, final long value, final int hash)
        {
            final UnsafeBuffer b = buffer;
            for (int i = home(hash); ; i = next(i))
            {
                final long key = b.getLong(i * SLOT_LENGTH);
                if (key == address)
                {
                    final long old = b.getLong(i * SLOT_LENGTH + 8);
                    b.putLong(i * SLOT_LENGTH + 8, value);
                    return old;
                }
                if (0 == key)
                {
                    if (size >= maxSize)
                    {
                        return FULL;
                    }
                    b.putLong(i * SLOT_LENGTH, address);
                    b.putLong(i * SLOT_LENGTH + 8, value);
                    size++;
                    return NONE;
                }
            }
        }

        long remove(final long address, final int hash)
        {
            int i = find(address, hash);
            if (i < 0)
            {
                return NONE;
            }
            final UnsafeBuffer b = buffer;
            final long removed = b.getLong(i * SLOT_LENGTH + 8);
            // NOTE: backward-shift deletion: pull later entries of the probe run into the hole.
            int j = i;
            while (true)
            {
                j = next(j);
                final long key = b.getLong(j * SLOT_LENGTH);
                if (0 == key)
                {
                    break;
                }
                final int home = home((int)hash(key));
                // NOTE: move the entry at j into the hole at i unless its home lies cyclically in (i, j].
                if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
                {
                    continue;
                }
                b.putLong(i * SLOT_LENGTH, key);
                b.putLong(i * SLOT_LENGTH + 8, b.getLong(j * SLOT_LENGTH + 8));
                i = j;
            }
            b.putLong(i * SLOT_LENGTH, 0);
            b.putLong(i * SLOT_LENGTH + 8, 0);
            size--;
            return removed;
        }

        private int next(final int i)
        {
            return i + 1 == slots ? 0 : i + 1;
        }
    }
}
