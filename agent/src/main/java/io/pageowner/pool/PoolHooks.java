package io.pageowner.pool;

/**
 * The static entry points of the pool advice. Until {@link #install(PoolSink)} is called each is a null check and
 * a return.
 */
public final class PoolHooks
{
    private static volatile PoolSink sink;

    private PoolHooks()
    {
    }

    /**
     * Sets (or, with null, clears) where events go.
     *
     * @param newSink to forward to, or null to drop events.
     */
    public static void install(final PoolSink newSink)
    {
        sink = newSink;
    }

    /**
     * A pool handed out a buffer: called when the buffer has been set up on its chunk.
     *
     * @param memory the chunk's memory.
     * @param offset of the buffer in the chunk.
     * @param bytes  the buffer's share of the chunk.
     */
    public static void acquired(final Object memory, final int offset, final int bytes)
    {
        final PoolSink s = sink;
        if (null != s && null != memory)
        {
            s.acquired(memory, offset, bytes, s.takeStack ? new Throwable() : null);
        }
    }

    /**
     * A buffer goes back to its pool.
     *
     * @param memory the chunk's memory.
     * @param offset of the buffer in the chunk.
     * @param bytes  the buffer's share of the chunk, as when it was acquired.
     */
    public static void releasing(final Object memory, final int offset, final int bytes)
    {
        final PoolSink s = sink;
        if (null != s && null != memory)
        {
            s.releasing(memory, offset, bytes);
        }
    }

    /**
     * Entry of the method that makes a pool's chunk.
     *
     * @return the marker to restore on exit, normal or by a throwable.
     */
    public static int chunkEnter()
    {
        final PoolSink s = sink;
        return null != s ? s.chunkEnter() : 0;
    }

    /**
     * Exit, normal or by a throwable, of a method that called {@link #chunkEnter()}.
     *
     * @param saved what {@link #chunkEnter()} returned.
     */
    public static void chunkExit(final int saved)
    {
        final PoolSink s = sink;
        if (null != s)
        {
            s.chunkExit(saved);
        }
    }

    /**
     * Called by the advice's exception handler: an advice threw and the throwable was swallowed.
     *
     * @param throwable that was swallowed.
     */
    public static void suppressed(final Throwable throwable)
    {
        final PoolSink s = sink;
        if (null != s)
        {
            try
            {
                s.suppressed(throwable);
            }
            catch (final Throwable ignore)
            {
                // NOTE: the advice's handler must never throw into the application.
            }
        }
    }
}
