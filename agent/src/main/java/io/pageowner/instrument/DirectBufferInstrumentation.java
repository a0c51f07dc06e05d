package io.pageowner.instrument;

import io.pageowner.record.Kind;

import jdk.internal.misc.PageOwnerHooks;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Kind markers for direct buffers. The memory itself is recorded by the Unsafe advice (a direct
 * buffer's {@code allocateMemory} and its Deallocator's {@code freeMemory}); these advice only tell
 * it what the allocation is for, through a per-thread marker set on entry and restored on exit,
 * normal or by a throwable.
 * <p>
 * The marker sits on {@code ByteBuffer.allocateDirect}, a static method, and not on the
 * {@code DirectByteBuffer(int)} constructor: constructor exit advice cannot run when the
 * constructor throws (say {@code Bits.reserveMemory}'s "Cannot reserve ... direct buffer memory"),
 * which would leave the marker set for the thread's next allocation. Slices, duplicates and views
 * never come through here and never call Unsafe, so they are never counted.
 * <p>
 * NIO's temporary buffers ({@code sun.nio.ch.Util.getTemporaryDirectBuffer}, used by channel I/O
 * on heap buffers and cached per thread) get the {@link Kind#NIO_TEMP} modifier on top of their
 * kind: {@code DIRECT} where the cache calls {@code allocateDirect} (JDK 17 to 23), {@code UNSAFE}
 * where it calls Unsafe itself (24+, JDK-8344882). Their stack names the I/O call that needed them.
 */
public final class DirectBufferInstrumentation
{
    /** Where direct buffers are allocated. */
    public static final String BYTE_BUFFER = "java.nio.ByteBuffer";
    /** NIO's temporary buffer cache. */
    public static final String NIO_UTIL = "sun.nio.ch.Util";

    private DirectBufferInstrumentation()
    {
    }

    /**
     * The advice this class contributes.
     *
     * @return one spec per advised method.
     */
    public static List<AdviceSpec> specs()
    {
        return List.of(
            new AdviceSpec(
                "ByteBuffer.allocateDirect", BYTE_BUFFER,
                named("allocateDirect").and(takesArguments(1)).and(isStatic()),
                AllocateDirectAdvice.class),
            new AdviceSpec(
                "Util.getTemporaryDirectBuffer", NIO_UTIL,
                named("getTemporaryDirectBuffer").and(takesArguments(1)).and(isStatic()),
                TemporaryDirectBufferAdvice.class));
    }

    /**
     * {@code static ByteBuffer allocateDirect(int capacity)}: its allocation is {@link Kind#DIRECT}.
     */
    public static final class AllocateDirectAdvice
    {
        private AllocateDirectAdvice()
        {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static int enter()
        {
            return PageOwnerHooks.kindEnter(Kind.DIRECT);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter final int saved)
        {
            PageOwnerHooks.kindExit(saved);
        }
    }

    /**
     * {@code static ByteBuffer getTemporaryDirectBuffer(int size)}: a new buffer it allocates (none
     * when the thread's cache has one) carries {@link Kind#NIO_TEMP}.
     */
    public static final class TemporaryDirectBufferAdvice
    {
        private TemporaryDirectBufferAdvice()
        {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static int enter()
        {
            return PageOwnerHooks.kindEnter(Kind.NIO_TEMP);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter final int saved)
        {
            PageOwnerHooks.kindExit(saved);
        }
    }
}
