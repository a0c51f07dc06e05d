package io.pageowner.instrument;

import jdk.internal.misc.PageOwnerHooks;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Advice on {@code jdk.internal.misc.Unsafe}'s malloc, realloc and free: the one choke point for
 * JDK-managed malloc-style memory ({@code sun.misc.Unsafe} delegates to it, and so do direct
 * buffers, FFM arenas and NIO's temporary buffers). None of these methods is an intrinsic on 17,
 * 21 or 25, so the inlined advice runs in every tier.
 * <p>
 * Frees are recorded on entry and allocations on exit: the address is only ours between the two,
 * so another thread can never see our record of an address that malloc has already handed to it.
 */
public final class UnsafeInstrumentation
{
    /** The instrumented class. */
    public static final String UNSAFE = "jdk.internal.misc.Unsafe";

    private UnsafeInstrumentation()
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
                "Unsafe.allocateMemory", UNSAFE,
                named("allocateMemory").and(takesArguments(long.class)).and(isPublic()),
                AllocateMemoryAdvice.class),
            new AdviceSpec(
                "Unsafe.reallocateMemory", UNSAFE,
                named("reallocateMemory").and(takesArguments(long.class, long.class)).and(isPublic()),
                ReallocateMemoryAdvice.class),
            new AdviceSpec(
                "Unsafe.freeMemory", UNSAFE,
                named("freeMemory").and(takesArguments(long.class)).and(isPublic()),
                FreeMemoryAdvice.class));
    }

    /**
     * {@code long allocateMemory(long bytes)}: records the block when the call returns normally. In full mode the
     * stack's throwable is made here, so that the VM's walk starts at {@code allocateMemory} itself, as it would for
     * any exact capture, and not in the hooks' frame below it.
     */
    public static final class AllocateMemoryAdvice
    {
        private AllocateMemoryAdvice()
        {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) final long bytes, @Advice.Return final long address)
        {
            if (0 != address && PageOwnerHooks.takesStack())
            {
                PageOwnerHooks.allocated(address, bytes, new Throwable());
            }
            else
            {
                PageOwnerHooks.allocated(address, bytes);
            }
        }
    }

    /**
     * {@code void freeMemory(long address)}: drops the record before the memory goes back to malloc.
     */
    public static final class FreeMemoryAdvice
    {
        private FreeMemoryAdvice()
        {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) final long address)
        {
            PageOwnerHooks.freeing(address);
        }
    }

    /**
     * {@code long reallocateMemory(long address, long bytes)}: the old record ends on entry; on exit
     * the new block is recorded, or, if the call threw, the old record is put back.
     * {@code reallocateMemory(p, 0)} calls {@code freeMemory(p)} itself, which the free advice sees.
     */
    public static final class ReallocateMemoryAdvice
    {
        private ReallocateMemoryAdvice()
        {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) final long address, @Advice.Argument(1) final long bytes)
        {
            PageOwnerHooks.reallocating(address, bytes);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(
            @Advice.Argument(0) final long address,
            @Advice.Argument(1) final long bytes,
            @Advice.Return final long newAddress)
        {
            PageOwnerHooks.reallocated(address, bytes, newAddress);
        }
    }
}
