package io.pageowner.instrument;

import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pools' checks of a class before any advice goes in: the shape of Netty's classes (4.1's and 4.2's
 * signatures) passes, a class whose internals differ is named with what it lacks, and shaded names match.
 */
class NettyPoolSpecTest
{
    @Test
    void shouldAcceptTheShapesOfNetty41And42()
    {
        final NettyPooledInstrumentation spec = new NettyPooledInstrumentation();
        assertEquals(List.of(), spec.missing(TypeDescription.ForLoadedType.of(Like41.class)));
        assertEquals(List.of(), spec.missing(TypeDescription.ForLoadedType.of(Like42.class)));
        assertEquals(List.of(),
            NettyChunkInstrumentation.pooledArena().missing(TypeDescription.ForLoadedType.of(Arena.class)));
    }

    @Test
    void shouldNameWhatADifferentVersionLacks()
    {
        final List<String> missing =
            new NettyPooledInstrumentation().missing(TypeDescription.ForLoadedType.of(Renamed.class));
        assertEquals(List.of("field int maxLength", "method init0(7 or 9 arguments)"), missing);
        assertEquals(List.of("method newChunk(4)"),
            NettyChunkInstrumentation.pooledArena().missing(TypeDescription.ForLoadedType.of(Renamed.class)));
    }

    @Test
    void shouldMatchShadedCopiesByNameSuffix()
    {
        final NettyPooledInstrumentation spec = new NettyPooledInstrumentation();
        assertTrue(spec.matches("io.netty.buffer.PooledByteBuf"));
        assertTrue(spec.matches("io.grpc.netty.shaded.io.netty.buffer.PooledByteBuf"));
        assertFalse(spec.matches("io.netty.buffer.PooledByteBufAllocator"));
        assertFalse(spec.matches("com.example.xio.netty.buffer.PooledByteBuf"));
        assertTrue(NettyChunkInstrumentation.pooledArena().matches("shaded.io.netty.buffer.PoolArena$DirectArena"));
    }

    @SuppressWarnings("unused")
    abstract static class Like41
    {
        protected long handle;
        protected Object memory;
        protected int offset;
        protected int length;
        int maxLength;

        void init(
            final Object a, final ByteBuffer b, final long c, final int d, final int e, final int f, final Object g)
        {
        }

        private void init0(
            final Object a, final ByteBuffer b, final long c, final int d, final int e, final int f, final Object g)
        {
        }

        protected final void deallocate()
        {
        }
    }

    @SuppressWarnings("unused")
    abstract static class Like42
    {
        protected long handle;
        protected Object memory;
        protected int offset;
        int maxLength;

        void init(
            final Object a, final ByteBuffer b, final long c, final int d,
            final int e, final int f, final Object g, final boolean h)
        {
        }

        private void init0(
            final Object a, final ByteBuffer b, final long c, final int d,
            final int e, final int f, final Object g, final boolean h, final boolean i)
        {
        }

        protected final void deallocate()
        {
        }
    }

    @SuppressWarnings("unused")
    abstract static class Renamed
    {
        protected long handle;
        protected Object memory;
        protected int offset;
        int capacityInChunk;

        void init(
            final Object a, final ByteBuffer b, final long c, final int d, final int e, final int f, final Object g)
        {
        }

        private void setUp(
            final Object a, final ByteBuffer b, final long c, final int d, final int e, final int f, final Object g)
        {
        }

        protected final void deallocate()
        {
        }
    }

    @SuppressWarnings("unused")
    abstract static class Arena
    {
        protected Object newChunk(final int a, final int b, final int c, final int d)
        {
            return null;
        }
    }
}
