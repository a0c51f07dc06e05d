package io.pageowner.analysis;

import io.pageowner.analysis.group.Aggregator;
import io.pageowner.analysis.group.Sampling;
import io.pageowner.analysis.parse.SortException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * Reads one dump into its groups for the commands beside {@code sort} ({@code diff}, {@code top}), with the same
 * checks and messages: damaged records are skipped and reported, a file with no readable record is an error, and the
 * age filters count from the dump's own time.
 */
final class DumpReader
{
    private DumpReader()
    {
    }

    /**
     * Read a dump.
     *
     * @param options   of the run.
     * @param inputName file, or {@code -}.
     * @param program   name for messages.
     * @param err       for warnings.
     * @return its groups and what was read.
     * @throws SortException if it cannot be read or has no record.
     */
    static Aggregator read(final SortOptions options, final String inputName, final String program,
        final PrintStream err) throws SortException
    {
        final Aggregator parser = new Aggregator(options, inputName, err);
        Ages.apply(options, inputName, parser);
        try (InputStream in = PageOwnerSort.openInput(inputName))
        {
            parser.parse(in);
        }
        catch (final IOException ex)
        {
            throw new SortException(inputName + ": read failed after line " + parser.lines() + ": " +
                PageOwnerSort.describe(ex), ex);
        }
        PageOwnerSort.reportProblems(program, parser, inputName, err);
        if (parser.records() == 0)
        {
            if (parser.damaged() > 0)
            {
                throw new SortException(inputName + ": no readable record, " +
                    PageOwnerSort.plural(parser.damaged(), "damaged record") + " skipped (first: " +
                    parser.damageExamples().get(0) + ")");
            }
            throw new SortException(inputName + ": " + (parser.bytesRead() == 0 ? "empty input" : "no records") +
                ", expected page_owner records ('Page allocated via order ...')");
        }
        final Sampling sampling = parser.sampling();
        if (sampling.estimated() && sampling.missingWeights() > 0)
        {
            err.println(program + ": warning: " + inputName + ": the dump is sampled, but " +
                PageOwnerSort.plural(sampling.missingWeights(), "record") + " had no weight= (first at line " +
                sampling.firstMissingWeight() + "); counted as one allocation each (weight 1)");
        }
        return parser;
    }
}
