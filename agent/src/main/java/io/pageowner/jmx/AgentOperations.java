package io.pageowner.jmx;

import java.io.IOException;

/**
 * What the MBean asks of the running agent: the operations that change its state or write files.
 * The runtime implements it, so this package never depends on the runtime.
 */
public interface AgentOperations
{
    /**
     * Resumes or pauses tracking; resuming after {@link #detach(boolean)} installs the advice again.
     *
     * @param enabled true to track.
     * @throws IOException if the advice cannot be installed again.
     */
    void enable(boolean enabled) throws IOException;

    /**
     * Removes the advice from every JDK class.
     *
     * @param clearTable true to forget every record, false to keep the table as a snapshot.
     * @return a one-line summary.
     */
    String detach(boolean clearTable);

    /**
     * Whether the advice has been removed by {@link #detach(boolean)}.
     *
     * @return true if detached.
     */
    boolean detached();

    /**
     * Writes a dump.
     *
     * @param path of the file, or empty for the {@code dump=} option's file.
     * @return a one-line summary.
     * @throws IOException if it cannot be written.
     */
    String dump(String path) throws IOException;

    /**
     * Writes the live stacks view.
     *
     * @param path      of the file.
     * @param threshold pages below which a stack is left out.
     * @return a one-line summary.
     * @throws IOException if it cannot be written.
     */
    String dumpStacks(String path, long threshold) throws IOException;

    /**
     * Keeps the live totals of every stack now, replacing any earlier baseline.
     *
     * @return a one-line summary.
     */
    String baseline();

    /**
     * Writes the growth of every stack since the baseline.
     *
     * @param path of the file, as {@link #dump(String)}'s; empty for the {@code dump=} path plus {@code .diff}.
     * @return a one-line summary.
     * @throws IOException if it cannot be written.
     * @throws IllegalStateException if there is no baseline.
     */
    String diff(String path) throws IOException;

    /**
     * Dumps written so far, by any trigger.
     *
     * @return the count.
     */
    long dumpsWritten();

    /**
     * Whether the agent handles the dump signal.
     *
     * @return true if it registered its handler.
     */
    boolean signalTaken();
}
