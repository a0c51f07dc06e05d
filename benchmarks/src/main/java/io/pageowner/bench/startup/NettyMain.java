package io.pageowner.bench.startup;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A small program of the kind Netty services start with: direct buffers of its own, then pooled buffers from
 * Netty's two allocators (4.2's adaptive, its default, and the pooled one), half of them released; it says when its
 * {@code main} began. Under the agent, Netty's buffer classes are woven as they load (from the woven-class cache
 * on a warm start), so this is the start-up a Netty user pays.
 */
public final class NettyMain
{
    private NettyMain()
    {
    }

    /**
     * Prints the time {@code main} began, then does its off-heap work.
     *
     * @param args unused.
     */
    public static void main(final String[] args)
    {
        final Instant now = Instant.now();
        System.out.println("MAIN " + (now.getEpochSecond() * 1_000_000_000L + now.getNano()));
        final List<ByteBuffer> direct = new ArrayList<>();
        for (int i = 0; i < 16; i++)
        {
            direct.add(ByteBuffer.allocateDirect(16 * 1024));
        }
        final List<ByteBuf> held = new ArrayList<>();
        for (final ByteBufAllocator allocator :
            List.of(new AdaptiveByteBufAllocator(true), new PooledByteBufAllocator(true)))
        {
            for (int i = 0; i < 64; i++)
            {
                final ByteBuf buffer = allocator.directBuffer(256 << (i % 4));
                buffer.writeLong(i);
                if (0 == i % 2)
                {
                    buffer.release();
                }
                else
                {
                    held.add(buffer);
                }
            }
        }
        System.out.println("direct " + direct.size() + ", pooled held " + held.size());
    }
}
