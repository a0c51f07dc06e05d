package io.pageowner.bench;

import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.pageowner.bench.Frames.UNSAFE;

/**
 * The loop of {@link UnsafeAllocFreeBenchmark}, on which {@link CaptureFloorBenchmark} measures its floor: one
 * {@code Unsafe.allocateMemory} + {@code freeMemory} pair made {@code depth} frames below the benchmark method,
 * optionally after naming the stack there.
 * <p>
 * Written once so that both benchmarks measure the very same code on the very same stack: the frame count at
 * the allocation is part of what they measure. The benchmark method calls {@link #descend} directly, and each
 * level is one frame of it, so with JMH's own frames {@code depth=4} puts 22 frames (JDK 17) or 20 (JDK 25) on
 * the stack at {@code jdk.internal.misc.Unsafe.allocateMemory} (checked with
 * {@code -Dpageowner.bench.probe=true}).
 */
final class AllocFreeAtDepth
{
    /** The pair alone. */
    static final int PAIR = 0;
    /** A {@code new Throwable()} two frames below the pair's caller first: see {@link CaptureFloorBenchmark}. */
    static final int THROWABLE = 1;
    /** A 16-frame class-and-bci {@link StackWalker} walk first: see {@link CaptureFloorBenchmark}. */
    static final int WALKER16 = 2;
    /** A 16-frame exact {@link StackWalker} walk first (class, method, descriptor, bci): see CaptureFloorBenchmark. */
    static final int EXACT_WALKER16 = 3;

    private static final StackWalker WALKER =
        StackWalker.getInstance(Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE));
    private static final int WALKED = 16;

    private final Function<Stream<StackWalker.StackFrame>, Long> classesAndBcis = frames -> frames.limit(WALKED)
        .mapToLong(f -> 31L * System.identityHashCode(f.getDeclaringClass()) + f.getByteCodeIndex()).sum();

    private final Function<Stream<StackWalker.StackFrame>, Long> exactFrames = frames -> frames.limit(WALKED)
        .mapToLong(f -> 31L * (31L * (31L * System.identityHashCode(f.getDeclaringClass()) +
            f.getMethodName().hashCode()) + f.getDescriptor().hashCode()) + f.getByteCodeIndex()).sum();

    // NOTE: a field, so that the JIT cannot drop the throwable as unused.
    private Object captured;

    /**
     * Goes {@code remaining} frames down, then makes the pair.
     *
     * @param remaining frames still to go down.
     * @param bytes     per allocation.
     * @param way       {@link #PAIR}, {@link #THROWABLE}, {@link #WALKER16} or {@link #EXACT_WALKER16}: what runs
     *                  before the pair.
     * @return the address plus the depth and what the walk read, so the work is not dead code.
     */
    long descend(final int remaining, final long bytes, final int way)
    {
        if (remaining > 0)
        {
            return descend(remaining - 1, bytes, way) + 1;
        }
        if (Frames.PROBE)
        {
            Frames.probe(2);
        }
        long walked = 0;
        if (THROWABLE == way)
        {
            walked = unsafeFrame();
        }
        else if (WALKER16 == way)
        {
            walked = WALKER.walk(classesAndBcis);
        }
        else if (EXACT_WALKER16 == way)
        {
            walked = WALKER.walk(exactFrames);
        }
        final long address = UNSAFE.allocateMemory(bytes);
        UNSAFE.freeMemory(address);
        return address + walked;
    }

    /** Stands for {@code sun.misc.Unsafe.allocateMemory}. */
    private long unsafeFrame()
    {
        return internalUnsafeFrame();
    }

    /** Stands for {@code jdk.internal.misc.Unsafe.allocateMemory}, whose advice calls the agent's hook. */
    private long internalUnsafeFrame()
    {
        final Throwable t = new Throwable();
        captured = t;
        return 0;
    }
}
