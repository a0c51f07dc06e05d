package io.pageowner.instrument;

import io.pageowner.pool.PoolHooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * The chunks of a Netty pool, marked by a method that makes one: a marker set on its entry and restored on its
 * exit adds {@code POOL_CHUNK} to the record of the block it takes from the JDK ({@code ByteBuffer.allocateDirect}
 * or, without a cleaner, {@code Unsafe.allocateMemory}), so the dump tells a pool's chunks (in use or free inside)
 * from the application's own memory, and the chunk bytes are never taken for more memory than the {@code POOLED}
 * buffers inside them.
 * <ul>
 * <li>{@code PooledByteBufAllocator}: {@code PoolArena.DirectArena.newChunk(...)}. A huge buffer's chunk of its own
 * ({@code newUnpooledChunk}) is not marked: it is that buffer's memory, owned by the stack that asked for it.</li>
 * <li>{@code AdaptiveByteBufAllocator} (4.2): {@code newChunkAllocation(...)} of its size-class and buddy chunk
 * controllers; a buffer too large for them gets a chunk of its own, not marked.</li>
 * </ul>
 */
public final class NettyChunkInstrumentation implements PoolSpec
{
    /** The direct arena of {@code PooledByteBufAllocator}, unshaded. */
    public static final String TYPE = "io.netty.buffer.PoolArena$DirectArena";

    private final String name;
    private final String typeName;
    private final ElementMatcher.Junction<MethodDescription> method;
    private final String methodName;

    private NettyChunkInstrumentation(
        final String name, final String typeName, final String methodName, final int arguments)
    {
        this.name = name;
        this.typeName = typeName;
        this.methodName = methodName + "(" + arguments + ")";
        this.method = named(methodName).and(not(isStatic())).and(takesArguments(arguments));
    }

    /**
     * {@code PooledByteBufAllocator}'s chunks.
     *
     * @return the spec.
     */
    public static NettyChunkInstrumentation pooledArena()
    {
        return new NettyChunkInstrumentation("Netty PoolArena chunks", TYPE, "newChunk", 4);
    }

    /**
     * {@code AdaptiveByteBufAllocator}'s chunks, made by one of its chunk controllers.
     *
     * @param controller the controller's simple name, e.g. {@code SizeClassChunkController}.
     * @return the spec.
     */
    public static NettyChunkInstrumentation adaptive(final String controller)
    {
        return new NettyChunkInstrumentation("Netty adaptive " + controller + " chunks",
            "io.netty.buffer.AdaptivePoolingAllocator$" + controller, "newChunkAllocation", 2);
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public String typeName()
    {
        return typeName;
    }

    @Override
    public List<String> missing(final TypeDescription type)
    {
        return type.getDeclaredMethods().filter(method).size() == 1 ? List.of() : List.of("method " + methodName);
    }

    @Override
    public List<AsmVisitorWrapper> advice(final Advice.ExceptionHandler handler)
    {
        return List.of(Advice.to(NewChunkAdvice.class).withExceptionHandler(handler).on(method));
    }

    /**
     * {@code newChunk(...)}: its allocation is a pool chunk.
     */
    public static final class NewChunkAdvice
    {
        private NewChunkAdvice()
        {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static int enter()
        {
            return PoolHooks.chunkEnter();
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter final int saved)
        {
            PoolHooks.chunkExit(saved);
        }
    }
}
