package io.pageowner.bench;

import java.lang.reflect.Field;

import sun.misc.Unsafe;

/**
 * The application's view of Unsafe, for {@code invokeCleaner} as libraries use it.
 */
final class Unsafes
{
    static final Unsafe UNSAFE = unsafe();

    private Unsafes()
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
            throw new IllegalStateException(ex);
        }
    }
}
