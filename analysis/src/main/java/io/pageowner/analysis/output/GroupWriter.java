package io.pageowner.analysis.output;

import io.pageowner.analysis.group.Group;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes sorted groups in one output format.
 */
public interface GroupWriter
{
    /**
     * Write the groups.
     *
     * @param groups  in output order.
     * @param summary of the run, for formats that show it.
     * @param out     to write to; not closed.
     * @throws IOException if writing fails.
     */
    public void write(Group[] groups, RunSummary summary, OutputStream out) throws IOException;
}
