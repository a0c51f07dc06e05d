package io.pageowner.it.apps;

import fake.io.netty.buffer.PooledByteBuf;

import java.nio.ByteBuffer;

/**
 * Loads and uses a class named like Netty's pooled buffer whose internals differ ({@link PooledByteBuf}), then
 * prints {@code USED} and the agent's {@code LiveBytesByKind} POOLED figure.
 */
public final class OddNettyProbe
{
    private OddNettyProbe()
    {
    }

    /**
     * Runs it.
     *
     * @param args none.
     * @throws Exception if the agent's MBean is missing.
     */
    public static void main(final String[] args) throws Exception
    {
        ProbeSupport.awaitMBean();
        final PooledByteBuf buf = new PooledByteBuf();
        buf.init(ByteBuffer.allocateDirect(4096), 0);
        System.out.println("USED");
        System.out.println("POOLED " + ProbeSupport.mapAttribute("LiveBytesByKind").get("POOLED"));
    }
}
