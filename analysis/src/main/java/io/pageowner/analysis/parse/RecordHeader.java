package io.pageowner.analysis.parse;

/**
 * One distinct record header line, with its {@code ts} digits taken out, and the fields parsed from it once.
 * <p>
 * Headers of every format in the kernel's history are accepted:
 * <pre>
 *   Page allocated via order N[, mask 0xH[(NAMES)]][, pid N][, tgid N (COMM)][, ts N ns][, free_ts N ns]
 * </pre>
 * plus unknown {@code , name value} fields a later kernel may add. What is missing takes the kernel sorter's
 * fallback: pid and tgid -1, an empty comm, and the largest timestamp. A header that stops in the middle of a
 * field (a truncated dump) is refused with a message saying what was expected.
 */
public final class RecordHeader extends ByteTable.Entry
{
    public static final byte[] PREFIX = Bytes.ascii("Page allocated via order ");
    private static final byte[] TS_FIELD = Bytes.ascii(", ts ");
    private static final byte[] COMM_END = Bytes.ascii("), ts ");
    private static final byte[] ALLOC_PAGES = Bytes.ascii("alloc_pages");
    private static final byte[] VMALLOC_NODE_RANGE = Bytes.ascii("__vmalloc_node_range");

    public int order;
    public long pages;
    public int pid = -1;
    public int tgid = -1;
    public String comm = "";
    public String kind = "";
    public String[] kindNames = {};
    public int tsOffset = -1;
    public String module;
    public boolean containsAllocPages;
    public int vmallocVerdict = StackText.VMALLOC_NONE;

    public int commId;
    public int kindId;
    public int moduleId;
    public int filterVerdict;

    /**
     * A header for interned bytes; call {@link #parse()} before using the fields.
     *
     * @param bytes of the header line without its line end and with the ts digits removed.
     * @param hash  of the bytes.
     */
    public RecordHeader(final byte[] bytes, final int hash)
    {
        super(bytes, hash);
    }

    /**
     * Where the {@code ts} digits of a raw header line are, so they can be taken out before interning.
     *
     * @param line buffer holding the line.
     * @param from start of the line.
     * @param to   end (exclusive) of the line.
     * @return index of the first digit (the digits may be empty), or -1 if the line has no {@code , ts N ns}.
     */
    public static int findTimestamp(final byte[] line, final int from, final int to)
    {
        final int field = Bytes.lastIndexOf(line, from, to, TS_FIELD);
        if (field < 0)
        {
            return -1;
        }
        final int digits = field + TS_FIELD.length;
        final int i = Bytes.digitsEnd(line, digits, to);
        if (i + 3 <= to && line[i] == ' ' && line[i + 1] == 'n' && line[i + 2] == 's')
        {
            return digits;
        }
        return -1;
    }

    /**
     * Parse and check the fields of {@link #bytes}.
     *
     * @return null if the header is well formed, else what is wrong with it.
     */
    public String parse()
    {
        final byte[] h = bytes;
        final int n = h.length;
        if (!Bytes.startsWith(h, 0, n, PREFIX))
        {
            return "expected a record header 'Page allocated via order <n>, ...', found '" + excerpt(h, 0) + "'";
        }
        final int orderStart = PREFIX.length;
        int p = Bytes.digitsEnd(h, orderStart, n);
        if (p == orderStart || p - orderStart > 2)
        {
            return "malformed header: expected an order of 0 to 62 after 'order', found '" +
                excerpt(h, orderStart) + "'";
        }
        order = (int)Bytes.parseUnsigned(h, orderStart, p);
        if (order > 62)
        {
            return "malformed header: order " + order + " is out of range (0 to 62)";
        }
        pages = 1L << order;

        while (p < n)
        {
            if (p + 1 >= n || h[p] != ',' || h[p + 1] != ' ')
            {
                return "malformed header: expected ', <field> <value>' at '" + excerpt(h, p) + "'";
            }
            p += 2;
            final int nameStart = p;
            while (p < n && ((h[p] >= 'a' && h[p] <= 'z') || h[p] == '_'))
            {
                p++;
            }
            if (p == nameStart || p >= n || h[p] != ' ' || p + 1 >= n)
            {
                return "malformed header: truncated field at '" + excerpt(h, nameStart) + "'";
            }
            final String name = Bytes.latin1(h, nameStart, p);
            p++;
            switch (name)
            {
                case "mask":
                    p = parseMask(h, p, n);
                    break;
                case "pid":
                    p = parseInt(h, p, n, true);
                    break;
                case "tgid":
                    p = parseTgidAndComm(h, p, n);
                    break;
                case "ts":
                case "free_ts":
                    p = parseNanoseconds(h, p, n, "ts".equals(name));
                    break;
                default:
                    p = skipUnknown(h, p, n);
                    break;
            }
            if (p < 0)
            {
                return "malformed header: bad or truncated '" + name + "' field in '" + excerpt(h, nameStart) + "'";
            }
        }

        module = Bytes.firstModule(h, 0, n);
        containsAllocPages = Bytes.indexOf(h, 0, n, ALLOC_PAGES) >= 0;
        final int vmalloc = Bytes.indexOf(h, 0, n, VMALLOC_NODE_RANGE);
        if (vmalloc >= 0)
        {
            final int allocPages = Bytes.indexOf(h, 0, n, ALLOC_PAGES);
            vmallocVerdict = allocPages >= 0 && allocPages < vmalloc ? StackText.VMALLOC_YES : StackText.VMALLOC_NO;
        }
        return null;
    }

