package fake.io.netty.buffer;

/**
 * A stand-in for a Netty version whose pooled buffer differs from the ones page-owner knows: its name ends like
 * Netty's (as a shaded copy's does), but it has no {@code maxLength} and no {@code init0}. The agent must name it in
 * a warning and leave it alone.
 */
public class PooledByteBuf
{
    protected long handle = 1;
    protected Object memory;
    protected int offset;

    /**
     * Sets the buffer up, as Netty's {@code init} does.
     *
     * @param memory the chunk.
     * @param offset in the chunk.
     */
    public void init(final Object memory, final int offset)
    {
        this.memory = memory;
        this.offset = offset;
    }

    /**
     * Gives the buffer back.
     */
    protected final void deallocate()
    {
        memory = null;
    }
}
