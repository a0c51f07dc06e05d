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
 * The chunks of Netty's {@code PooledByteBufAllocator}: {@code PoolArena.DirectArena.newChunk(...)} takes each
 * one from the JDK ({@code ByteBuffer.allocateDirect} or, without a cleaner, {@code Unsafe.allocateMemory}); a
 * marker set on its entry and restored on its exit adds {@code POOL_CHUNK} to the record of that block, so the
 * dump tells a pool's chunks (in use or free inside) from the application's own memory, and the chunk bytes are
 * never taken for more memory than the {@code POOLED} buffers inside them. A huge buffer's chunk of its own
 * ({@code newUnpooledChunk}) is not marked: it is that buffer's memory, owned by the stack that asked for it.
 */
public final class NettyChunkInstrumentation implements PoolSpec
{
    /** The direct arena, unshaded. */
    public static final String TYPE = "io.netty.buffer.PoolArena$DirectArena";

    private static final ElementMatcher.Junction<MethodDescription> NEW_CHUNK =
        named("newChunk").and(not(isStatic())).and(takesArguments(4));

    @Override
    public String name()
    {
        return "Netty PoolArena chunks";
    }

    @Override
    public String typeName()
    {
        return TYPE;
    }

    @Override
    public List<String> missing(final TypeDescription type)
    {
        return type.getDeclaredMethods().filter(NEW_CHUNK).size() == 1 ? List.of() : List.of("method newChunk(4)");
    }

    @Override
    public List<AsmVisitorWrapper> advice(final Advice.ExceptionHandler handler)
    {
        return List.of(Advice.to(NewChunkAdvice.class).withExceptionHandler(handler).on(NEW_CHUNK));
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
