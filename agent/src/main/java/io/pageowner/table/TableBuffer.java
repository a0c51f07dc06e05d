package io.pageowner.table;


import java.util.Objects;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * The owner table's index memory: the few atomic and plain accesses the table makes, each bounds-checked as
 * Agrona's {@code UnsafeBuffer} does with its checks on (its default), which this replaces.
 * <p>
 * NOTE: {@code UnsafeBuffer}'s interfaces read Agrona's {@code SystemUtil} when they initialise, and its
 * static initialiser asks {@code ProcessHandle} for the pid, which sets up the JDK's process reaper: 10-14 ms
 * of every agent start (issue 19.1), for two system properties the table never needed.
 * {@link #retire()} sets the capacity to zero before the owner frees the memory, so a use after close fails a
 * check instead of touching freed memory, as {@code wrap(new byte[0])} did.
 */
final class TableBuffer
{
    private final long address;
    private int capacity;

    /**
     * Takes charge of memory.
     *
     * @param address  its first byte.
     * @param capacity its length in bytes.
     */
    TableBuffer(final long address, final int capacity)
    {
        this.address = address;
        this.capacity = capacity;
    }

    int getIntVolatile(final int index)
    {
        boundsCheck(index, SIZE_OF_INT);
        return RawMemory.getIntVolatile(null, address + index);
    }

    void putIntRelease(final int index, final int value)
    {
        boundsCheck(index, SIZE_OF_INT);
        RawMemory.putIntRelease(null, address + index, value);
    }

    boolean compareAndSetInt(final int index, final int expected, final int value)
    {
        boundsCheck(index, SIZE_OF_INT);
        return RawMemory.compareAndSetInt(null, address + index, expected, value);
    }

    long getLong(final int index)
    {
        boundsCheck(index, SIZE_OF_LONG);
        return RawMemory.getLong(null, address + index);
    }

    long getLongVolatile(final int index)
    {
        boundsCheck(index, SIZE_OF_LONG);
        return RawMemory.getLongVolatile(null, address + index);
    }

    boolean compareAndSetLong(final int index, final long expected, final long value)
    {
        boundsCheck(index, SIZE_OF_LONG);
        return RawMemory.compareAndSetLong(null, address + index, expected, value);
    }

    long getAndAddLong(final int index, final long delta)
    {
        boundsCheck(index, SIZE_OF_LONG);
        return RawMemory.getAndAddLong(null, address + index, delta);
    }

    /**
     * No access succeeds after this: the memory is about to be freed.
     */
    void retire()
    {
        capacity = 0;
    }

    private void boundsCheck(final int index, final int length)
    {
        Objects.checkFromIndexSize(index, length, capacity);
    }
}
