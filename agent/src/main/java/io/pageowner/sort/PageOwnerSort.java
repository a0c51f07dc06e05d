package io.pageowner.sort;

import java.io.PrintStream;

/** Temporary stand-in until the sorter lands. */
public final class PageOwnerSort
{
    private PageOwnerSort()
    {
    }

    /**
     * Runs the sorter.
     *
     * @param args options and paths.
     * @param out  for progress.
     * @param err  for errors.
     * @return the exit code.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        err.println("sort: not available yet");
        return 1;
    }
}
