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
 * Netty 4.2's {@code AdaptiveByteBufAllocator} (its default): every buffer it hands out is an
 * {@code AdaptivePoolingAllocator.AdaptiveByteBuf}, set up on a segment of a chunk by {@code init(...)} and given
 * back by {@code deallocate()}. The advice reads the buffer's fields: {@code rootParent} (the chunk's own
 * {@code ByteBuf}, whose address the pools' adapter reads through Netty's public {@code ByteBuf} methods; a heap
 * chunk is ignored), {@code startIndex} (the segment's offset in it) and {@code maxFastCapacity} (the segment's
 * size).
 * <ul>
 * <li>entry of {@code init}, when the buffer still holds a segment ({@code chunk} set: a reallocation moves it):
 * the old segment is given back;</li>
 * <li>exit of {@code init}: the buffer is acquired;</li>
 * <li>entry of {@code deallocate}, when {@code chunk} is set: the buffer is given back.</li>
 * </ul>
 * Both entries pass {@code maxFastCapacity} too, still the segment's size there.
 */
public final class NettyAdaptiveInstrumentation implements PoolSpec
{
    /** The buffer class, unshaded. */
    public static final String TYPE = "io.netty.buffer.AdaptivePoolingAllocator$AdaptiveByteBuf";

    private static final ElementMatcher.Junction<MethodDescription> INIT =
        named("init").and(not(isStatic())).and(takesArguments(8));
    private static final ElementMatcher.Junction<MethodDescription> DEALLOCATE =
        named("deallocate").and(not(isStatic())).and(takesArguments(0));

    @Override
    public String name()
    {
        return "Netty AdaptiveByteBuf";
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
        field(type, "startIndex", "int", missing);
        field(type, "maxFastCapacity", "int", missing);
        field(type, "rootParent", "io.netty.buffer.AbstractByteBuf", missing);
        field(type, "chunk", "io.netty.buffer.AdaptivePoolingAllocator$Chunk", missing);
        if (type.getDeclaredMethods().filter(INIT).size() != 1)
        {
            missing.add("method init(8 arguments)");
        }
        if (type.getDeclaredMethods().filter(DEALLOCATE).size() != 1)
        {
            missing.add("method deallocate()");
        }
        return missing;
    }

    @Override
    public List<AsmVisitorWrapper> advice(final Advice.ExceptionHandler handler)
    {
        return List.of(
            Advice.to(InitAdvice.class).withExceptionHandler(handler).on(INIT),
            Advice.to(DeallocateAdvice.class).withExceptionHandler(handler).on(DEALLOCATE));
    }

    private static void field(
        final TypeDescription type, final String name, final String erasure, final List<String> missing)
    {
        final List<FieldDescription.InDefinedShape> found = type.getDeclaredFields().filter(named(name));
        final String actual = found.size() == 1 ? found.get(0).getType().asErasure().getName() : "";
        // NOTE: a shaded copy's types carry its prefix: compared by suffix, like the class itself.
        if (found.size() != 1 || found.get(0).isStatic() || !(actual.equals(erasure) || actual.endsWith("." + erasure)))
        {
            missing.add("field " + erasure + " " + name);
        }
    }

    /**
     * {@code init(...)}: a segment still held is given back on entry; the new one is acquired on exit.
     */
    public static final class InitAdvice
    {
        private InitAdvice()
        {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(
            @Advice.FieldValue("chunk") final Object chunk,
            @Advice.FieldValue("rootParent") final Object root,
            @Advice.FieldValue("startIndex") final int startIndex,
            @Advice.FieldValue("maxFastCapacity") final int capacity)
        {
            if (null != chunk)
            {
                PoolHooks.releasing(root, startIndex, capacity);
            }
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(
            @Advice.FieldValue("rootParent") final Object root,
            @Advice.FieldValue("startIndex") final int startIndex,
            @Advice.FieldValue("maxFastCapacity") final int capacity)
        {
            PoolHooks.acquired(root, startIndex, capacity);
        }
    }

    /**
     * Entry of {@code deallocate()}: the buffer goes back to its chunk.
     */
    public static final class DeallocateAdvice
    {
        private DeallocateAdvice()
        {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(
            @Advice.FieldValue("chunk") final Object chunk,
            @Advice.FieldValue("rootParent") final Object root,
            @Advice.FieldValue("startIndex") final int startIndex,
            @Advice.FieldValue("maxFastCapacity") final int capacity)
        {
            if (null != chunk)
            {
                PoolHooks.releasing(root, startIndex, capacity);
            }
        }
    }
}
