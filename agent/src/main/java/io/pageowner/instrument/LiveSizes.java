package io.pageowner.instrument;

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
 * lock is global. A stripe doubles when it is 5/8 full, on the heap, under its lock; nothing here
 * allocates off-heap, so it can run inside {@code Unsafe.allocateMemory}'s advice.
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
    /** Largest size a value word holds. */
    public static final long MAX_SIZE = (1L << 48) - 1;

    static final int STRIPES = 64;
    private static final int INITIAL_CAPACITY = 64;
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

    /** Creates an empty index. */
    public LiveSizes()
    {
        for (int i = 0; i < STRIPES; i++)
        {
            stripes[i] = new Stripe();
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
     * @return the value it replaced (a free that was never seen), or {@link #NONE}.
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
            return slot < 0 ? NONE : stripe.values[slot];
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
                final long[] keys = stripe.keys;
                final long[] values = stripe.values;
                for (int i = 0; i < keys.length; i++)
                {
                    if (0 != keys[i])
                    {
                        visitor.visit(keys[i], values[i]);
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
                stripe.keys = new long[INITIAL_CAPACITY];
                stripe.values = new long[INITIAL_CAPACITY];
                stripe.size = 0;
            }
            finally
            {
                stripe.unlock();
            }
        }
    }

    /**
     * Bytes of heap the index holds.
     *
     * @return the sum of its arrays' lengths.
     */
    public long footprintBytes()
    {
        long bytes = 0;
        for (final Stripe stripe : stripes)
        {
            bytes += 16L * stripe.keys.length;
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

    /** One lock's worth of the index. Padded so that two stripes' locks do not share a cache line. */
    @SuppressWarnings("unused")
    static final class Stripe
    {
        long p01, p02, p03, p04, p05, p06, p07;
        volatile int lock;
        long[] keys = new long[INITIAL_CAPACITY];
        long[] values = new long[INITIAL_CAPACITY];
        int size;
        long p11, p12, p13, p14, p15, p16, p17;

        void lock()
        {
            while (!LOCK.weakCompareAndSetAcquire(this, 0, 1))
            {
                Thread.onSpinWait();
            }
        }

        void unlock()
        {
            LOCK.setRelease(this, 0);
        }

        int find(final long address, final int hash)
        {
            final long[] k = keys;
            final int mask = k.length - 1;
            for (int i = hash & mask; ; i = (i + 1) & mask)
            {
                final long key = k[i];
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
            final long[] k = keys;
            final int mask = k.length - 1;
            int i = hash & mask;
            while (true)
            {
                final long key = k[i];
                if (key == address)
                {
                    final long old = values[i];
                    values[i] = value;
                    return old;
                }
                if (0 == key)
                {
                    k[i] = address;
                    values[i] = value;
                    if (++size > (k.length >>> 3) * 5)
                    {
                        grow();
                    }
                    return NONE;
                }
                i = (i + 1) & mask;
            }
        }

        long remove(final long address, final int hash)
        {
            int i = find(address, hash);
            if (i < 0)
            {
                return NONE;
            }
            final long[] k = keys;
            final long[] v = values;
            final long removed = v[i];
            final int mask = k.length - 1;
            // NOTE: backward-shift deletion: pull later entries of the probe run into the hole.
            int j = i;
            while (true)
            {
                j = (j + 1) & mask;
                final long key = k[j];
                if (0 == key)
                {
                    break;
                }
                final int home = (int)hash(key) & mask;
                // NOTE: move k[j] into the hole at i unless its home lies cyclically in (i, j].
                if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
                {
                    continue;
                }
                k[i] = key;
                v[i] = v[j];
                i = j;
            }
            k[i] = 0;
            v[i] = 0;
            size--;
            return removed;
        }

        private void grow()
        {
            final long[] oldKeys = keys;
            final long[] oldValues = values;
            final long[] k = new long[oldKeys.length << 1];
            final long[] v = new long[k.length];
            final int mask = k.length - 1;
            for (int i = 0; i < oldKeys.length; i++)
            {
                final long key = oldKeys[i];
                if (0 != key)
                {
                    int j = (int)hash(key) & mask;
                    while (0 != k[j])
                    {
                        j = (j + 1) & mask;
                    }
                    k[j] = key;
                    v[j] = oldValues[i];
                }
            }
            keys = k;
            values = v;
        }
    }
}
