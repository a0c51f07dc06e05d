package io.pageowner.pool;

/**
 * What {@link PoolHooks} forwards a pool's events to: the agent's pool recorder extends it. Every method must
 * return normally, since the caller is advice inlined into the pool.
 */
public abstract class PoolSink
{
    /**
     * True while every pooled buffer is recorded with its stack: {@link PoolHooks#acquired(Object, int, int)}
     * then makes the throwable itself, so that its backtrace holds none of the agent's frames.
     */
    protected volatile boolean takeStack;

    /**
     * Constructor for subclasses.
     */
    protected PoolSink()
    {
    }

    /**
     * A pool handed out a buffer.
     *
     * @param memory the chunk's memory (a direct {@code ByteBuffer} for off-heap pools; anything else is ignored).
     * @param offset of the buffer in the chunk.
     * @param bytes  the buffer's share of the chunk: the size class it was given, at least what was asked.
     * @param stack  a throwable made by the hook for the acquiring stack, or null.
     */
    public abstract void acquired(Object memory, int offset, int bytes, Throwable stack);

    /**
     * A buffer goes back to its pool (or its thread cache).
     *
     * @param memory the chunk's memory, as given to {@link #acquired(Object, int, int, Throwable)}.
     * @param offset of the buffer in the chunk.
     * @param bytes  the buffer's share of the chunk, as given when it was acquired: read from the buffer itself,
     *               so that sampled mode keeps exact totals without looking the buffer up.
     */
    public abstract void releasing(Object memory, int offset, int bytes);

    /**
     * The current thread enters the method that makes a pool's chunk: the off-heap block it allocates is marked
     * as a pool chunk.
     *
     * @return the thread's marker before, to restore with {@link #chunkExit(int)}.
     */
    public abstract int chunkEnter();

    /**
     * The current thread leaves the method that makes a pool's chunk, normally or not.
     *
     * @param saved what {@link #chunkEnter()} returned.
     */
    public abstract void chunkExit(int saved);

    /**
     * Advice code threw and the throwable was suppressed.
     *
     * @param throwable that was suppressed.
     */
    public abstract void suppressed(Throwable throwable);
}
