package io.pageowner.analysis.output;

import io.pageowner.analysis.group.Group;
import io.pageowner.analysis.group.Sampling;
import io.pageowner.analysis.parse.DumpTime;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The groups as a gzipped pprof profile ({@link PprofProfile}): one sample per group with the values
 * {@code inuse_objects} (times) and {@code inuse_space} (bytes), as the text output counts them, so
 * {@code go tool pprof -top} adds up to the same totals. For a sampled dump the values are the rounded estimates the
 * text output prints (the plain sample counts with {@code --unweighted}), a comment says so and the profile's period
 * is the mean sampling interval. Comments also name the command, the dump and when it was taken, and carry the
 * dump's trailer lines; the profile's time is the dump's wall clock time when the trailer states it.
 */
public final class PprofWriter implements GroupWriter
{
    private final OutputOptions options;

    /**
     * A writer for a run's options.
     *
     * @param options of the run.
     */
    public PprofWriter(final OutputOptions options)
    {
        this.options = options;
    }

    /**
     * {@inheritDoc}
     */
    public void write(final Group[] groups, final RunSummary summary, final OutputStream out) throws IOException
    {
        final Sampling sampling = summary.sampling();
        final PprofProfile profile = new PprofProfile(out, options);
        for (final Group group : groups)
        {
            profile.sample(group, sampling.times(group), sampling.bytes(group));
        }
        final List<String> comments = new ArrayList<>();
        comments.add("page-owner " + summary.commandLine());
        comments.add(dumpComment(summary.input(), summary.time()));
        if (sampling.sampled())
        {
            comments.add(sampling.statement(PprofProfile.COUNT_TYPE + " and " + PprofProfile.BYTES_TYPE)
                .substring(2));
        }
        comments.addAll(summary.comments());
        profile.finish(summary.input(), comments, timeNanos(summary.time()),
            sampling.sampled() ? Math.max(0, sampling.interval()) : 0);
    }

    /**
     * The comment that names a dump and when it was taken.
     *
     * @param input name of the dump.
     * @param time  its time, or null.
     * @return e.g. {@code dump d.txt, taken at ts 5000 ns (2026-12-05T00:00:00Z)}.
     */
    public static String dumpComment(final String input, final DumpTime time)
    {
        if (null == time)
        {
            return "dump " + input + " (its trailer does not say when it was taken)";
        }
        return "dump " + input + ", taken at ts " + time.tsNanos() + " ns" +
            (time.wallMillis() >= 0 ? " (" + Instant.ofEpochMilli(time.wallMillis()) + ")" : "");
    }

    /**
     * The profile's time: the dump's wall clock time.
     *
     * @param time of the dump, or null.
     * @return ns since the epoch, or 0 if unknown.
     */
    public static long timeNanos(final DumpTime time)
    {
        return null == time || time.wallMillis() < 0 ? 0 : time.wallMillis() * 1_000_000L;
    }
}
