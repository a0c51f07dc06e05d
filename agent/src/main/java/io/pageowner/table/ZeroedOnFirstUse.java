package io.pageowner.table;

import org.agrona.UnsafeApi;

/**
 * Off-heap memory that reads as zeroed, zeroed a region at a time when a region is first used rather than all at
 * start: an index sized for a million blocks is megabytes, and zeroing it touches every page, which on a virtual
 * machine costs a page fault of several microseconds each (48 MiB took 150 ms of start-up), while a program uses a
 * few regions of it, or none (a second table for pools that never appear).
 * <p>
 * Each region of {@code 2^regionShift} bytes has a state word: dirty, being zeroed, or ready. A caller about to read or
 * write a byte calls {@link #touch(long)} first; that is one acquire load of the region's state while it is ready. The
 * first thread to find a region dirty claims it with a compare-and-set, zeroes it and publishes it ready with a
 * release store; a thread that finds it being zeroed spins until it is ready (a region is 64 KiB: microseconds).
 * Walks of the whole memory ({@link #isReady(int)}) leave out regions that are not ready: nothing was ever written
 * there. The states are a small heap array (4 bytes per region, nothing to free); the memory itself may be anything
 * until its region is ready. {@link #retire()} marks every region ready before the owner frees the memory, so
 * that a use after that never zeroes freed memory.
 */
final class ZeroedOnFirstUse
{
    /** Log2 of the default region length: 64 KiB, 16 pages of 4 KiB. */
    static final int REGION_SHIFT = 16;

    private static final int DIRTY = 0;
    private static final int ZEROING = 1;
    private static final int READY = 2;
    private static final long STATES_BASE = UnsafeApi.arrayBaseOffset(int[].class);

    private final long address;
    private final long length;
    private final int regionShift;
    private final int regions;
    private final int[] states;

    /**
     * Takes charge of memory whose contents are unknown.
     *
     * @param address     start of the memory.
     * @param length      its length in bytes.
     * @param regionShift log2 of the region length.
     */
    ZeroedOnFirstUse(final long address, final long length, final int regionShift)
    {
        this.address = address;
        this.length = length;
        this.regionShift = regionShift;
        final long count = (length + (1L << regionShift) - 1) >>> regionShift;
        if (count > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("too many regions: " + count);
        }
        regions = (int)count;
        states = new int[regions];
    }

    /**
     * Makes sure the region holding a byte is zeroed (once) before the caller uses it.
     *
     * @param offset of the byte from the start of the memory.
     */
    void touch(final long offset)
    {
        if (READY != UnsafeApi.getIntAcquire(states, STATES_BASE + ((offset >>> regionShift) << 2)))
        {
            zero((int)(offset >>> regionShift));
        }
    }

    /**
     * Whether a region has been zeroed and may hold data; a walk of the memory skips the others.
     *
     * @param region index of the region.
     * @return true if ready.
     */
    boolean isReady(final int region)
    {
        return READY == UnsafeApi.getIntAcquire(states, STATES_BASE + ((long)region << 2));
    }

    /**
     * The number of regions.
     *
     * @return regions of the memory, the last one possibly shorter.
     */
    int regions()
    {
        return regions;
    }

    /**
     * Offset of the first byte of a region.
     *
     * @param region index of the region.
     * @return its offset from the start of the memory.
     */
    long regionStart(final int region)
    {
        return (long)region << regionShift;
    }

    /**
     * Length of a region: the region length, or less for the last one.
     *
     * @param region index of the region.
     * @return bytes.
     */
    long regionLength(final int region)
    {
        return Math.min(1L << regionShift, length - regionStart(region));
    }

    /**
     * Marks every region ready without zeroing it, before the owner frees the memory: a touch after that (a use
     * after close, which the owner's own checks then refuse) must not write to freed memory. No other thread may
     * be using the memory.
     */
    void retire()
    {
        for (int region = 0; region < regions; region++)
        {
            UnsafeApi.putIntVolatile(states, STATES_BASE + ((long)region << 2), READY);
        }
    }

    private void zero(final int region)
    {
        final long state = STATES_BASE + ((long)region << 2);
        while (true)
        {
            final int current = UnsafeApi.getIntVolatile(states, state);
            if (READY == current)
            {
                return;
            }
            if (DIRTY == current && UnsafeApi.compareAndSetInt(states, state, DIRTY, ZEROING))
            {
                UnsafeApi.setMemory(address + regionStart(region), regionLength(region), (byte)0);
                UnsafeApi.putIntRelease(states, state, READY);
                return;
            }
            Thread.onSpinWait();
        }
    }
}
