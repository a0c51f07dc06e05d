package io.pageowner.jmx;

import java.io.IOException;
import java.util.Map;

/**
 * The agent's management interface, registered as {@code io.pageowner:type=PageOwner} in the
 * platform MBean server while tracking is on.
 */
public interface PageOwnerMXBean
{
    /** The MBean's object name. */
    String OBJECT_NAME = "io.pageowner:type=PageOwner";

    /** Type of the notification sent when live tracked bytes rise above {@code notify_bytes}. */
    String LIVE_BYTES_NOTIFICATION = "io.pageowner.live.bytes.threshold";

    /**
     * Whether allocations are being recorded.
     *
     * @return true while tracking.
     */
    boolean isEnabled();

    /**
     * Pauses ({@code false}) or resumes ({@code true}) recording. While paused the advice stays,
     * frees keep removing records (so every record left is still a live block) and allocations are
     * only counted, as {@code while_off}; the table is kept. {@link #clear()} empties it;
     * {@link #detach(boolean)} removes the advice too, and true afterwards installs it again.
     *
     * @param enabled true to record.
     */
    void setEnabled(boolean enabled);

    /**
     * Removes the advice from every JDK class: the JVM runs its original code again, at no cost.
     * Setting {@code Enabled} to true installs it again.
     *
     * @param clearTable true to forget every record; false keeps them as a snapshot, which no
     *                   longer sees frees.
     * @return a one-line summary.
     */
    String detach(boolean clearTable);

    /**
     * Whether the advice has been removed by {@link #detach(boolean)}.
     *
     * @return true while detached.
     */
    boolean isDetached();

    /**
     * Forgets every record, e.g. before turning tracking back on to see only what comes next.
     *
     * @return how many records were removed.
     */
    long clear();

    /**
     * Writes the live stacks, as the kernel's {@code page_owner_stacks/show_stacks}: per stack its
     * frames, then {@code nr_base_pages: N}, then an empty line; most pages first.
     *
     * @param path      of the file, with {@code %p}, {@code %t} and {@code %%} as in the {@code dump=}
     *                  option; empty for the {@code dump=} path plus {@code .stacks}.
     * @param threshold stacks with fewer pages are left out (the kernel's {@code count_threshold}).
     * @return a one-line summary.
     * @throws IOException naming the path and the reason if it cannot be written.
     */
    String dumpStacks(String path, long threshold) throws IOException;

    /**
     * Keeps the live totals of every allocating stack now, as NMT's {@code baseline} does: memory by the number of
     * stacks, not of records. A later {@link #diff(String)} writes the growth since; a new baseline replaces it.
     *
     * @return a one-line summary: stacks, records and bytes in the baseline.
     */
    String baseline();

    /**
     * Writes the growth of every stack since the {@link #baseline()}, without writing any dump: the text
     * {@code java -jar page-owner.jar diff OLD NEW} gives for two dumps taken at the two instants (stacks culled,
     * largest growth in bytes first, {@code , new} and {@code , vanished} marked), page-owner's own records left out.
     *
     * @param path of the file, with {@code %p}, {@code %t} and {@code %%} as in the {@code dump=} option; empty for
     *             the {@code dump=} path plus {@code .diff}.
     * @return a one-line summary.
     * @throws IOException naming the path and the reason if it cannot be written.
     * @throws IllegalStateException if no baseline was taken.
     */
    String diff(String path) throws IOException;

    /**
     * Dumps written so far by any trigger.
     *
     * @return the count.
     */
    long getDumpsWritten();

    /**
     * The JDK's direct and mapped buffer pools as they were when the agent started (count,
     * totalCapacity, memoryUsed): memory allocated before tracking began, which no record attributes,
     * like the kernel's early-allocated pages. Matters most after a dynamic {@code on <pid>}.
     *
     * @return pool figure name to value.
     */
    Map<String, Long> getBeforeStart();

    /**
     * Whether the dump signal ({@code signal=} option) is handled by the agent.
     *
     * @return false if it was left to the application, refused, or turned off.
     */
    boolean isSignalHandled();

    /**
     * Live tracked allocations: the records in the owner table in full mode; in sampled mode every
     * live allocation, sampled or not (exact).
     *
     * @return the count.
     */
    long getLiveAllocations();

    /**
     * The mean sampling interval ({@code sample=}).
     *
     * @return bytes, 0 in full mode (every allocation recorded with its stack).
     */
    long getSampleBytes();

