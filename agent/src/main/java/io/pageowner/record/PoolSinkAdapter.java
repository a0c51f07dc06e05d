package io.pageowner.record;

import io.pageowner.pool.PoolSink;
/**
 * The only subclass of the pool sink, {@link PoolSink}: it turns a pool's events (a chunk's memory and an offset
 * in it) into addresses and forwards them to the pools' own {@link Recorder}, whose table holds only
 * {@link Kind#POOLED} records. The chunks themselves stay in the main recorder's table, so no byte is counted in
 * both tables' totals, and a pooled buffer at a chunk's first byte never takes the chunk's record.
 * <p>
 * Only direct memory is recorded: a heap arena's chunk (a {@code byte[]}, a heap {@code ByteBuf}) is ignored.
 */
public final class PoolSinkAdapter extends PoolSink implements StackFlag
{
    private final Recorder recorder;
    private final Recorder main;

    /**
     * Creates the adapter and lets the recorder set its {@code takeStack} flag from now on.
     *
     * @param recorder the pools' recorder, over a table of its own.
     * @param main     the main recorder, whose guard is held while the pools' recorder works, so that anything
     *                 the agent allocates off-heap meanwhile is never taken for the application's.
     */
    public PoolSinkAdapter(final Recorder recorder, final Recorder main)
    {
        this.recorder = recorder;
        this.main = main;
        recorder.attach(this);
    }

    @Override
    public void takeStack(final boolean take)
    {
        takeStack = take;
    }

    @Override
    public void acquired(final Object memory, final int offset, final int bytes, final Throwable stack)
    {
        final long base = base(memory);
        if (0 == base || bytes <= 0)
        {
            return;
        }
        final ThreadState guard = main.state();
        if (!guard.enter())
        {
            return;
        }
        final int saved = recorder.kindEnter(Kind.POOLED);
        try
        {
            recorder.allocated(base + offset, bytes, stack);
        }
        finally
        {
            recorder.kindExit(saved);
            guard.exit();
        }
    }

    @Override
    public void releasing(final Object memory, final int offset)
    {
        final long base = base(memory);
        if (0 == base)
        {
            return;
        }
        final ThreadState guard = main.state();
        if (!guard.enter())
        {
            return;
        }
        try
        {
            recorder.freeing(base + offset);
        }
        finally
        {
            guard.exit();
        }
    }

    @Override
    public int chunkEnter()
    {
        return main.kindEnter(Kind.POOL_CHUNK);
    }

    @Override
    public void chunkExit(final int saved)
    {
        main.kindExit(saved);
    }

    @Override
    public void suppressed(final Throwable throwable)
    {
        recorder.suppressed(throwable);
    }

    /**
     * The start of a chunk's memory.
     *
     * @param memory a direct buffer, a direct {@code ByteBuf}, or anything else.
     * @return its address, or 0 if it is not off-heap memory (or its library failed, which is counted).
     */
    long base(final Object memory)
    {
        try
        {
            return ChunkAddress.of(memory);
        }
        catch (final Throwable ex)
        {
            recorder.fail(ex);
            return 0;
        }
    }
}
