package io.pageowner.analysis.group;

import io.pageowner.analysis.parse.ByteTable;
import io.pageowner.analysis.parse.Bytes;
import io.pageowner.analysis.parse.LineReader;
import io.pageowner.analysis.parse.RecordFields;
import io.pageowner.analysis.parse.RecordHeader;
import io.pageowner.analysis.parse.SortException;
import io.pageowner.analysis.parse.StackText;
import io.pageowner.analysis.parse.StringIds;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a page_owner dump block by block and aggregates each record into its group as soon as it is read, so
 * no record is held after its line.
 * <p>
 * Blocks are split the way the kernel's sorter splits them (an empty line ends a record, {@code PFN} lines are
 * kept out of the record text and only looked at for the allocator and our {@code bytes=} field), with these
 * repairs where the kernel's silently loses data:
 * <ul>
 *     <li>CRLF line ends are read as LF; a line of only blanks ends a record like an empty one; several empty
 *     lines in a row are one separator.</li>
 *     <li>The last record needs no empty line after it.</li>
 *     <li>A header line ({@code Page allocated via order}) or a comment line ({@code # }) inside a record starts
 *     a new block, so a missing separator costs nothing.</li>
 *     <li>Blocks of lines starting with {@code #} are the dump's trailer (or other comments); they are kept
 *     aside, not counted as records.</li>
 * </ul>
 * A record that is damaged (binary bytes, a line over 1 MiB, a record over 16 MiB, a header that is not one
 * or is cut short, no stack, or an unterminated last line that is cut short) is skipped and counted, or, in
 * strict mode, ends the run.
 */
public final class BlockParser
{
    /**
     * Longest record kept, in bytes; a longer one is damaged.
     */
    public static final int MAX_RECORD_LENGTH = 16 << 20;

    /**
     * Damaged records listed on stderr (all of them with {@code -d}).
     */
    public static final int DAMAGE_EXAMPLES = 5;

    private static final int MAX_COMMENT_LINES = 1000;
    private static final int NONE = 0;
    private static final int RECORD = 1;
    private static final int COMMENT = 2;

    private static final byte[] PFN = Bytes.ascii("PFN");
    private static final byte[] CMA = Bytes.ascii("CMA");
    private static final byte[] SLAB = Bytes.ascii("slab");
    private static final byte[] BYTES_FIELD = Bytes.ascii("bytes=");
    private static final byte[] WEIGHT_FIELD = Bytes.ascii("weight=");
    private static final byte[] SAMPLING = Bytes.ascii("# sampling:");
    private static final byte[] MEAN_INTERVAL = Bytes.ascii(" mean interval ");
    private static final byte[] BYTES_UNIT = Bytes.ascii(" bytes");
    private static final int WEIGHT_EXCERPT = 40;
    private static final double[] POWERS_OF_TEN =
    {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22
    };
    private static final byte[] JVM_FLAGS = Bytes.ascii(" Flags 0x0(address=");
    private static final byte[] MIGRATED = Bytes.ascii("Page has been migrated, last migrate reason: ");
    private static final String[] MIGRATE_REASONS =
    {
        "compaction", "memory_failure", "memory_hotplug", "syscall_or_cpuset", "mempolicy_mbind",
        "numa_misplaced", "contig_range", "longterm_pin", "demotion", "damon"
    };

    private final GroupOptions options;
    private final String inputName;
    private final PrintStream err;
    private final boolean keepTimestamps;
    private final int cull;

    private final ByteTable<RecordHeader> headers = new ByteTable<>();
    private final ByteTable<StackText> stacks = new ByteTable<>();
    private final StringIds commIds = new StringIds();
    private final StringIds kindIds = new StringIds();
    private final StringIds moduleIds = new StringIds();
    private final StringIds frameIds = new StringIds();
    private final GroupTable groups = new GroupTable();
    private final RecordFields record = new RecordFields();
    private final GroupKey key = new GroupKey();
    private final List<String> comments = new ArrayList<>();
    private final List<String> damageExamples = new ArrayList<>();
    private final ByteTable.Factory<RecordHeader> headerFactory = this::newHeader;
    private final ByteTable.Factory<StackText> stackFactory = this::newStack;

    private byte[] block = new byte[1 << 16];
    private int blockLength;
    private int headerEnd;
    private byte[] pfn = new byte[1 << 10];
    private int pfnLength;
    /** Scratch of {@link #weightDigits(int, boolean)}: the digits read so far, as an integer. */
    private long weightMantissa;
    /** Scratch of {@link #weightDigits(int, boolean)}: significant digits read so far. */
    private int weightSignificant;
    /** Scratch of {@link #weightDigits(int, boolean)}: digits kept after the decimal point. */
    private int weightFractionDigits;
    private long pfnLine;
    private byte[] scratch = new byte[1 << 10];
    private int blockKind = NONE;
    private long blockLine;
    private String blockDamage;
    private long blockDamageLine;
    private boolean lastLineUnterminated;
    private boolean lastLineIsPfn;
    private int lastLineStart;
    private long lastLineNumber;
    private String headerError;

    private long records;
    private long accepted;
    private long damaged;
    private long missingSeparators;
    private long firstMissingSeparator;
    private long commentLines;
    private long weightedRecords;
    private long missingWeights;
    private long firstMissingWeight;
    private boolean samplingLine;
    private long samplingInterval = -1;
    private long lines;
    private long bytesRead;

    /**
     * A parser for one input.
     *
     * @param options   of the run.
     * @param inputName used in messages.
     * @param err       where {@code -d} prints every problem as it is found.
     */
    public BlockParser(final GroupOptions options, final String inputName, final PrintStream err)
    {
        this.options = options;
        this.inputName = inputName;
        this.err = err;
        this.keepTimestamps = options.keepTimestamps();
        this.cull = options.cull();
    }

    /**
     * Read the whole input and aggregate it.
     *
     * @param in to read; not closed.
     * @throws IOException   if reading fails.
     * @throws SortException in strict mode, at the first damaged record.
     */
    public void parse(final InputStream in) throws IOException, SortException
    {
        final LineReader reader = new LineReader(in);
        try
        {
            while (reader.next())
            {
                final byte[] b = reader.buffer();
                final int s = reader.start();
                final int e = reader.end();
                final long line = reader.lineNumber();

                if (reader.overlong())
                {
                    openBlockForDamage(line);
                    markDamaged(line, "line is longer than " + LineReader.MAX_LINE_LENGTH + " bytes (binary data?)");
                    continue;
                }
                if (reader.badIndex() >= 0)
                {
                    openBlockForDamage(line);
                    final int bad = reader.badIndex();
                    markDamaged(line, b[bad] == '\r' ?
                        "carriage return inside a line at column " + (bad - s + 1) + " (CR-only line ends?)" :
                        String.format("binary data: byte 0x%02x at column %d", b[bad] & 0xFF, bad - s + 1));
                    continue;
                }
                if (isBlank(b, s, e))
                {
                    endBlock();
                    continue;
                }

                final byte first = b[s];
                if (blockKind == NONE)
                {
                    startBlock(first, line);
                }
                else if (first == 'P' && Bytes.startsWith(b, s, e, RecordHeader.PREFIX))
                {
                    if (blockKind == RECORD)
                    {
                        missingSeparator(line);
                    }
                    endBlock();
                    startBlock(first, line);
                }
                else if (blockKind == COMMENT ? first != '#' : first == '#' && isComment(b, s, e))
                {
                    endBlock();
                    startBlock(first, line);
                }
                append(b, s, e, line, reader.terminated());
            }
            endBlock();
        }
        finally
        {
            lines = reader.lineNumber();
            bytesRead = reader.bytesRead();
        }
    }

    private static boolean isBlank(final byte[] b, final int s, final int e)
    {
        for (int i = s; i < e; i++)
        {
            if (b[i] != ' ' && b[i] != '\t')
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isComment(final byte[] b, final int s, final int e)
    {
        return e - s == 1 || b[s + 1] == ' ';
    }

    private void startBlock(final byte first, final long line)
    {
        blockKind = first == '#' ? COMMENT : RECORD;
        blockLine = line;
        blockLength = 0;
        headerEnd = -1;
        pfnLength = 0;
        blockDamage = null;
        lastLineUnterminated = false;
    }

    private void openBlockForDamage(final long line)
    {
        if (blockKind == NONE)
        {
            startBlock((byte)'?', line);
        }
        else if (blockKind == COMMENT)
        {
            blockKind = RECORD;
        }
    }

    private void markDamaged(final long line, final String message)
    {
        if (null == blockDamage)
        {
            blockDamage = message;
            blockDamageLine = line;
        }
    }

    private void missingSeparator(final long line) throws SortException
    {
        if (options.strict())
        {
            throw new SortException(inputName + ":" + line + ": expected an empty line before this record");
        }
        if (missingSeparators++ == 0)
        {
            firstMissingSeparator = line;
        }
        if (options.debug())
        {
            err.println(inputName + ":" + line + ": warning: no empty line before this record");
        }
    }

    private void append(final byte[] b, final int s, final int e, final long line, final boolean terminated)
    {
        if (blockKind == COMMENT)
        {
            commentLines++;
            if (Bytes.startsWith(b, s, e, SAMPLING))
            {
                samplingTrailer(b, s, e);
            }
            if (comments.size() < MAX_COMMENT_LINES)
            {
                comments.add(Bytes.latin1(b, s, e));
            }
            return;
        }
        if (null != blockDamage)
        {
            return;
        }

        final int length = e - s;
        if (Bytes.startsWith(b, s, e, PFN))
        {
            if (pfn.length < length)
            {
                pfn = new byte[Math.max(length, pfn.length * 2)];
            }
            System.arraycopy(b, s, pfn, 0, length);
            pfnLength = length;
            pfnLine = line;
            lastLineIsPfn = true;
        }
        else
        {
            if (blockLength + length + 1 > MAX_RECORD_LENGTH)
            {
                markDamaged(line, "record is longer than " + MAX_RECORD_LENGTH + " bytes");
                return;
            }
            if (block.length < blockLength + length + 1)
            {
                block = java.util.Arrays.copyOf(block, Math.max(blockLength + length + 1, block.length * 2));
            }
            lastLineStart = blockLength;
            System.arraycopy(b, s, block, blockLength, length);
            blockLength += length;
            block[blockLength++] = '\n';
            if (headerEnd < 0)
            {
                headerEnd = blockLength - 1;
            }
            lastLineIsPfn = false;
        }
        if (!terminated)
        {
            lastLineUnterminated = true;
            lastLineNumber = line;
        }
    }

    private void endBlock() throws SortException
    {
        final int kind = blockKind;
        blockKind = NONE;
        if (kind != RECORD)
        {
            return;
        }
        if (null == blockDamage)
        {
            processRecord();
        }
        if (null != blockDamage)
        {
            reportDamage(blockDamageLine, blockDamage);
        }
    }

    private void reportDamage(final long line, final String message) throws SortException
    {
        final String text = inputName + ":" + line + ": " + message;
        if (options.strict())
        {
            throw new SortException(text);
        }
        damaged++;
        if (damageExamples.size() < DAMAGE_EXAMPLES)
        {
            damageExamples.add(text);
        }
        if (options.debug())
        {
            err.println(text + " (record skipped)");
        }
    }

    private void processRecord()
    {
        final byte[] block = this.block;
        if (headerEnd < 0)
        {
            markDamaged(blockLine, "expected a record header 'Page allocated via order <n>, ...', found only a PFN line");
            return;
        }
        if (!Bytes.startsWith(block, 0, headerEnd, RecordHeader.PREFIX))
        {
            markDamaged(blockLine, "expected a record header 'Page allocated via order <n>, ...', found '" +
                RecordHeader.excerpt(java.util.Arrays.copyOf(block, headerEnd), 0) + "'");
            return;
        }
        if (lastLineUnterminated && !looksComplete())
        {
            markDamaged(lastLineNumber, "truncated record: the input ends in the middle of this line");
            return;
        }
        if (headerEnd + 1 == blockLength)
        {
            markDamaged(blockLine, "record has no stack: expected frame lines (starting with a space) after the " +
                "header" + (pfnLength > 0 ? " and PFN line" : ""));
            return;
        }

        final RecordFields record = this.record;
        if (!parseWeight(record))
        {
            return;
        }

        final int digits = RecordHeader.findTimestamp(block, 0, headerEnd);
        int digitsEnd = digits;
        long timestamp = -1L;
        if (digits >= 0)
        {
            while (Bytes.isDigit(block[digitsEnd]))
            {
                digitsEnd++;
            }
            timestamp = Bytes.parseUnsigned(block, digits, digitsEnd);
        }
        final int digitCount = digitsEnd - digits;
        final boolean tsAsKey = keepTimestamps && digitCount > 0 && digitCount <= 18 &&
            (digitCount == 1 || block[digits] != '0');

        final RecordHeader header;
        headerError = null;
        if (digitCount > 0 && (!keepTimestamps || tsAsKey))
        {
            final int normalLength = headerEnd - digitCount;
            if (scratch.length < normalLength)
            {
                scratch = new byte[Math.max(normalLength, scratch.length * 2)];
            }
            System.arraycopy(block, 0, scratch, 0, digits);
            System.arraycopy(block, digitsEnd, scratch, digits, headerEnd - digitsEnd);
            header = headers.intern(scratch, 0, normalLength, headerFactory);
        }
        else
        {
            header = headers.intern(block, 0, headerEnd, headerFactory);
        }
        if (null == header)
        {
            markDamaged(blockLine, headerError);
            return;
        }

        final StackText stack = stacks.intern(block, headerEnd + 1, blockLength - headerEnd - 1, stackFactory);

        record.header = header;
        record.stack = stack;
        record.timestamp = timestamp;
        record.tsKey = tsAsKey ? timestamp : -1L;
        parsePfnLine(record, header, stack);
        records++;
        if (record.hasWeight)
        {
            weightedRecords++;
        }

        if (options.filter() != 0 && !passesFilters(record))
        {
            return;
        }
        accepted++;
        if (!record.hasWeight && missingWeights++ == 0)
        {
            firstMissingWeight = blockLine;
        }
        key.make(record, cull, frameIds);
        groups.add(key, record);
    }

    /**
     * Reads a run of decimal digits of a weight from the PFN line into {@link #weightMantissa}, keeping
     * the first 18 significant ones (the rest only through {@link #weightSignificant}, which then sends
     * the value to {@code Double.parseDouble}); digits after the point count in
     * {@link #weightFractionDigits}.
     *
     * @param from     where the run may start.
     * @param fraction whether these digits follow the decimal point.
     * @return the index after the run.
     */
    private int weightDigits(final int from, final boolean fraction)
    {
        int i = from;
        while (i < pfnLength && Bytes.isDigit(pfn[i]))
        {
            if (weightSignificant > 0 || pfn[i] != '0')
            {
                weightSignificant++;
            }
            if (weightSignificant <= 18)
            {
                weightMantissa = weightMantissa * 10 + (pfn[i] - '0');
                if (fraction)
                {
                    weightFractionDigits++;
                }
            }
            i++;
        }
        return i;
    }

    /**
     * Read the {@code weight=} field of a sampled dump's PFN line into the record: digits with an optional
     * fraction, positive and finite, ended by {@code |} or {@code )}. A record without one has weight 1.
     *
     * @return false if the weight is malformed (the record is then damaged).
     */
    private boolean parseWeight(final RecordFields record)
    {
        record.weight = 1.0;
        record.hasWeight = false;
        final byte[] pfn = this.pfn;
        final int pfnLength = this.pfnLength;
        if (pfnLength == 0)
        {
            return true;
        }
        int field = -1;
        int from = 0;
        while (from < pfnLength)
        {
            final int found = Bytes.indexOf(pfn, from, pfnLength, WEIGHT_FIELD);
            if (found < 0)
            {
                break;
            }
            if (found > 0 && (pfn[found - 1] == '(' || pfn[found - 1] == '|'))
            {
                field = found;
                break;
            }
            from = found + 1;
        }
        if (field < 0)
        {
            return true;
        }

        final int start = field + WEIGHT_FIELD.length;
        weightMantissa = 0;
        weightSignificant = 0;
        weightFractionDigits = 0;
        final int integerEnd = weightDigits(start, false);
        int i = integerEnd;
        boolean wellFormed = integerEnd > start;
        if (wellFormed && i < pfnLength && pfn[i] == '.')
        {
            i = weightDigits(i + 1, true);
            wellFormed = i > integerEnd + 1;
        }
        wellFormed &= i < pfnLength && (pfn[i] == '|' || pfn[i] == ')');
        final long mantissa = weightMantissa;
        final int significant = weightSignificant;
        final int fractionDigits = weightFractionDigits;

        if (!wellFormed)
        {
            final String value = weightExcerpt(start);
            markDamaged(pfnLine, value.isEmpty() ? "malformed weight: 'weight=' has no value; expected a positive " +
                "decimal such as weight=128.5" : "malformed weight 'weight=" + value + "': expected a positive " +
                "decimal such as weight=128.5 (digits, optionally '.' and digits)");
            return false;
        }

        final double weight;
        if (significant <= 15 && fractionDigits < POWERS_OF_TEN.length)
        {
            // NOTE: both operands are exact doubles, so the quotient is the correctly rounded value of the decimal.
            weight = mantissa / POWERS_OF_TEN[fractionDigits];
        }
        else
        {
            weight = Double.parseDouble(Bytes.latin1(pfn, start, i));
        }
        if (weight == 0.0)
        {
            markDamaged(pfnLine, "malformed weight 'weight=" + weightExcerpt(start) + "': a weight must be " +
                "positive (the number of allocations the record stands for)");
            return false;
        }
        if (Double.isInfinite(weight))
        {
            markDamaged(pfnLine, "malformed weight 'weight=" + weightExcerpt(start) + "': out of range");
            return false;
        }
        record.weight = weight;
        record.hasWeight = true;
        return true;
    }

    /**
     * The value of a weight field for a message: up to its {@code |} or {@code )}, at most 40 bytes.
     */
    private String weightExcerpt(final int start)
    {
        int end = start;
        while (end < pfnLength && end - start < WEIGHT_EXCERPT && pfn[end] != '|' && pfn[end] != ')')
        {
            end++;
        }
        final boolean cut = end - start == WEIGHT_EXCERPT && end < pfnLength && pfn[end] != '|' && pfn[end] != ')';
        return Bytes.latin1(pfn, start, end) + (cut ? "..." : "");
    }

    /**
     * A trailer's {@code # sampling: mean interval N bytes, ...} line: the dump is sampled, with that interval.
     */
    private void samplingTrailer(final byte[] b, final int s, final int e)
    {
        samplingLine = true;
        final int field = Bytes.indexOf(b, s, e, MEAN_INTERVAL);
        if (field < 0)
        {
            return;
        }
        int i = field + MEAN_INTERVAL.length;
        final int digits = i;
        long value = 0;
        while (i < e && Bytes.isDigit(b[i]) && value < Long.MAX_VALUE / 10)
        {
            value = value * 10 + (b[i] - '0');
            i++;
        }
        if (i > digits && value > 0 && Bytes.startsWith(b, i, e, BYTES_UNIT))
        {
            samplingInterval = value;
        }
    }

    private RecordHeader newHeader(final byte[] bytes, final int hash)
    {
        final RecordHeader header = new RecordHeader(bytes, hash);
        headerError = header.parse();
        if (null != headerError)
        {
            return null;
        }
        header.commId = commIds.id(header.comm);
        header.kindId = kindIds.id(header.kind);
        header.moduleId = null == header.module ? -1 : moduleIds.id(header.module);
        return header;
    }

    private StackText newStack(final byte[] bytes, final int hash)
    {
        final StackText stack = new StackText(bytes, hash);
        stack.moduleId = moduleIds.id(null == stack.module ? "vmlinux" : stack.module);
        return stack;
    }

    private void parsePfnLine(final RecordFields record, final RecordHeader header, final StackText stack)
    {
        final byte[] pfn = this.pfn;
        final int pfnLength = this.pfnLength;
        int allocator = 0;
        long bytes = -1;
        if (pfnLength > 0)
        {
            // NOTE: the kernel's tool looks for CMA and slab anywhere in the PFN line, where they can only be a
            // migratetype or a page flag. In our records the flags part holds a file path, which may well contain
            // either word, so only the part before it counts.
            final int jvmFlags = Bytes.indexOf(pfn, 0, pfnLength, JVM_FLAGS);
            final int allocatorEnd = jvmFlags >= 0 ? jvmFlags : pfnLength;
            if (Bytes.indexOf(pfn, 0, allocatorEnd, CMA) >= 0)
            {
                allocator |= RecordFields.ALLOCATOR_CMA;
            }
            if (Bytes.indexOf(pfn, 0, allocatorEnd, SLAB) >= 0)
            {
                allocator |= RecordFields.ALLOCATOR_SLAB;
            }
            final int field = Bytes.indexOf(pfn, 0, pfnLength, BYTES_FIELD);
            if (field > 0 && (pfn[field - 1] == '(' || pfn[field - 1] == '|'))
            {
                int i = field + BYTES_FIELD.length;
                long value = 0;
                while (i < pfnLength && Bytes.isDigit(pfn[i]) && value < Long.MAX_VALUE / 10)
                {
                    value = value * 10 + (pfn[i] - '0');
                    i++;
                }
                if (i > field + BYTES_FIELD.length)
                {
                    bytes = value;
                }
            }
        }
        if (bytes < 0)
        {
            bytes = header.pages > Long.MAX_VALUE >> 12 ? Long.MAX_VALUE : header.pages << 12;
        }

        final int vmalloc = header.vmallocVerdict != StackText.VMALLOC_NONE ? header.vmallocVerdict : stack.vmallocVerdict;
        if (vmalloc == StackText.VMALLOC_YES || (vmalloc == StackText.VMALLOC_IF_HEADER && header.containsAllocPages))
        {
            allocator |= RecordFields.ALLOCATOR_VMALLOC;
        }
        if (allocator == 0)
        {
            allocator = RecordFields.ALLOCATOR_OTHERS;
        }
        record.allocator = allocator;
        record.bytes = bytes;

        if (null != header.module)
        {
            record.module = header.module;
            record.moduleId = header.moduleId;
        }
        else
        {
            record.module = null == stack.module ? "vmlinux" : stack.module;
            record.moduleId = stack.moduleId;
        }
    }

    private boolean passesFilters(final RecordFields record)
    {
        final RecordHeader header = record.header;
        if (header.filterVerdict == 0)
        {
            header.filterVerdict = passesHeaderFilters(header) ? 1 : 2;
        }
        if (header.filterVerdict != 1)
        {
            return false;
        }
        if ((options.filter() & SortKey.MODULE.bit()) != 0)
        {
            for (final String module : options.modules())
            {
                if (module.equals(record.module))
                {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    private boolean passesHeaderFilters(final RecordHeader header)
    {
        final int filter = options.filter();
        if ((filter & SortKey.PID.bit()) != 0 && !contains(options.pids(), header.pid))
        {
            return false;
        }
        if ((filter & SortKey.TGID.bit()) != 0 && !contains(options.tgids(), header.tgid))
        {
            return false;
        }
        if ((filter & SortKey.NAME.bit()) != 0 && !contains(options.names(), header.comm))
        {
            return false;
        }
        if ((filter & SortKey.KIND.bit()) != 0)
        {
            for (final String wanted : options.kinds())
            {
                for (final String name : header.kindNames)
                {
                    if (name.equalsIgnoreCase(wanted))
                    {
                        return true;
                    }
                }
            }
            return false;
        }
        return true;
    }

    private static boolean contains(final int[] values, final int value)
    {
        for (final int v : values)
        {
            if (v == value)
            {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(final String[] values, final String value)
    {
        for (final String v : values)
        {
            if (v.equals(value))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the unterminated last line of the input is a whole line: a Java frame or PFN line ending in
     * {@code )}, a kernel frame ending in {@code /0x<hex>} or {@code ]}, or a whole trailing line.
     */
    private boolean looksComplete()
    {
        final byte[] line = lastLineIsPfn ? pfn : block;
        final int from = lastLineIsPfn ? 0 : lastLineStart;
        final int to = lastLineIsPfn ? pfnLength : blockLength - 1;
        if (!lastLineIsPfn && from == 0)
        {
            return false;
        }
        if (to <= from)
        {
            return false;
        }
        final byte last = line[to - 1];
        if (last == ')' || last == ']')
        {
            return true;
        }
        int i = to;
        while (i > from && isHex(line[i - 1]))
        {
            i--;
        }
        if (i < to && i - from >= 3 && line[i - 1] == 'x' && line[i - 2] == '0' && line[i - 3] == '/')
        {
            return true;
        }
        final String text = Bytes.latin1(line, from, to);
        if ("Slab cache page".equals(text) || text.startsWith("Charged "))
        {
            return true;
        }
        if (Bytes.startsWith(line, from, to, MIGRATED))
        {
            final String reason = text.substring(MIGRATED.length);
            for (final String known : MIGRATE_REASONS)
            {
                if (known.equals(reason))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isHex(final byte b)
    {
        return Bytes.isDigit(b) || (b >= 'a' && b <= 'f');
    }

    /**
     * Rank the distinct headers and stacks in strcmp order of their text, so that the sort compares two records'
     * texts as two pairs of ints: a header line holds no line end, so texts order first by header line (plus its
     * {@code \n}) and then by stack.
     */
    public void rankTexts()
    {
        headers.rank((a, b) -> BlockComparators.compareLines(a.bytes, b.bytes));
        stacks.rank((a, b) -> java.util.Arrays.compareUnsigned(a.bytes, b.bytes));
    }

    /**
     * Groups aggregated so far.
     *
     * @return groups aggregated so far.
     */
    public GroupTable groups()
    {
        return groups;
    }

    /**
     * Well-formed records read, before filters.
     *
     * @return well-formed records read.
     */
    public long records()
    {
        return records;
    }

    /**
     * Records that passed the filters (what the kernel's sorter reports as {@code loaded}).
     *
     * @return records that passed the filters.
     */
    public long accepted()
    {
        return accepted;
    }

    /**
     * What the run knows about sampling: the dump is sampled if a record carried a weight or the trailer said so.
     *
     * @return the sampling of the dump, {@link Sampling#NONE} for an unsampled one.
     */
    public Sampling sampling()
    {
        if (weightedRecords == 0 && !samplingLine)
        {
            return Sampling.NONE;
        }
        return new Sampling(true, samplingInterval, options.unweighted(), accepted, missingWeights,
            firstMissingWeight);
    }

    /**
     * Damaged records skipped.
     *
     * @return damaged records skipped.
     */
    public long damaged()
    {
        return damaged;
    }

    /**
     * The first few damaged records, as {@code file:line: message}.
     *
     * @return the first few damaged records.
     */
    public List<String> damageExamples()
    {
        return damageExamples;
    }

    /**
     * Records that had no empty line before them.
     *
     * @return records that had no empty line before them.
     */
    public long missingSeparators()
    {
        return missingSeparators;
    }

    /**
     * Line of the first record with no empty line before it.
     *
     * @return line of the first record with no empty line before it.
     */
    public long firstMissingSeparator()
    {
        return firstMissingSeparator;
    }

    /**
     * Trailer and other comment lines, in input order, at most 1000 of them.
     *
     * @return comment lines.
     */
    public List<String> comments()
    {
        return comments;
    }

    /**
     * Number of comment lines, including those not kept.
     *
     * @return number of comment lines.
     */
    public long commentLines()
    {
        return commentLines;
    }

    /**
     * Lines read.
     *
     * @return lines read.
     */
    public long lines()
    {
        return lines;
    }

    /**
     * Bytes read.
     *
     * @return bytes read.
     */
    public long bytesRead()
    {
        return bytesRead;
    }
}
