package io.pageowner.table;

/**
 * A plain, mutable copy of one owner record, filled by an {@link OwnerTable} and reused by callers so that
 * reading records allocates nothing.
 * <p>
 * The page span is derived from the address, the size and the page shift: the first page is
 * {@code address >>> pageShift}, the last is {@code (address + max(size, 1) - 1) >>> pageShift}, and the order is
 * {@code ceil(log2(pageCount))}, the way the kernel's {@code page_owner_sort} reads {@code 2^order} pages. A size
 * of 0 still owns the page its address is in.
 * <p>
 * Not thread safe: each thread uses its own instance.
 */
public final class OwnerRecord
{
    /**
     * Page shift a new record uses until it is filled: 4 KiB pages.
     */
    public static final int DEFAULT_PAGE_SHIFT = 12;

    private long address;
    private long size;
    private long timestampNs;
    private int threadRef;
    private int stackId;
    private int kind;
    private int pageShift = DEFAULT_PAGE_SHIFT;

    /**
     * Fill every field at once.
     *
     * @param address   of the first byte.
     * @param size      in bytes.
     * @param timestampNs when the memory was allocated.
     * @param threadRef of the allocating thread, as interned by the caller.
     * @param stackId   of the allocating stack, as stored by the caller.
     * @param kind      flags of the allocation.
     * @param pageShift log2 of the page size used for the page span.
     * @return this for a fluent API.
     */
    public OwnerRecord set(
        final long address,
        final long size,
        final long timestampNs,
        final int threadRef,
        final int stackId,
        final int kind,
        final int pageShift)
    {
        this.address = address;
        this.size = size;
        this.timestampNs = timestampNs;
        this.threadRef = threadRef;
        this.stackId = stackId;
        this.kind = kind;
        this.pageShift = pageShift;

        return this;
    }

    /**
     * Copy every field of another record into this one.
     *
     * @param other record to copy from.
     * @return this for a fluent API.
     */
    public OwnerRecord copyFrom(final OwnerRecord other)
    {
        return set(
            other.address, other.size, other.timestampNs, other.threadRef, other.stackId, other.kind, other.pageShift);
    }

    /**
     * Address of the first byte of the allocation.
     *
     * @return address of the first byte of the allocation.
     */
    public long address()
    {
        return address;
    }

    /**
     * Size of the allocation in bytes.
     *
     * @return size of the allocation in bytes.
     */
    public long size()
    {
        return size;
    }

    /**
     * Time of the allocation in nanoseconds, as given by the caller.
     *
     * @return time of the allocation in nanoseconds.
     */
    public long timestampNs()
    {
        return timestampNs;
    }

    /**
     * Reference to the allocating thread, as interned by the caller.
     *
     * @return reference to the allocating thread.
     */
    public int threadRef()
    {
        return threadRef;
    }

    /**
     * Id of the allocating stack in the caller's stack depot.
     *
     * @return id of the allocating stack.
     */
    public int stackId()
    {
        return stackId;
    }

    /**
     * Kind flags of the allocation, from 0 to {@link OwnerTableDescriptor#MAX_KIND}.
     *
     * @return kind flags of the allocation.
     */
    public int kind()
    {
        return kind;
    }

    /**
     * Log2 of the page size used for the page span.
     *
     * @return log2 of the page size.
     */
    public int pageShift()
    {
        return pageShift;
    }

    /**
     * Address of the last byte the allocation owns: {@code address + max(size, 1) - 1}, capped at the top of the
     * address space.
     *
     * @return address of the last owned byte.
     */
    public long lastAddress()
    {
        return lastAddress(address, size);
    }

    /**
     * Number of the page holding the first byte.
     *
     * @return number of the first page.
     */
    public long firstPage()
    {
        return address >>> pageShift;
    }

    /**
     * Number of the page holding the last owned byte.
     *
     * @return number of the last page.
     */
    public long lastPage()
    {
        return lastAddress(address, size) >>> pageShift;
    }

    /**
     * Number of pages the allocation touches, at least 1.
     *
     * @return number of pages spanned.
     */
    public long pageCount()
    {
        return pageCount(address, size, pageShift);
    }

    /**
     * Allocation order: {@code ceil(log2(pageCount()))}.
     *
     * @return the order, 0 for a single page.
     */
    public int order()
    {
        return order(pageCount());
    }

    /**
     * Is an address inside the bytes this allocation owns.
     *
     * @param address to test.
     * @return true if {@code address} is in {@code [address(), lastAddress()]}.
     */
    public boolean contains(final long address)
    {
        return contains(this.address, size, address);
    }

    /**
     * Address of the last byte an allocation owns: {@code address + max(size, 1) - 1}, capped at the top of the
     * address space.
     *
     * @param address of the first byte.
     * @param size    in bytes.
     * @return address of the last owned byte.
     */
    public static long lastAddress(final long address, final long size)
    {
        final long last = address + (size > 0 ? size : 1) - 1;

        return Long.compareUnsigned(last, address) < 0 ? -1L : last;
    }

    /**
     * Number of pages an allocation touches.
     *
     * @param address   of the first byte.
     * @param size      in bytes.
     * @param pageShift log2 of the page size.
     * @return number of pages spanned, at least 1.
     */
    public static long pageCount(final long address, final long size, final int pageShift)
    {
        return (lastAddress(address, size) >>> pageShift) - (address >>> pageShift) + 1;
    }

    /**
     * The order of a page count: the smallest {@code n} with {@code 2^n >= pageCount}.
     *
     * @param pageCount number of pages, at least 1.
     * @return the order: 0 for 1 page, 1 for 2, 2 for 3 or 4, 3 for 5 to 8, ...
     */
    public static int order(final long pageCount)
    {
        return pageCount <= 1 ? 0 : Long.SIZE - Long.numberOfLeadingZeros(pageCount - 1);
    }

    /**
     * Is an address inside the bytes an allocation owns, with no overflow at the top of the address space.
     *
     * @param start   of the allocation.
     * @param size    of the allocation in bytes.
     * @param address to test.
     * @return true if {@code address} is in {@code [start, lastAddress(start, size)]}.
     */
    public static boolean contains(final long start, final long size, final long address)
    {
        return Long.compareUnsigned(address, start) >= 0 &&
            Long.compareUnsigned(address, lastAddress(start, size)) <= 0;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "OwnerRecord{" +
            "address=0x" + Long.toHexString(address) +
            ", size=" + size +
            ", timestampNs=" + timestampNs +
            ", threadRef=" + threadRef +
            ", stackId=" + stackId +
            ", kind=0x" + Integer.toHexString(kind) +
            ", pages=" + pageCount() +
            ", order=" + order() +
            '}';
    }
}
