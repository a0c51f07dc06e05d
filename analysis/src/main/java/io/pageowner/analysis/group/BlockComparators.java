package io.pageowner.analysis.group;


import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Orders groups: by the sort keys of the command line, then, where they tie, by what makes a group a group
 * (the kernel's cull comparison: the whole text, or the culled fields in the kernel's order), then by the
 * representative's text, then by first appearance. The kernel leaves ties to qsort; glibc's qsort is a stable
 * merge sort over the list its cull pass left in cull order, so this tie order is the one it prints in practice,
 * and ours is the same on every run.
 */
public final class BlockComparators
{
    private static final byte[] NEWLINE = { '\n' };

    private BlockComparators()
    {
    }

    /**
     * The comparator for a run of an unsampled dump.
     *
     * @param options of the run.
     * @return the comparator.
     */
    public static Comparator<Group> forOptions(final GroupOptions options)
    {
        return forOptions(options, false);
    }

    /**
     * The comparator for a run.
     *
     * @param options   of the run.
     * @param estimated whether times, pages and bytes sort by their estimates (a sampled dump counted with its
     *                  weights) rather than by the plain sums.
     * @return the comparator.
     */
    public static Comparator<Group> forOptions(final GroupOptions options, final boolean estimated)
    {
        final SortKey[] keys = options.sortKeys();
        final int[] signs = options.sortSigns();
        final int cull = options.cull();
        return (a, b) ->
        {
            for (int i = 0; i < keys.length; i++)
            {
                final int c = estimated ? compareEstimated(keys[i], a, b) : compare(keys[i], a, b);
                if (c != 0)
                {
                    return signs[i] * Integer.signum(c);
                }
            }
            int c = compareCull(cull, a, b);
            if (c != 0)
            {
                return c;
            }
            c = compareText(a, b);
            if (c != 0)
            {
                return c;
            }
            return Long.compare(a.firstSeen, b.firstSeen);
        };
    }

    private static int compareCull(final int cull, final Group a, final Group b)
    {
        if (cull == 0)
        {
            return compareText(a, b);
        }
        final SortKey[] order =
        {
            SortKey.STACKTRACE, SortKey.PID, SortKey.TGID, SortKey.NAME, SortKey.MODULE, SortKey.ALLOCATOR,
            SortKey.KIND, SortKey.FRAME
        };
        for (final SortKey key : order)
        {
            if ((cull & key.bit()) != 0)
            {
                final int c = compare(key, a, b);
                if (c != 0)
                {
                    return c;
                }
            }
        }
        return 0;
    }

    /**
     * Compare two groups on one key, ascending, with times, pages and bytes by their estimates.
     *
     * @param key to compare on.
     * @param a   first group.
     * @param b   second group.
     * @return negative, zero or positive.
     */
    public static int compareEstimated(final SortKey key, final Group a, final Group b)
    {
        switch (key)
        {
            case TIMES:
                return Double.compare(a.estimatedTimes(), b.estimatedTimes());
            case PAGES:
                return Double.compare(a.estimatedPages(), b.estimatedPages());
            case BYTES:
                return Double.compare(a.estimatedBytes(), b.estimatedBytes());
            default:
                return compare(key, a, b);
        }
    }

    /**
     * Compare two groups on one key, ascending.
     *
     * @param key to compare on.
     * @param a   first group.
     * @param b   second group.
     * @return negative, zero or positive.
     */
    public static int compare(final SortKey key, final Group a, final Group b)
    {
        switch (key)
        {
            case TIMES:
                return Long.compare(a.times, b.times);
            case PAGES:
                return Long.compare(a.pages, b.pages);
            case BYTES:
                return Long.compare(a.bytes, b.bytes);
            case PID:
                return Integer.compare(a.header.pid, b.header.pid);
            case TGID:
                return Integer.compare(a.header.tgid, b.header.tgid);
            case NAME:
                return a.header.comm.compareTo(b.header.comm);
            case STACKTRACE:
                return Integer.compare(a.stack.rank, b.stack.rank);
            case TXT:
                return compareText(a, b);
            case ALLOC_TS:
                return Long.compareUnsigned(a.minTimestamp, b.minTimestamp);
            case ALLOCATOR:
                return Integer.compare(a.representativeAllocator, b.representativeAllocator);
            case MODULE:
                return a.module.compareTo(b.module);
            case KIND:
                return a.header.kind.compareTo(b.header.kind);
            case FRAME:
                return a.stack.topFrame().compareTo(b.stack.topFrame());
            default:
                throw new IllegalArgumentException(key.name());
        }
    }

