package io.pageowner.analysis;

import io.pageowner.analysis.group.Aggregator;
import io.pageowner.analysis.parse.DumpTime;
import io.pageowner.analysis.parse.SortException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The age filters' reference: {@code --min-age} and {@code --max-age} count from the time the dump was taken, which
 * its trailer states at its end, so it is read before the records (from the last MiB of a plain file, or by reading
 * a compressed one twice).
 */
final class Ages
{
    private Ages()
    {
    }

    /**
     * Give the aggregator the dump's time if an age filter was given.
     *
     * @param options   of the run.
     * @param inputName the dump, or {@code -}.
     * @param parser    that will read it.
     * @throws SortException if the dump has no time line or cannot be read.
     */
    static void apply(final SortOptions options, final String inputName, final Aggregator parser)
        throws SortException
    {
        if (!options.ageFilter())
        {
            return;
        }
        parser.dumpTime(find(inputName).tsNanos());
    }

    /**
     * The time a dump was taken, read ahead of its records.
     *
     * @param inputName the dump.
     * @return its time.
     * @throws SortException if it is standard input, has no time line or cannot be read.
     */
    static DumpTime find(final String inputName) throws SortException
    {
        if ("-".equals(inputName))
        {
            throw new SortException("--min-age/--max-age need the time the dump was taken, which its trailer states " +
                "at its end: give the dump as a file, not as standard input");
        }
        final DumpTime time;
        // NOTE: opened once first, for the same messages as the read itself (no such file, a directory, UTF-16).
        final InputStream check = PageOwnerSort.openInput(inputName);
        try
        {
            check.close();
            final Path path = Paths.get(inputName);
            final boolean plain = Files.isRegularFile(path) && !gzip(path);
            time = DumpTime.find(plain ? path : null, () -> open(inputName));
        }
        catch (final IOException ex)
        {
            throw new SortException("cannot read " + inputName + ": " + PageOwnerSort.describe(ex), ex);
        }
        catch (final UncheckedSortException ex)
        {
            throw ex.sort;
        }
        if (null == time)
        {
            throw new SortException(inputName + ": the dump does not say when it was taken (no '" +
                DumpTime.PREFIX + "...' line in its trailer: the kernel's page_owner and dumps by older page-owner " +
                "agents have none; in one of ours it is the last line, so a dump cut short lacks it), so --min-age/" +
                "--max-age cannot be applied; leave them out");
        }
        return time;
    }

    private static boolean gzip(final Path path) throws IOException
    {
        try (InputStream in = Files.newInputStream(path))
        {
            return in.read() == 0x1F && in.read() == 0x8B;
        }
    }

    private static InputStream open(final String inputName)
    {
        try
        {
            return PageOwnerSort.openInput(inputName);
        }
        catch (final SortException ex)
        {
            throw new UncheckedSortException(ex);
        }
    }

    /**
     * Carries a {@link SortException} out of the opener.
     */
    private static final class UncheckedSortException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        private final transient SortException sort;

        UncheckedSortException(final SortException sort)
        {
            super(sort);
            this.sort = sort;
        }
    }
}
