package io.pageowner.instrument;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;

import java.util.List;

/**
 * One pool of an application library (Netty's {@code PooledByteBufAllocator}, ...) whose buffers are recorded as
 * {@code POOLED}: the class that sets its buffers up and gives them back, found by name at run time in whatever
 * loader loads it. Nothing of the library is a dependency of the agent, and no class of it is loaded by the agent:
 * the advice is inlined into the library's own class when the application loads it, and calls
 * {@code io.pageowner.pool.PoolHooks}, which every loader reaches.
 * <p>
 * A pool checks the class before it applies anything ({@link #missing(TypeDescription)}): a version whose
 * internals differ is reported by name and left alone, never half tracked. To add a pool, write one class that
 * implements this interface and list it in {@link Instrumentations#pools()}.
 */
public interface PoolSpec
{
    /**
     * Short name for reports.
     *
     * @return e.g. {@code Netty PooledByteBuf}.
     */
    String name();

    /**
     * The class name the pool's class has, unshaded; a shaded copy's name ends with it after a dot.
     *
     * @return e.g. {@code io.netty.buffer.PooledByteBuf}.
     */
    String typeName();

    /**
     * What the advice needs and the class lacks.
     *
     * @param type the class about to be transformed.
     * @return the missing fields and methods, empty when the class is one this pool knows.
     */
    List<String> missing(TypeDescription type);

    /**
     * The advice for the class.
     *
     * @param handler inlined where an advice throws: counts and swallows it.
     * @return the visitors to apply, in order.
     */
    List<AsmVisitorWrapper> advice(Advice.ExceptionHandler handler);

    /**
     * Whether a class name is this pool's class, in its own package or a shaded copy of it.
     *
     * @param name a class's binary name.
     * @return true for {@link #typeName()} itself or any name ending with {@code "." + typeName()}.
     */
    default boolean matches(final String name)
    {
        return name.equals(typeName()) || name.endsWith("." + typeName());
    }
}