    /**
     * Compare the representatives' texts as strcmp would compare the kernel's block texts.
     *
     * @param a first group.
     * @param b second group.
     * @return negative, zero or positive.
     */
    public static int compareText(final Group a, final Group b)
    {
        final boolean aHasTs = a.representativeTs >= 0 && a.header.tsOffset >= 0;
        final boolean bHasTs = b.representativeTs >= 0 && b.header.tsOffset >= 0;
        if (!aHasTs && !bHasTs)
        {
            if (a.header != b.header)
            {
                return Integer.compare(a.header.rank, b.header.rank);
            }
            return Integer.compare(a.stack.rank, b.stack.rank);
        }
        final Segments x = new Segments(a);
        final Segments y = new Segments(b);
        while (true)
        {
            if (x.done() || y.done())
            {
                return Boolean.compare(!x.done(), !y.done());
            }
            final int length = Math.min(x.remaining(), y.remaining());
            final int mismatch = Arrays.mismatch(
                x.array(), x.position(), x.position() + length, y.array(), y.position(), y.position() + length);
            if (mismatch >= 0)
            {
                return Integer.compare(
                    x.array()[x.position() + mismatch] & 0xFF, y.array()[y.position() + mismatch] & 0xFF);
            }
            x.advance(length);
            y.advance(length);
        }
    }

    /**
     * Compare two lines as strcmp compares them with their {@code \n} after them.
     *
     * @param a first line, without line end.
     * @param b second line, without line end.
     * @return negative, zero or positive.
     */
    public static int compareLines(final byte[] a, final byte[] b)
    {
        final int mismatch = Arrays.mismatch(a, b);
        if (mismatch < 0)
        {
            return 0;
        }
        final int x = mismatch < a.length ? a[mismatch] & 0xFF : '\n';
        final int y = mismatch < b.length ? b[mismatch] & 0xFF : '\n';
        return Integer.compare(x, y);
    }

    /**
     * Write a representative's text: the header line (with its timestamp digits when they are kept), its line end,
     * and the stack text.
     *
     * @param group to write.
     * @param out   to write to.
     * @throws IOException if writing fails.
     */
    public static void writeText(final Group group, final OutputStream out) throws IOException
    {
        final byte[] header = group.header.bytes;
        if (group.representativeTs >= 0 && group.header.tsOffset >= 0)
        {
            final int offset = group.header.tsOffset;
            out.write(header, 0, offset);
            out.write(digits(group.representativeTs));
            out.write(header, offset, header.length - offset);
        }
        else
        {
            out.write(header);
        }
        out.write('\n');
        out.write(group.stack.bytes);
    }

    /**
     * The header line of a representative as text, with its timestamp digits when they are kept.
     *
     * @param group to render.
     * @return the header line, one char per byte.
     */
    public static String headerLine(final Group group)
    {
        final String header = new String(group.header.bytes, StandardCharsets.ISO_8859_1);
        if (group.representativeTs >= 0 && group.header.tsOffset >= 0)
        {
            final int offset = group.header.tsOffset;
            return header.substring(0, offset) + Long.toString(group.representativeTs) + header.substring(offset);
        }
        return header;
    }

    private static byte[] digits(final long value)
    {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Walks a representative's text as up to five array ranges without building it.
     */
    private static final class Segments
    {
        private final byte[][] arrays = new byte[5][];
        private final int[] starts = new int[5];
        private final int[] ends = new int[5];
        private int count;
        private int index;
        private int position;

        Segments(final Group group)
        {
            final byte[] header = group.header.bytes;
            if (group.representativeTs >= 0 && group.header.tsOffset >= 0)
            {
                final int offset = group.header.tsOffset;
                add(header, 0, offset);
                final byte[] digits = digits(group.representativeTs);
                add(digits, 0, digits.length);
                add(header, offset, header.length);
            }
            else
            {
                add(header, 0, header.length);
            }
            add(NEWLINE, 0, 1);
            add(group.stack.bytes, 0, group.stack.bytes.length);
            position = count > 0 ? starts[0] : 0;
            skipEmpty();
        }

        private void add(final byte[] array, final int start, final int end)
        {
            arrays[count] = array;
            starts[count] = start;
            ends[count] = end;
            count++;
        }

        private void skipEmpty()
        {
            while (index < count && position >= ends[index])
            {
                index++;
                if (index < count)
                {
                    position = starts[index];
                }
            }
        }

        boolean done()
        {
            return index >= count;
        }

        int remaining()
        {
            return ends[index] - position;
        }

        byte[] array()
        {
            return arrays[index];
        }

        int position()
        {
            return position;
        }

        void advance(final int length)
        {
            position += length;
            skipEmpty();
        }
    }
}
