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

import java.util.concurrent.TimeUnit;

/**
 * The floor under full mode's cost: what naming the calling stack costs with no agent at all, on
 * the very loop of {@link UnsafeAllocFreeBenchmark} ({@link AllocFreeAtDepth}: the same {@code Unsafe} pair,
 * the same {@code depth} frames below the benchmark method, so the same stack). {@link BenchRunner} runs it
 * in the no-agent mode only; the agent has nothing to do with these figures.
 * <ul>
 * <li>{@code pair}: the pair alone, the baseline of this class.</li>
 * <li>{@code throwable}: a {@code new Throwable()} two frames below the pair's caller, standing for
 * the two {@code Unsafe.allocateMemory} frames, then the pair. The VM's walk of the same frames,
 * with nothing read from it: no pure-Java way to give every allocation its exact stack costs less
 * on this stack, since the agent's capture is this walk plus its own work. The stand-ins are small, so the
 * JIT may inline them where it keeps the real {@code allocateMemory} a frame of its own (JDK 17 at this kind of
 * call site), and a walk over one physical frame fewer costs less: if anything this floor is low. The
 * {@code walk floor in place} row of {@code PeerProbe} ({@code FloorAgent}, {@code -javaagent:benchmarks.jar})
 * makes the throwable inside the real method instead.</li>
 * <li>{@code walker16}: a {@link StackWalker} walk of 16 frames, reading only each frame's class and
 * bytecode index (not even exact: two methods of one class at one index look alike); the cheapest
 * use of the stack-walking API.</li>
 * <li>{@code exactWalker16}: the same walk reading what tells every frame apart exactly (class, method name,
 * descriptor, bytecode index), as the agent's {@code WalkerCapture} does: the exact capture whose cost does not
 * grow with the stack's depth, to set beside {@code throwable} on a deep stack.</li>
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
    /** Frames between the benchmark method and the allocation, as in {@link UnsafeAllocFreeBenchmark}. */
    @Param({ "4" })
    public int depth;

    /** Bytes per allocation. */
    @Param({ "64" })
    public long bytes;

    private final AllocFreeAtDepth loop = new AllocFreeAtDepth();

    /**
     * The pair alone.
     *
     * @return the address, so the work is not dead code.
     */
    @Benchmark
    public long pair()
    {
        return loop.descend(depth, bytes, AllocFreeAtDepth.PAIR);
    }

    /**
     * The pair, after a {@code new Throwable()} at the depth where the agent takes one.
     *
     * @return the address.
     */
    @Benchmark
    public long throwable()
    {
        return loop.descend(depth, bytes, AllocFreeAtDepth.THROWABLE);
    }

    /**
     * The pair, after a 16-frame class-and-bci {@link StackWalker} walk.
     *
     * @return the address.
     */
    @Benchmark
    public long walker16()
    {
        return loop.descend(depth, bytes, AllocFreeAtDepth.WALKER16);
    }

    /**
     * The pair, after a 16-frame exact {@link StackWalker} walk.
     *
     * @return the address.
     */
    @Benchmark
    public long exactWalker16()
    {
        return loop.descend(depth, bytes, AllocFreeAtDepth.EXACT_WALKER16);
    }

    /** Prints the stack depth, when probing. */
    @TearDown(Level.Trial)
    public void report()
    {
        Frames.report("CaptureFloorBenchmark depth=" + depth);
    }
}