    private int parseMask(final byte[] h, final int from, final int n)
    {
        int p = from;
        if (p + 1 < n && h[p] == '0' && h[p + 1] == 'x')
        {
            p += 2;
        }
        final int digits = p;
        while (p < n && (Bytes.isDigit(h[p]) || (h[p] >= 'a' && h[p] <= 'f') || (h[p] >= 'A' && h[p] <= 'F')))
        {
            p++;
        }
        if (p == digits)
        {
            return -1;
        }
        if (p < n && h[p] == '(')
        {
            final int close = Bytes.indexOf(h, p + 1, n, (byte)')');
            if (close < 0)
            {
                return -1;
            }
            kind = Bytes.latin1(h, p + 1, close);
            kindNames = kind.isEmpty() ? new String[0] : kind.split("\\|");
            p = close + 1;
        }
        return p;
    }

    private int parseInt(final byte[] h, final int from, final int n, final boolean isPid)
    {
        int p = from;
        final boolean negative = p < n && h[p] == '-';
        if (negative)
        {
            p++;
        }
        final int digits = p;
        p = Bytes.digitsEnd(h, digits, n);
        final long value = Bytes.parseUnsigned(h, digits, p);
        if (p == digits || value < 0 || value > Integer.MAX_VALUE)
        {
            return -1;
        }
        final int result = (int)(negative ? -value : value);
        if (isPid)
        {
            pid = result;
        }
        else
        {
            tgid = result;
        }
        return p;
    }

    /**
     * {@code tgid N (COMM)}: the comm runs to the last {@code "), ts "} of the line, as the kernel's greedy regex
     * {@code tgid\s*[0-9]*\s*\((.*)\),\s*ts} takes it, so it may hold spaces and parentheses.
     */
    private int parseTgidAndComm(final byte[] h, final int from, final int n)
    {
        int p = parseInt(h, from, n, false);
        if (p < 0 || p + 1 >= n || h[p] != ' ' || h[p + 1] != '(')
        {
            return -1;
        }
        p += 2;
        final int end = Bytes.lastIndexOf(h, p, n, COMM_END);
        if (end >= 0)
        {
            comm = Bytes.latin1(h, p, end);
            return end + 1;
        }
        if (h[n - 1] == ')')
        {
            comm = Bytes.latin1(h, p, n - 1);
            return n;
        }
        return -1;
    }

    private int parseNanoseconds(final byte[] h, final int from, final int n, final boolean isTs)
    {
        final int p = Bytes.digitsEnd(h, from, n);
        if (p + 3 > n || h[p] != ' ' || h[p + 1] != 'n' || h[p + 2] != 's')
        {
            return -1;
        }
        if (isTs && p == from)
        {
            tsOffset = from;
        }
        return p + 3;
    }

    private static int skipUnknown(final byte[] h, final int from, final int n)
    {
        int p = from;
        while (p < n && !(h[p] == ',' && p + 1 < n && h[p + 1] == ' '))
        {
            p++;
        }
        return p == from ? -1 : p;
    }

    /**
     * Up to 40 characters of a line from an index, for messages.
     *
     * @param line  bytes of the line.
     * @param from  index to start at.
     * @return the excerpt.
     */
    public static String excerpt(final byte[] line, final int from)
    {
        final int end = Math.min(line.length, from + 40);
        return Bytes.latin1(line, Math.min(from, end), end) + (end < line.length ? "..." : "");
    }
}
