package io.pageowner.instrument;

import io.pageowner.record.Kind;

import jdk.internal.misc.PageOwnerHooks;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Kind marker for FFM native memory ({@code Arena.allocate} on every arena: confined, shared, auto
 * and global). As for direct buffers, the Unsafe advice records the memory: the factory's one
 * {@code allocateMemory}, and the {@code freeMemory} of its cleanup when the arena closes (or, for
 * an auto arena, when it becomes unreachable). This marker only names the kind.
 * <p>
 * The factory moved between releases: {@code NativeMemorySegmentImpl.makeNativeSegment} in 21 (read
 * from source: no JDK 21 to test on), {@code SegmentFactories.allocateNativeSegment} from 22 on
 * (four arguments in 22, five in 25, so only the name is matched). JDK 17's incubator API is left
 * out: its allocations are recorded as {@code UNSAFE}.
 */
public final class ArenaInstrumentation
{
    /** The native segment factory of JDK 22+. */
    public static final String SEGMENT_FACTORIES = "jdk.internal.foreign.SegmentFactories";
    /** The native segment factory of JDK 21. */
    public static final String NATIVE_SEGMENT = "jdk.internal.foreign.NativeMemorySegmentImpl";

    private ArenaInstrumentation()
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
                "NativeMemorySegmentImpl.makeNativeSegment", NATIVE_SEGMENT,
                named("makeNativeSegment").and(takesArguments(3)).and(isStatic()),
                NativeSegmentAdvice.class, 21, 21),
            new AdviceSpec(
                "SegmentFactories.allocateNativeSegment", SEGMENT_FACTORIES,
                named("allocateNativeSegment").and(isStatic()),
                NativeSegmentAdvice.class, 22, Integer.MAX_VALUE));
    }

    /**
     * The native segment factory: its allocation is {@link Kind#ARENA}.
     */
    public static final class NativeSegmentAdvice
    {
        private NativeSegmentAdvice()
        {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static int enter()
        {
            return PageOwnerHooks.kindEnter(Kind.ARENA);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter final int saved)
        {
            PageOwnerHooks.kindExit(saved);
        }
    }
}
