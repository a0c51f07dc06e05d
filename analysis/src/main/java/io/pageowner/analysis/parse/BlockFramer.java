package io.pageowner.analysis.parse;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a page_owner dump into blocks and tracks the damaged ones; each whole record goes to a
 * {@link RecordHandler} as soon as its last line is read, so no record is held after it.
 * <p>
 * Blocks are split the way the kernel's sorter splits them (an empty line ends a record, {@code PFN} lines are
 * kept out of the record text), with these repairs where the kernel's silently loses data:
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
 * or is cut short, no stack, or an unterminated last line that is cut short, or whatever the handler finds) is
 * skipped and counted, or, in strict mode, ends the run.
 */
public final class BlockFramer
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
    private static final byte[] SAMPLING = Bytes.ascii("# sampling:");
    private static final byte[] TIME = Bytes.ascii(DumpTime.PREFIX);
    private static final byte[] MEAN_INTERVAL = Bytes.ascii(" mean interval ");
    private static final byte[] BYTES_UNIT = Bytes.ascii(" bytes");
    private static final byte[] MIGRATED = Bytes.ascii("Page has been migrated, last migrate reason: ");
    private static final String[] MIGRATE_REASONS =
    {
        "compaction", "memory_failure", "memory_hotplug", "syscall_or_cpuset", "mempolicy_mbind",
        "numa_misplaced", "contig_range", "longterm_pin", "demotion", "damon"
    };

    /**
     * Takes each whole record of the input.
     */
    @FunctionalInterface
    public interface RecordHandler
    {
        /**
         * Take a record that has a header line and a stack; mark the block damaged to have it counted as such.
         *
         * @param block of the record; valid only during the call.
         * @throws SortException to end the run.
         */
        void onRecord(Block block) throws SortException;
    }

    private final String inputName;
    private final PrintStream err;
    private final boolean strict;
    private final boolean debug;
    private final RecordHandler handler;
    private final Block block = new Block();
    private final List<String> comments = new ArrayList<>();
    private final List<String> damageExamples = new ArrayList<>();

    private int blockKind = NONE;
    private boolean lastLineUnterminated;
    private boolean lastLineIsPfn;
    private int lastLineStart;
    private long lastLineNumber;

    private long damaged;
    private long missingSeparators;
    private long firstMissingSeparator;
    private long commentLines;
    private boolean samplingLine;
    private long samplingInterval = -1;
    private DumpTime dumpTime;
    private long lines;
    private long bytesRead;

    /**
     * A framer for one input.
     *
     * @param inputName used in messages.
     * @param strict    whether the first damaged record ends the run.
     * @param debug     whether every problem is printed as it is found.
     * @param err       where {@code -d} prints every problem as it is found.
     * @param handler   of each whole record.
     */
    public BlockFramer(
        final String inputName, final boolean strict, final boolean debug, final PrintStream err,
        final RecordHandler handler)
    {
        this.inputName = inputName;
        this.strict = strict;
        this.debug = debug;
        this.err = err;
        this.handler = handler;
    }

    /**
     * Read the whole input, handing each record to the handler.
     *
     * @param in to read; not closed.
     * @throws IOException   if reading fails.
     * @throws SortException in strict mode, at the first damaged record.
     */
    public void read(final InputStream in) throws IOException, SortException
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
                    block.damage(line, "line is longer than " + LineReader.MAX_LINE_LENGTH + " bytes (binary data?)");
                    continue;
                }
                if (reader.badIndex() >= 0)
                {
                    openBlockForDamage(line);
                    final int bad = reader.badIndex();
                    block.damage(line, b[bad] == '\r' ?
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
        block.start(line);
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

    private void missingSeparator(final long line) throws SortException
    {
        if (strict)
        {
            throw new SortException(inputName + ":" + line + ": expected an empty line before this record");
        }
        if (missingSeparators++ == 0)
        {
            firstMissingSeparator = line;
        }
        if (debug)
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
            else if (Bytes.startsWith(b, s, e, TIME))
            {
                final DumpTime time = DumpTime.parse(Bytes.latin1(b, s, e).trim());
                dumpTime = null == time ? dumpTime : time;
            }
            if (comments.size() < MAX_COMMENT_LINES)
            {
                comments.add(Bytes.latin1(b, s, e));
            }
            return;
        }
        final Block block = this.block;
        if (block.damaged())
        {
            return;
        }

        if (Bytes.startsWith(b, s, e, PFN))
        {
            block.appendPfn(b, s, e, line);
            lastLineIsPfn = true;
        }
        else
        {
            if (block.length + (e - s) + 1 > MAX_RECORD_LENGTH)
            {
                block.damage(line, "record is longer than " + MAX_RECORD_LENGTH + " bytes");
                return;
            }
            lastLineStart = block.length;
            block.appendLine(b, s, e);
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
        final Block block = this.block;
        if (!block.damaged() && isWhole(block))
        {
            handler.onRecord(block);
        }
        if (block.damaged())
        {
            reportDamage(block.damageLine, block.damage);
        }
    }

    /**
     * Whether a record has a header line and a stack and does not end cut short; if not, it is marked damaged.
     */
    private boolean isWhole(final Block block)
    {
        final int headerEnd = block.headerEnd;
        if (headerEnd < 0)
        {
            block.damage(block.line, "expected a record header 'Page allocated via order <n>, ...', " +
                "found only a PFN line");
            return false;
        }
        if (!Bytes.startsWith(block.text, 0, headerEnd, RecordHeader.PREFIX))
        {
            block.damage(block.line, "expected a record header 'Page allocated via order <n>, ...', found '" +
                RecordHeader.excerpt(java.util.Arrays.copyOf(block.text, headerEnd), 0) + "'");
            return false;
        }
        if (lastLineUnterminated && !looksComplete())
        {
            block.damage(lastLineNumber, "truncated record: the input ends in the middle of this line");
            return false;
        }
        if (headerEnd + 1 == block.length)
        {
            block.damage(block.line, "record has no stack: expected frame lines (starting with a space) after " +
                "the header" + (block.pfnLength > 0 ? " and PFN line" : ""));
            return false;
        }
        return true;
    }

    private void reportDamage(final long line, final String message) throws SortException
    {
        final String text = inputName + ":" + line + ": " + message;
        if (strict)
        {
            throw new SortException(text);
        }
        damaged++;
        if (damageExamples.size() < DAMAGE_EXAMPLES)
        {
            damageExamples.add(text);
        }
        if (debug)
        {
            err.println(text + " (record skipped)");
        }
    }

    /**
     * Whether the unterminated last line of the input is a whole line: a Java frame or PFN line ending in
     * {@code )}, a kernel frame ending in {@code /0x<hex>} or {@code ]}, or a whole trailing line.
     */
    private boolean looksComplete()
    {
        final Block block = this.block;
        final byte[] line = lastLineIsPfn ? block.pfn : block.text;
        final int from = lastLineIsPfn ? 0 : lastLineStart;
        final int to = lastLineIsPfn ? block.pfnLength : block.length - 1;
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
        final int digits = field + MEAN_INTERVAL.length;
        final int digitsEnd = Bytes.digitsEnd(b, digits, e);
        final long value = Bytes.parseUnsigned(b, digits, digitsEnd);
        if (value > 0 && Bytes.startsWith(b, digitsEnd, e, BYTES_UNIT))
        {
            samplingInterval = value;
        }
    }

    /**
     * Whether a trailer line said the dump is sampled.
     *
     * @return whether a {@code # sampling:} line was read.
     */
    public boolean samplingLine()
    {
        return samplingLine;
    }

    /**
     * When the dump was taken, from its trailer's time line.
     *
     * @return the time, or null if the dump had no time line.
     */
    public DumpTime dumpTime()
    {
        return dumpTime;
    }

    /**
     * The mean sampling interval of the trailer's {@code # sampling:} line.
     *
     * @return the interval in bytes, or -1 if no trailer line gave one.
     */
    public long samplingInterval()
    {
        return samplingInterval;
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