    /**
     * Live allocations that have a record with a stack: all of them in full mode, the sampled ones in
     * sampled mode.
     *
     * @return the count.
     */
    long getSampledRecords();

    /**
     * Bytes of the live tracked allocations (exact in sampled mode too).
     *
     * @return the total requested size.
     */
    long getLiveBytes();

    /**
     * Pages spanned by the live tracked allocations (exact in sampled mode too).
     *
     * @return the total page span.
     */
    long getLivePages();

    /**
     * Live records per kind, summed by a scan of the table when read. A record counts under each of
     * its kind bits: {@code NIO_TEMP} records also count under {@code UNSAFE} or {@code DIRECT}.
     *
     * @return kind name ({@code UNSAFE}, {@code DIRECT}, {@code MAPPED}, {@code ARENA},
     *         {@code REALLOC}, {@code NIO_TEMP}) to count.
     */
    Map<String, Long> getLiveAllocationsByKind();

    /**
     * Bytes of the live records per kind, as {@link #getLiveAllocationsByKind()}.
     *
     * @return kind name to bytes.
     */
    Map<String, Long> getLiveBytesByKind();

    /**
     * The JDK's own view of direct and mapped buffers ({@code BufferPoolMXBean}), to set against the
     * {@code DIRECT} and {@code MAPPED} totals.
     *
     * @return {@code direct.count}, {@code direct.totalCapacity}, {@code direct.memoryUsed} and the
     *         same for {@code mapped}.
     */
    Map<String, Long> getJdkBufferPools();

    /**
     * The process's resident memory in bytes, to set against everything tracked: the difference is
     * the heap, the JVM itself, thread stacks and native code's own mallocs, which the agent cannot
     * see.
     *
     * @return {@code VmRSS} ({@code /proc/self/status}), {@code Rss} and {@code Anonymous}
     *         ({@code /proc/self/smaps_rollup}), each where readable.
     */
    Map<String, Long> getProcessMemory();

    /**
     * Allocations that could not be tracked: the table was full, or their free came for an address
     * allocated before the agent started.
     *
     * @return the count.
     */
    long getUntracked();

    /**
     * The untracked counts by reason, plus the agent's own allocations (never recorded).
     *
     * @return reason to count.
     */
    Map<String, Long> getUntrackedByReason();

    /**
     * Throwables the agent caught in its advice or recorder; 0 in a healthy run.
     *
     * @return the count.
     */
    long getSuppressedErrors();

    /**
     * Distinct stacks in the stack depot.
     *
     * @return the count.
     */
    int getDistinctStacks();

    /**
     * How stacks are captured: {@code backtrace} (the fast way), or {@code stack-walker} and why.
     *
     * @return the method.
     */
    String getStackCapture();

    /**
     * Methods matched by each advice meant for this JDK; an advice at 0 means the JDK's internals
     * changed, and the path it hooks is not tracked (a warning at start-up names it).
     *
     * @return advice name to methods matched.
     */
    Map<String, Integer> getAdviceMatches();

    /**
     * The JDK feature versions each advice of the agent is meant for; those not meant for this JDK
     * are not installed and not in {@link #getAdviceMatches()}.
     *
     * @return advice name to versions, e.g. {@code 17+}, {@code 21} or {@code 22+}.
     */
    Map<String, String> getAdviceVersions();

    /**
     * The options the agent runs with.
     *
     * @return e.g. {@code on,depth=16,...}.
     */
    String getOptions();

    /**
     * Writes a dump in page_owner format.
     *
     * @param path of the file to write, with {@code %p}, {@code %t} and {@code %%} as in the
     *             {@code dump=} option; empty for the {@code dump=} option's path.
     * @return a one-line summary: the path, records, bytes, pages and untracked counts.
     * @throws IOException naming the path and the reason if it cannot be written.
     */
    String dump(String path) throws IOException;

    /**
     * The allocation owning an address: any address inside a live block.
     *
     * @param address to look up.
     * @return the record in dump format (header, PFN line, stack), or an empty string.
     */
    String ownerOf(long address);

    /**
     * Every live allocation that spans a page.
     *
     * @param pageNumber the page (address &gt;&gt;&gt; page shift).
     * @return the records in dump format, or an empty string.
     */
    String ownersOfPage(long pageNumber);
}
