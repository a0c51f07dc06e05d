package io.pageowner.dump;

import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.instrument.Kind;
import io.pageowner.table.OwnerRecord;

/**
 * Formats records the way the kernel's {@code /sys/kernel/debug/page_owner} prints pages:
 * <pre>
 * Page allocated via order 2, mask 0x1(UNSAFE), pid 1, tgid 48213 (main), ts 812345678 ns
 * PFN 0x7f3a2c001 type Unsafe Block 66934272 type Unsafe Flags 0x0(address=0x7f3a2c001010|bytes=10000|pages=3)
 *  jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:632)
 *  com.example.Cache.load(Cache.java:42)
 *
 * </pre>
 * Field mapping: order = ceil(log2(pages spanned)), since the kernel's sorter counts 2^order pages;
 * mask = the kind bits and names where the kernel has gfp flags; pid = the Java thread id;
 * tgid = the process id; comm = the thread name cut to 15 bytes; ts = ns since the JVM started.
 * The PFN line, which the kernel's sorter leaves out of what it groups, carries the first page
 * number, the kind in both type fields, the pageblock ({@code pfn >> 9}) and, inside the flags'
 * parentheses, the exact start address, byte size and page count.
 */
public final class PageOwnerFormat
{
    /** The kernel's pageblock_order on x86-64 with 4 KiB pages. */
    public static final int PAGEBLOCK_ORDER = 9;
    /** Trailer lines start with this; the kernel's sorter drops them as an unterminated block. */
    public static final String TRAILER_PREFIX = "# ";

    private final StackDepot stacks;
    private final ThreadDepot threads;
    private final long pid;

    /**
     * Creates a formatter.
     *
     * @param stacks    to resolve stack ids.
     * @param threads   to resolve thread refs.
     * @param pid       the process id, printed as tgid.
     */
    public PageOwnerFormat(final StackDepot stacks, final ThreadDepot threads, final long pid)
    {
        this.stacks = stacks;
        this.threads = threads;
        this.pid = pid;
    }

    /**
     * Appends one record, with its trailing empty line.
     *
     * @param record to format.
     * @param out    to append to.
     */
    public void append(final OwnerRecord record, final StringBuilder out)
    {
        final long firstPage = record.firstPage();
        final long pages = record.pageCount();
        final ThreadDepot.Entry thread = threads.entry(record.threadRef());
        final String type = Kind.type(record.kind());

        out.append("Page allocated via order ").append(record.order())
            .append(", mask 0x").append(Integer.toHexString(record.kind())).append('(').append(Kind.names(record.kind()))
            .append("), pid ").append(thread.threadId())
            .append(", tgid ").append(pid).append(" (").append(thread.comm()).append(')')
            .append(", ts ").append(record.timestampNs()).append(" ns\n");
        out.append("PFN 0x").append(Long.toHexString(firstPage))
            .append(" type ").append(type)
            .append(" Block ").append(firstPage >>> PAGEBLOCK_ORDER)
            .append(" type ").append(type)
            .append(" Flags 0x0(address=0x").append(Long.toHexString(record.address()))
            .append("|bytes=").append(record.size())
            .append("|pages=").append(pages).append(")\n");
        for (final String frame : stacks.frames(record.stackId()))
        {
            out.append(' ').append(frame).append('\n');
        }
        out.append('\n');
    }
}
