package io.pageowner.dump;

import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.record.Kind;
import io.pageowner.record.MappedFiles;
import io.pageowner.table.OwnerRecord;

import java.io.File;
import java.nio.charset.StandardCharsets;

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
 * parentheses, the exact start address, byte size and page count; for a mapping also the file and
 * the file offset of its first byte (one line, wrapped here):
 * <pre>
 * PFN 0x7f3a2c000 type Mapped Block 66934272 type Mapped Flags 0x0(address=0x7f3a2c000000|bytes=10904|pages=3
 *     |file=/data/x.bin|offset=4096)
 * </pre>
 * In sampled mode ({@code sample=P}) every record is a sample and its flags end with its weight,
 * {@code |weight=W}: the number of allocations it stands for, {@code 1 / (1 - exp(-bytes / P))}, the
 * inverse of the chance that an allocation of its size was sampled (three decimals; 1.000 for one
 * much larger than P); the sorter sums weights where it would count records.
 * <p>
 * The path is percent-escaped ({@link #appendEscaped(String, StringBuilder)}) so that it can neither
 * break the line's syntax nor make the kernel's sorter see an allocator in it.
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
    private final MappedFiles mappedFiles;
    private final DumpMode mode;

    /**
     * Creates a formatter.
     *
     * @param stacks      to resolve stack ids.
     * @param threads     to resolve thread refs.
     * @param pid         the process id, printed as tgid.
     * @param mappedFiles the file of each live mapping.
     * @param mode        full, or sampled with the interval that weighs each record.
     */
    public PageOwnerFormat(
        final StackDepot stacks,
        final ThreadDepot threads,
        final long pid,
        final MappedFiles mappedFiles,
        final DumpMode mode)
    {
        this.mode = mode;
        this.stacks = stacks;
        this.threads = threads;
        this.pid = pid;
        this.mappedFiles = mappedFiles;
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
            .append(", mask 0x").append(Integer.toHexString(record.kind()))
            .append('(').append(Kind.names(record.kind()))
            .append("), pid ").append(thread.threadId())
            .append(", tgid ").append(pid).append(" (").append(thread.comm()).append(')')
            .append(", ts ").append(record.timestampNs()).append(" ns\n");
        out.append("PFN 0x").append(Long.toHexString(firstPage))
            .append(" type ").append(type)
            .append(" Block ").append(firstPage >>> PAGEBLOCK_ORDER)
            .append(" type ").append(type)
            .append(" Flags 0x0(address=0x").append(Long.toHexString(record.address()))
            .append("|bytes=").append(record.size())
            .append("|pages=").append(pages);
        if (0 != (record.kind() & Kind.MAPPED))
        {
            appendMapping(mappedFiles.get(record.address()), out);
        }
        if (0 != (record.kind() & Kind.POOL_CHUNK))
        {
            out.append("|pool=chunk");
        }
        if (mode.isSampled())
        {
            appendDecimal(mode.weight(record.size()), out.append("|weight="));
        }
        out.append(")\n");
        for (final String frame : stacks.frames(record.stackId()))
        {
            out.append(' ').append(frame).append('\n');
        }
        out.append('\n');
    }

    /**
     * How many allocations a sampled one of this size stands for.
     *
     * @param size        its bytes.
     * @param sampleBytes the mean sampling interval, above 0.
     * @return {@code 1 / (1 - exp(-size / sampleBytes))}, at least 1.
     */
    public static double weight(final long size, final long sampleBytes)
    {
        // NOTE: expm1 keeps the precision for sizes far below the interval, where p is tiny.
        final double p = -Math.expm1(-(double)Math.max(1, size) / sampleBytes);
        return p > 0 ? Math.max(1.0, 1.0 / p) : (double)sampleBytes;
    }

    /**
     * Appends a positive number with three decimals, without a locale and without formatting objects.
     *
     * @param value to append.
     * @param out   to append to.
     */
    static void appendDecimal(final double value, final StringBuilder out)
    {
        final long thousandths = Math.round(value * 1000);
        final long fraction = thousandths % 1000;
        out.append(thousandths / 1000).append('.');
        if (fraction < 100)
        {
            out.append('0');
        }
        if (fraction < 10)
        {
            out.append('0');
        }
        out.append(fraction);
    }

    /**
     * Whether records are samples, and the interval they are weighed by.
     *
     * @return the mode this formatter was made for.
     */
    public DumpMode mode()
    {
        return mode;
    }

    private static void appendMapping(final MappedFiles.Mapping mapping, final StringBuilder out)
    {
        if (null == mapping)
        {
            return;
        }
        if (null != mapping.path())
        {
            out.append("|file=");
            // NOTE: File, not Path: no file system access and no exception for any string.
            appendEscaped(new File(mapping.path()).getAbsolutePath(), out);
        }
        if (mapping.offset() >= 0)
        {
            out.append("|offset=").append(mapping.offset());
        }
    }

    /**
     * Appends a file path so that it stays one field of the PFN line's flags: each UTF-8 byte of
     * {@code |}, {@code (}, {@code )}, {@code %}, whitespace and control characters is written as
     * {@code %xx}; so is the first letter of every {@code CMA} and {@code slab}, which the kernel's
     * sorter would otherwise take for an allocator name ({@code %43MA}, {@code %73lab}). Hex digits
     * are lower case, so that no escape can end in a {@code C} that makes a new {@code CMA}.
     *
     * @param path to append.
     * @param out  to append to.
     */
    public static void appendEscaped(final String path, final StringBuilder out)
    {
        final int length = path.length();
        for (int i = 0; i < length; i++)
        {
            final char c = path.charAt(i);
            if (path.startsWith("CMA", i) || path.startsWith("slab", i) || mustEscape(c))
            {
                // NOTE: every character escaped is in the BMP and no surrogate, so one char is a whole code point.
                for (final byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8))
                {
                    out.append('%')
                        .append(Character.forDigit((b >> 4) & 0xF, 16))
                        .append(Character.forDigit(b & 0xF, 16));
                }
            }
            else
            {
                out.append(c);
            }
        }
    }

    private static boolean mustEscape(final char c)
    {
        return '|' == c || '(' == c || ')' == c || '%' == c || Character.isISOControl(c) ||
            Character.isWhitespace(c) || Character.isSpaceChar(c);
    }
}
