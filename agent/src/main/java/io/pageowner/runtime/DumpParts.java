package io.pageowner.runtime;

import io.pageowner.dump.DumpMode;
import io.pageowner.dump.PageOwnerFormat;
import io.pageowner.dump.PageOwnerWriter;
import io.pageowner.record.Recorder;

/**
 * The dump writer and the record format, made when first asked for (the first dump, the MBean's first record
 * lookup, the MBean itself on its own thread) instead of at start-up: their classes and set-up were 3-5 ms of a
 * warm {@code =on} start, and many runs never dump. Callers hold the recorder's guard, as for the dump itself.
 */
final class DumpParts
{
    private final Recorder recorder;
    private final Recorder pools;
    private final long pid;
    private final long zeroNanos;
    private PageOwnerFormat format;
    private PageOwnerWriter writer;

    /**
     * Remembers what the parts are made of.
     *
     * @param recorder  the main table's recorder.
     * @param pools     the pools' recorder.
     * @param pid       this process's id, for the dump's header.
     * @param zeroNanos the {@link System#nanoTime()} of the JVM's start.
     */
    DumpParts(final Recorder recorder, final Recorder pools, final long pid, final long zeroNanos)
    {
        this.recorder = recorder;
        this.pools = pools;
        this.pid = pid;
        this.zeroNanos = zeroNanos;
    }

    /**
     * The format of one record, as the dump writes it.
     *
     * @return the format, made at the first call.
     */
    synchronized PageOwnerFormat format()
    {
        if (null == format)
        {
            final DumpMode mode = recorder.sampleBytes() > 0 ?
                DumpMode.sampled(recorder.sampleBytes(), recorder.liveSizes()) : DumpMode.FULL;
            format = new PageOwnerFormat(recorder.stacks(), recorder.threads(), pid, recorder.mappedFiles(), mode);
        }
        return format;
    }

    /**
     * The dump writer, of both tables.
     *
     * @return the writer, made at the first call.
     */
    synchronized PageOwnerWriter writer()
    {
        if (null == writer)
        {
            writer = new PageOwnerWriter(
                recorder.table(), format(), recorder.counters(), recorder.stacks(), recorder.depth(), zeroNanos);
            writer.pools(pools.table(), pools);
        }
        return writer;
    }
}
