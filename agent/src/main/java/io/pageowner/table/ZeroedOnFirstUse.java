package io.pageowner.table;


import java.util.Arrays;

/**
 * Off-heap memory that reads as zeroed, zeroed a region at a time when a region is first used rather than all at
 * start: an index sized for a million blocks is megabytes, and zeroing it touches every page, which on a virtual
 * machine costs a page fault of several microseconds each (48 MiB took 150 ms of start-up), while a program uses a
 * few regions of it, or none (a second table for pools that never appear).
 * <p>
 * Each region of {@code 2^regionShift} bytes has a flag: ready or not. A caller about to read or write a byte calls
 * {@link #touch(long)} first; while the region is ready that is one load of its flag and a load fence (an acquire).
 * A thread that finds a region not ready takes this object's lock, zeroes the region if nobody did meanwhile, and
 * publishes it ready after a store fence (a release); a thread that comes meanwhile waits on the lock, microseconds
 * for a 64 KiB region. The lock is taken once per region, so it costs nothing after start.
 * Walks of the whole memory ({@link #isReady(int)}) leave out regions that are not ready: nothing was ever written
 * there. The flags are a small heap array (a byte per region, nothing to free); the memory itself may be anything
 * until its region is ready. {@link #retire()} marks every region ready before the owner frees the memory, so
 * that a use after that never zeroes freed memory.
 */
final class ZeroedOnFirstUse
{
    /** Log2 of the default region length: 64 KiB, 16 pages of 4 KiB. */
    static final int REGION_SHIFT = 16;

    private final long address;
    private final long length;
    private final int regionShift;
    private final int regions;
    /** Per region, whether it is zeroed: written under the lock after a store fence, read with a load fence after. */
    private final boolean[] ready;

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
        ready = new boolean[regions];
    }

    /**
     * Makes sure the region holding a byte is zeroed (once) before the caller uses it.
     *
     * @param offset of the byte from the start of the memory.
     */
    void touch(final long offset)
    {
        final int region = (int)(offset >>> regionShift);
        if (!ready[region])
        {
            zero(region);
        }
        // NOTE: acquire: the caller's reads of the region come after the flag's, and so see its zeroes.
        RawMemory.loadFence();
    }

    /**
     * Whether a region has been zeroed and may hold data; a walk of the memory skips the others.
     *
     * @param region index of the region.
     * @return true if ready.
     */
    boolean isReady(final int region)
    {
        final boolean result = ready[region];
        RawMemory.loadFence();
        return result;
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
    synchronized void retire()
    {
        Arrays.fill(ready, true);
    }

    private synchronized void zero(final int region)
    {
        if (!ready[region])
        {
            RawMemory.setMemory(address + regionStart(region), regionLength(region), (byte)0);
            // NOTE: release: whoever sees the flag set sees the zeroes too.
            RawMemory.storeFence();
            ready[region] = true;
        }
    }
}
