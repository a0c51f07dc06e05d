package io.pageowner.analysis.group;

import io.pageowner.analysis.parse.Block;
import io.pageowner.analysis.parse.BlockFramer;
import io.pageowner.analysis.parse.DumpTime;
import io.pageowner.analysis.parse.RecordFields;
import io.pageowner.analysis.parse.RecordParser;
import io.pageowner.analysis.parse.SortException;
import io.pageowner.analysis.parse.StringIds;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a page_owner dump and aggregates each record into its group as soon as it is read, so no record is held
 * after its line: the framer splits the input into blocks, the record parser reads each block's fields, and
 * here each record is filtered, keyed and added to its group.
 */
public final class Aggregator implements BlockFramer.RecordHandler
{
    private final GroupOptions options;
    private final String inputName;
    private final int cull;
    private final BlockFramer framer;
    private final RecordParser recordParser;
    private final RecordFilter filter;
    private final StringIds frameIds = new StringIds();
    private final GroupTable groups = new GroupTable();
    private final RecordFields record = new RecordFields();
    private final GroupKey key = new GroupKey();

    private long totalPages;
    private long totalBytes;
    private long records;
    private long accepted;
    private long weightedRecords;
    private long missingWeights;
    private long firstMissingWeight;

    /**
     * An aggregator for one input.
     *
     * @param options   of the run.
     * @param inputName used in messages.
     * @param err       where {@code -d} prints every problem as it is found.
     */
    public Aggregator(final GroupOptions options, final String inputName, final PrintStream err)
    {
        this.options = options;
        this.inputName = inputName;
        this.cull = options.cull();
        this.framer = new BlockFramer(inputName, options.strict(), options.debug(), err, this);
        this.recordParser = new RecordParser(options.keepTimestamps());
        this.filter = new RecordFilter(options);
    }

    /**
     * Set the dump's time on the records' clock, from its trailer's time line, before {@link #parse(InputStream)}:
     * the age filters count from it.
     *
     * @param tsNanos the dump's time.
     */
    public void dumpTime(final long tsNanos)
    {
        filter.dumpTime(tsNanos);
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
        framer.read(in);
    }

    /**
     * Aggregate one whole record: parse its fields, filter it, and add it to its group.
     *
     * @param block of the record.
     * @throws SortException if the pages or bytes of the records accepted pass 2^63 - 1.
     */
    @Override
    public void onRecord(final Block block) throws SortException
    {
        final RecordFields record = this.record;
        if (!recordParser.parse(block, record))
        {
            return;
        }
        records++;
        if (record.hasWeight)
        {
            weightedRecords++;
        }

        if (filter.active() && !filter.passes(record))
        {
            return;
        }
        sumTotals(block, record);
        accepted++;
        if (!record.hasWeight && missingWeights++ == 0)
        {
            firstMissingWeight = block.line();
        }
        key.make(record, cull, frameIds);
        groups.add(key, record);
    }

    /**
     * Keep the sums of pages and bytes over every accepted record: while they fit in a long, so does every group's
     * sum and every sum of groups a writer makes, so each is exact; past that, the run ends rather than print a
     * wrong number.
     */
    private void sumTotals(final Block block, final RecordFields record) throws SortException
    {
        try
        {
            totalPages = Math.addExact(totalPages, record.header.pages);
            totalBytes = Math.addExact(totalBytes, record.bytes);
        }
        catch (final ArithmeticException ex)
        {
            final boolean pages = totalPages > Long.MAX_VALUE - record.header.pages;
            throw new SortException(inputName + ":" + block.line() + ": the " + (pages ? "pages" : "bytes") +
                " of the records read so far add up to more than " + Long.MAX_VALUE + " (2^63 - 1); totals that " +
                "large cannot be kept exact", ex);
        }
    }

    /**
     * Rank the distinct headers and stacks in strcmp order of their text, so that the sort compares two records'
     * texts as two pairs of ints: a header line holds no line end, so texts order first by header line (plus its
     * {@code \n}) and then by stack.
     */
    public void rankTexts()
    {
        recordParser.headers().rank((a, b) -> BlockComparators.compareLines(a.bytes, b.bytes));
        recordParser.stacks().rank((a, b) -> Arrays.compareUnsigned(a.bytes, b.bytes));
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
        if (weightedRecords == 0 && !framer.samplingLine())
        {
            return Sampling.NONE;
        }
        return new Sampling(true, framer.samplingInterval(), options.unweighted(), accepted, missingWeights,
            firstMissingWeight);
    }

    /**
     * When the dump was taken, from the time line of its trailer, once the input is read.
     *
     * @return the time, or null if the dump had none.
     */
    public DumpTime dumpTime()
    {
        return framer.dumpTime();
    }

    /**
     * Damaged records skipped.
     *
     * @return damaged records skipped.
     */
    public long damaged()
    {
        return framer.damaged();
    }

    /**
     * The first few damaged records, as {@code file:line: message}.
     *
     * @return the first few damaged records.
     */
    public List<String> damageExamples()
    {
        return framer.damageExamples();
    }

    /**
     * Records that had no empty line before them.
     *
     * @return records that had no empty line before them.
     */
    public long missingSeparators()
    {
        return framer.missingSeparators();
    }

    /**
     * Line of the first record with no empty line before it.
     *
     * @return line of the first record with no empty line before it.
     */
    public long firstMissingSeparator()
    {
        return framer.firstMissingSeparator();
    }

    /**
     * Trailer and other comment lines, in input order, at most 1000 of them.
     *
     * @return comment lines.
     */
    public List<String> comments()
    {
        return framer.comments();
    }

    /**
     * Number of comment lines, including those not kept.
     *
     * @return number of comment lines.
     */
    public long commentLines()
    {
        return framer.commentLines();
    }

    /**
     * Lines read.
     *
     * @return lines read.
     */
    public long lines()
    {
        return framer.lines();
    }

    /**
     * Bytes read.
     *
     * @return bytes read.
     */
    public long bytesRead()
    {
        return framer.bytesRead();
    }
}
