package io.pageowner.table;

import jdk.internal.misc.Unsafe;

/**
 * The memory accesses the tables make, straight to the JDK's {@link Unsafe} (its package is exported to the
 * agent's loader), with the signatures of Agrona's {@code UnsafeApi} that the tables used before. Agrona's
 * class mirrors all of {@code Unsafe}: a 78 KB class, the largest the agent loaded at start, whose loading,
 * parsing and linking were 3-5 ms of a warm {@code =on} start; the tables use 19 of its methods. Each method
 * here is a static call the JIT inlines into the intrinsic, as Agrona's is.
 */
final class RawMemory
{
    private static final Unsafe UNSAFE = Unsafe.getUnsafe();

    private RawMemory()
    {
    }

    static long allocateMemory(final long bytes)
    {
        return UNSAFE.allocateMemory(bytes);
    }

    static void freeMemory(final long address)
    {
        UNSAFE.freeMemory(address);
    }

    static void setMemory(final long address, final long bytes, final byte value)
    {
        UNSAFE.setMemory(address, bytes, value);
    }

    static long objectFieldOffset(final Class<?> type, final String field)
    {
        return UNSAFE.objectFieldOffset(type, field);
    }

    static void loadFence()
    {
        UNSAFE.loadFence();
    }

    static void storeFence()
    {
        UNSAFE.storeFence();
    }

    static long getLong(final long address)
    {
        return UNSAFE.getLong(address);
    }

    static long getLong(final Object base, final long offset)
    {
        return UNSAFE.getLong(base, offset);
    }

    static int getInt(final long address)
    {
        return UNSAFE.getInt(address);
    }

    static int getInt(final Object base, final long offset)
    {
        return UNSAFE.getInt(base, offset);
    }

    static void putLong(final long address, final long value)
    {
        UNSAFE.putLong(address, value);
    }

    static void putLong(final Object base, final long offset, final long value)
    {
        UNSAFE.putLong(base, offset, value);
    }

    static void putInt(final long address, final int value)
    {
        UNSAFE.putInt(address, value);
    }

    static void putInt(final Object base, final long offset, final int value)
    {
        UNSAFE.putInt(base, offset, value);
    }

    static long getLongVolatile(final Object base, final long offset)
    {
        return UNSAFE.getLongVolatile(base, offset);
    }

    static int getIntVolatile(final Object base, final long offset)
    {
        return UNSAFE.getIntVolatile(base, offset);
    }

    static long getLongOpaque(final Object base, final long offset)
    {
        return UNSAFE.getLongOpaque(base, offset);
    }

    static long getLongAcquire(final Object base, final long offset)
    {
        return UNSAFE.getLongAcquire(base, offset);
    }

    static void putLongRelease(final Object base, final long offset, final long value)
    {
        UNSAFE.putLongRelease(base, offset, value);
    }

    static void putLongOpaque(final Object base, final long offset, final long value)
    {
        UNSAFE.putLongOpaque(base, offset, value);
    }

    static void putIntRelease(final Object base, final long offset, final int value)
    {
        UNSAFE.putIntRelease(base, offset, value);
    }

    static boolean compareAndSetLong(final Object base, final long offset, final long expected, final long value)
    {
        return UNSAFE.compareAndSetLong(base, offset, expected, value);
    }

    static boolean compareAndSetInt(final Object base, final long offset, final int expected, final int value)
    {
        return UNSAFE.compareAndSetInt(base, offset, expected, value);
    }

    static long getAndAddLong(final Object base, final long offset, final long delta)
    {
        return UNSAFE.getAndAddLong(base, offset, delta);
    }
}
