package io.pageowner.sample;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;

import sun.misc.Unsafe;

/**
 * The raw off-heap access real libraries use (Netty, Chronicle, Agrona): {@code sun.misc.Unsafe}.
 */
final class OffHeap
{
    static final Unsafe UNSAFE = unsafe();

    private OffHeap()
    {
    }

    private static Unsafe unsafe()
    {
        try
        {
            final Field field = Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (Unsafe)field.get(null);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException("no sun.misc.Unsafe", ex);
        }
    }

    static void release(final ByteBuffer direct)
    {
        UNSAFE.invokeCleaner(direct);
    }
}
