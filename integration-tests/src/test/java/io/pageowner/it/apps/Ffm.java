package io.pageowner.it.apps;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.FileChannel;

/**
 * The few FFM calls (JDK 22+, and 21 with {@code --enable-preview}) the probes make, through method handles: the
 * tests compile for Java 17. Method handle frames are hidden from stack walks, so the records' stacks read as if the
 * probes called the API directly.
 */
final class Ffm
{
    private static final Class<?> ARENA = type("java.lang.foreign.Arena");
    private static final Class<?> SEGMENT = type("java.lang.foreign.MemorySegment");
    private static final MethodHandle OF_CONFINED = arenaFactory("ofConfined");
    private static final MethodHandle OF_SHARED = arenaFactory("ofShared");
    private static final MethodHandle OF_AUTO = arenaFactory("ofAuto");
    private static final MethodHandle GLOBAL = arenaFactory("global");
    private static final MethodHandle ALLOCATE = virtual(ARENA, "allocate", SEGMENT, long.class, long.class);
    private static final MethodHandle CLOSE = virtual(ARENA, "close", void.class);
    private static final MethodHandle ADDRESS = virtual(SEGMENT, "address", long.class);
    private static final MethodHandle MAP =
        virtual(FileChannel.class, "map", SEGMENT, FileChannel.MapMode.class, long.class, long.class, ARENA);

    private Ffm()
    {
    }

    static Object arena(final String kind) throws Throwable
    {
        switch (kind)
        {
            case "confined":
                return OF_CONFINED.invoke();
            case "shared":
                return OF_SHARED.invoke();
            case "auto":
                return OF_AUTO.invoke();
            case "global":
                return GLOBAL.invoke();
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    /**
     * {@code arena.allocate(bytes, alignment).address()}.
     */
    static long allocate(final Object arena, final long bytes, final long alignment) throws Throwable
    {
        return (long)ADDRESS.invoke(ALLOCATE.invoke(arena, bytes, alignment));
    }

    /**
     * {@code channel.map(mode, position, size, arena).address()}.
     */
    static long map(final FileChannel channel, final FileChannel.MapMode mode, final long position, final long size,
        final Object arena) throws Throwable
    {
        return (long)ADDRESS.invoke(MAP.invoke(channel, mode, position, size, arena));
    }

    static void close(final Object arena) throws Throwable
    {
        CLOSE.invoke(arena);
    }

    private static Class<?> type(final String name)
    {
        try
        {
            return Runtime.version().feature() >= 21 ? Class.forName(name) : null;
        }
        catch (final ClassNotFoundException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static MethodHandle arenaFactory(final String name)
    {
        try
        {
            return null == ARENA ?
                null : MethodHandles.publicLookup().findStatic(ARENA, name, MethodType.methodType(ARENA));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static MethodHandle virtual(final Class<?> owner, final String name, final Class<?> returns,
        final Class<?>... parameters)
    {
        try
        {
            return null == ARENA ? null :
                MethodHandles.publicLookup().findVirtual(owner, name, MethodType.methodType(returns, parameters));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
