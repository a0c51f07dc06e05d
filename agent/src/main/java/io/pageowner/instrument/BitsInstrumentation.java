package io.pageowner.instrument;

import jdk.internal.misc.PageOwnerHooks;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Advice on {@code java.nio.Bits.reserveMemory(long, long)}, the accounting against
 * {@code -XX:MaxDirectMemorySize} that every direct buffer (and, on 21+, FFM arenas) passes. When it
 * throws {@code OutOfMemoryError: Cannot reserve N bytes of direct buffer memory}, the exit advice
 * runs before the error leaves the method: the agent writes its dump there, so the evidence of a
 * direct-memory leak exists before the application sees the error. The signature is the same on
 * 17, 21 and 25.
 */
public final class BitsInstrumentation
{
    /** The instrumented class. */
    public static final String BITS = "java.nio.Bits";

    private BitsInstrumentation()
    {
    }

    /**
     * The advice this class contributes.
     *
     * @return one spec.
     */
    public static List<AdviceSpec> specs()
    {
        return List.of(new AdviceSpec(
            "Bits.reserveMemory", BITS,
            named("reserveMemory").and(takesArguments(long.class, long.class)).and(isStatic()),
            ReserveMemoryAdvice.class));
    }

    /**
     * {@code static void reserveMemory(long size, long cap)}: reports a failure by OutOfMemoryError.
     */
    public static final class ReserveMemoryAdvice
    {
        private ReserveMemoryAdvice()
        {
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Thrown final Throwable thrown)
        {
            if (null != thrown)
            {
                PageOwnerHooks.reserveMemoryFailed(thrown);
            }
        }
    }
}
