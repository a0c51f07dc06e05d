package io.pageowner.instrument;

import io.pageowner.pool.PoolHooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.ArrayList;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Netty's {@code PooledByteBufAllocator} (4.1 and 4.2): every buffer it hands out is a {@code PooledByteBuf}
 * set up on a slice of a chunk by {@code init(...)} and given back by {@code deallocate()} when its reference
 * count reaches 0 (to the thread's cache or to the arena). The advice reads the buffer's own fields:
 * {@code memory} (the chunk's {@code ByteBuffer}; a heap arena's {@code byte[]} is ignored), {@code offset} and
 * {@code maxLength} (its share of the chunk, the size class of what was asked).
 * <ul>
 * <li>exit of {@code init}: the buffer is acquired, at chunk address + offset, {@code maxLength} bytes;</li>
 * <li>entry of {@code init0}, when the buffer already holds pooled memory ({@code handle > 0}, as
 * {@code PoolArena.reallocate} does when a buffer grows): the old slice is given back;</li>
 * <li>entry of {@code deallocate}, when {@code handle > 0}: the buffer is given back.</li>
 * </ul>
 * Both entries pass {@code maxLength} too, still the acquired size there, so that sampled mode needs no lookup.
 * A pooled handle always has its "used" bit set, so it is positive; a huge buffer, which gets an unpooled chunk
 * of its own ({@code initUnpooled}, handle 0), is not a {@code POOLED} record: its chunk's record is its owner.
 */
public final class NettyPooledInstrumentation implements PoolSpec
{
    /** The buffer class, unshaded. */
    public static final String TYPE = "io.netty.buffer.PooledByteBuf";

    private static final ElementMatcher.Junction<MethodDescription> INIT =
        named("init").and(not(isStatic())).and(takesArguments(7).or(takesArguments(8)));
    private static final ElementMatcher.Junction<MethodDescription> INIT0 =
        named("init0").and(not(isStatic())).and(takesArguments(7).or(takesArguments(9)));
    private static final ElementMatcher.Junction<MethodDescription> DEALLOCATE =
        named("deallocate").and(not(isStatic())).and(takesArguments(0));

    @Override
    public String name()
    {
        return "Netty PooledByteBuf";
    }

    @Override
    public String typeName()
    {
        return TYPE;
    }

    @Override
    public List<String> missing(final TypeDescription type)
    {
        final List<String> missing = new ArrayList<>();
        field(type, "memory", "java.lang.Object", missing);
        field(type, "offset", "int", missing);
        field(type, "maxLength", "int", missing);
        field(type, "handle", "long", missing);
        method(type, INIT, "init(7 or 8 arguments)", missing);
        method(type, INIT0, "init0(7 or 9 arguments)", missing);
        method(type, DEALLOCATE, "deallocate()", missing);
        return missing;
    }

    @Override
    public List<AsmVisitorWrapper> advice(final Advice.ExceptionHandler handler)
    {
        return List.of(
            Advice.to(InitAdvice.class).withExceptionHandler(handler).on(INIT),
            Advice.to(ReinitAdvice.class).withExceptionHandler(handler).on(INIT0),
            Advice.to(DeallocateAdvice.class).withExceptionHandler(handler).on(DEALLOCATE));
    }

    private static void field(
        final TypeDescription type, final String name, final String erasure, final List<String> missing)
    {
        final List<FieldDescription.InDefinedShape> found = type.getDeclaredFields().filter(named(name));
        if (found.size() != 1 || !found.get(0).getType().asErasure().getName().equals(erasure) ||
            found.get(0).isStatic())
        {
            missing.add("field " + erasure + " " + name);
        }
    }

    private static void method(
        final TypeDescription type,
        final ElementMatcher<? super MethodDescription> matcher,
        final String what,
        final List<String> missing)
    {
        if (type.getDeclaredMethods().filter(matcher).size() != 1)
        {
            missing.add("method " + what);
        }
    }

    /**
     * Exit of {@code init(...)}: the buffer now holds {@code maxLength} bytes at {@code offset} in the chunk.
     */
    public static final class InitAdvice
    {
        private InitAdvice()
        {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(
            @Advice.FieldValue("memory") final Object memory,
            @Advice.FieldValue("offset") final int offset,
            @Advice.FieldValue("maxLength") final int maxLength)
        {
            PoolHooks.acquired(memory, offset, maxLength);
        }
    }

    /**
     * Entry of {@code init0(...)}: a buffer that still holds pooled memory is being moved (reallocation).
     */
    public static final class ReinitAdvice
    {
        private ReinitAdvice()
        {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(
            @Advice.FieldValue("memory") final Object memory,
            @Advice.FieldValue("offset") final int offset,
            @Advice.FieldValue("maxLength") final int maxLength,
            @Advice.FieldValue("handle") final long handle)
        {
            if (handle > 0)
            {
                PoolHooks.releasing(memory, offset, maxLength);
            }
        }
    }

    /**
     * Entry of {@code deallocate()}: the buffer goes back to its pool.
     */
    public static final class DeallocateAdvice
    {
        private DeallocateAdvice()
        {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(
            @Advice.FieldValue("memory") final Object memory,
            @Advice.FieldValue("offset") final int offset,
            @Advice.FieldValue("maxLength") final int maxLength,
            @Advice.FieldValue("handle") final long handle)
        {
            if (handle > 0)
            {
                PoolHooks.releasing(memory, offset, maxLength);
            }
        }
    }
}
