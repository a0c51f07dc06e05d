package io.pageowner.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.pageowner.bench.Frames.UNSAFE;

/**
 * The floor under full mode's cost: what naming the calling stack costs with no agent at all, on
 * the very loop of {@link UnsafeAllocFreeBenchmark} (the same {@code Unsafe} pair, the same
 * {@code depth} frames below the benchmark method, so the same stack). {@link BenchRunner} runs it
 * in the no-agent mode only; the agent has nothing to do with these figures.
 * <ul>
 * <li>{@code pair}: the pair alone, the baseline of this class.</li>
 * <li>{@code throwable}: a {@code new Throwable()} two frames below the pair's caller, standing for
 * the two {@code Unsafe.allocateMemory} frames, then the pair. The VM's walk of the same frames,
 * with nothing read from it: no pure-Java way to give every allocation its exact stack costs less
 * on this stack, since the agent's capture is this walk plus its own work. The agent's hook makes
 * its throwable one frame deeper still ({@code PageOwnerHooks.allocated}), so this floor is, if
 * anything, one frame (some 30 ns) low: a conservative bound.</li>
 * <li>{@code walker16}: a {@link StackWalker} walk of 16 frames, reading only each frame's class and
 * bytecode index (not even exact: two methods of one class at one index look alike); the cheapest
 * use of the stack-walking API.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { "-Xmn32m" })
public class CaptureFloorBenchmark
{
    private static final StackWalker WALKER =
        StackWalker.getInstance(Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE));
    private static final int WALKED = 16;
    private static final int PAIR_ONLY = 0;
    private static final int THROWABLE = 1;
    private static final int WALKER16 = 2;

    /** Frames between the benchmark method and the allocation, as in {@link UnsafeAllocFreeBenchmark}. */
    @Param({ "4" })
    public int depth;

    /** Bytes per allocation. */
    @Param({ "64" })
    public long bytes;

    private final Function<Stream<StackWalker.StackFrame>, Long> classesAndBcis = frames -> frames.limit(WALKED)
        .mapToLong(f -> 31L * System.identityHashCode(f.getDeclaringClass()) + f.getByteCodeIndex()).sum();

    private Object captured;

    /**
     * The pair alone.
     *
     * @return the address, so the work is not dead code.
     */
    @Benchmark
    public long pair()
    {
        return descend(depth, PAIR_ONLY);
    }

    /**
     * The pair, after a {@code new Throwable()} at the depth where the agent takes one.
     *
     * @return the address.
     */
    @Benchmark
    public long throwable()
    {
        return descend(depth, THROWABLE);
    }

    /**
     * The pair, after a 16-frame class-and-bci {@link StackWalker} walk.
     *
     * @return the address.
     */
    @Benchmark
    public long walker16()
    {
        return descend(depth, WALKER16);
    }

    /** Prints the stack depth, when probing. */
    @TearDown(Level.Trial)
    public void report()
    {
        Frames.report("CaptureFloorBenchmark depth=" + depth);
    }

    private long descend(final int remaining, final int way)
    {
        if (remaining > 0)
        {
            return descend(remaining - 1, way) + 1;
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
