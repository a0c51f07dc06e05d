package io.pageowner.sample;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;

import sun.misc.Unsafe;

/**
 * The raw off-heap access real libraries use (Netty, Chronicle, Agrona): {@code sun.misc.Unsafe}, reached
 * through its {@code theUnsafe} field as they reach it.
 * <p>
 * Public because the benchmarks and the integration tests' scenario mains imitate the same application and
 * take their Unsafe from here, rather than each carrying its own copy of the reflective getter. The getter
 * runs once, at class initialisation, so it adds no frame to any allocation's stack.
 */
public final class OffHeap
{
    /** The JDK's Unsafe, as applications reach it. */
    public static final Unsafe UNSAFE = unsafe();

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
