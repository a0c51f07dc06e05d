package io.pageowner.bench.peer;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * The walk floor in place ({@code -javaagent:benchmarks.jar}): {@code jdk.internal.misc.Unsafe.allocateMemory(long)}
 * is redefined to end with a {@code new Throwable()}, the walk page-owner's full mode makes at that very point, and
 * nothing else. The VM then walks the loop's own stack from the same frame, compiled as the JIT compiles it with
 * a small advice in {@code allocateMemory}, rather than from a stand-in frame in the loop's class.
 * <p>
 * Why the stand-in is not enough: whether a frame is a frame of its own or inlined into its caller changes what the
 * walk costs (each physical frame is looked up in the code cache), and the JIT decides that per JDK and per call
 * site. On JDK 17 the real {@code allocateMemory} (65 bytes of bytecode) is not inlined at {@link PeerLoop}'s
 * allocation (it runs once per 16 calls of its caller: "too big"), while the stand-ins, 4 and 11 bytes, are; on
 * JDK 25 it is the other way round in some compilations.
 */
public final class FloorAgent
{
    private FloorAgent()
    {
    }

    /**
     * Redefines {@code Unsafe.allocateMemory}.
     *
     * @param args ignored.
     * @param inst the instrumentation.
     * @throws Exception if the class cannot be redefined: the probe must not run without its floor.
     */
    public static void premain(final String args, final Instrumentation inst) throws Exception
    {
        final Class<?> unsafe = Class.forName("jdk.internal.misc.Unsafe");
        final byte[] bytes = new ByteBuddy()
            .redefine(unsafe, ClassFileLocator.ForClassLoader.ofBootLoader())
            .visit(Advice.to(FloorAdvice.class)
                .on(named("allocateMemory").and(takesArguments(long.class)).and(isPublic())))
            .make()
            .getBytes();
        inst.redefineClasses(new ClassDefinition(unsafe, bytes));
        System.out.println("FLOOR IN PLACE");
    }

    /**
     * The advice: the throwable page-owner's {@code allocateMemory} advice makes in full mode, read by nobody.
     */
    public static final class FloorAdvice
    {
        private FloorAdvice()
        {
        }

        // NOTE: the constructor is never inlined (C2 keeps Throwable constructors out of line) and fills in the
        // stack natively, so the walk cannot be optimised away although the object is dropped.
        @Advice.OnMethodExit
        @SuppressWarnings("ThrowableNotThrown")
        static void exit(@Advice.Return final long address)
        {
            if (0 != address)
            {
                new Throwable();
            }
        }
    }
}
