package io.pageowner.record;

import jdk.internal.misc.Unsafe;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Modifier;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * The start address of a pool chunk's memory, whatever the pool holds it in: a direct {@code ByteBuffer}
 * (Netty's {@code PooledByteBufAllocator}) or a {@code ByteBuf} of the pool's own library (Netty 4.2's
 * {@code AdaptivePoolingAllocator}), which the agent knows only by name: its public {@code ByteBuf} methods are
 * looked up once per class, through the nearest public superclass named {@code ...io.netty.buffer.ByteBuf}.
 */
final class ChunkAddress
{
    private static final Unsafe UNSAFE = Unsafe.getUnsafe();
    private static final long ADDRESS = UNSAFE.objectFieldOffset(Buffer.class, "address");
    private static final String BYTE_BUF = "io.netty.buffer.ByteBuf";
    private static final MethodHandle[] NONE = new MethodHandle[0];

    private static final ClassValue<MethodHandle[]> BYTE_BUF_METHODS = new ClassValue<>()
    {
        @Override
        protected MethodHandle[] computeValue(final Class<?> type)
        {
            return lookUp(type);
        }
    };

    private ChunkAddress()
    {
    }

    /**
     * The address a chunk's memory starts at.
     *
     * @param memory a direct buffer, a direct {@code ByteBuf}, or anything else.
     * @return the address, or 0 if it is not off-heap memory the agent can read an address of.
     * @throws Throwable what the library's own method threw.
     */
    static long of(final Object memory) throws Throwable
    {
        if (memory instanceof ByteBuffer)
        {
            return ((ByteBuffer)memory).isDirect() ? UNSAFE.getLong(memory, ADDRESS) : 0;
        }
        final MethodHandle[] methods = BYTE_BUF_METHODS.get(memory.getClass());
        if (0 == methods.length || !(boolean)methods[0].invoke(memory))
        {
            return 0;
        }
        if ((boolean)methods[1].invoke(memory))
        {
            return (long)methods[2].invoke(memory);
        }
        final ByteBuffer view = (ByteBuffer)methods[3].invoke(memory, 0, 0);
        return view.isDirect() ? UNSAFE.getLong(view, ADDRESS) : 0;
    }

    private static MethodHandle[] lookUp(final Class<?> type)
    {
        Class<?> c = type;
        while (null != c && !(Modifier.isPublic(c.getModifiers()) &&
            (c.getName().equals(BYTE_BUF) || c.getName().endsWith("." + BYTE_BUF))))
        {
            c = c.getSuperclass();
        }
        if (null == c)
        {
            return NONE;
        }
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            return new MethodHandle[]{
                lookup.findVirtual(c, "isDirect", MethodType.methodType(boolean.class)),
                lookup.findVirtual(c, "hasMemoryAddress", MethodType.methodType(boolean.class)),
                lookup.findVirtual(c, "memoryAddress", MethodType.methodType(long.class)),
                lookup.findVirtual(c, "nioBuffer", MethodType.methodType(ByteBuffer.class, int.class, int.class)) };
        }
        catch (final ReflectiveOperationException ex)
        {
            return NONE;
        }
    }
}
