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
 * One {@code Unsafe.allocateMemory(64)} + {@code freeMemory} pair, called {@code depth} frames
 * below the benchmark method, so that the agent's stack capture sees a realistic stack. With JMH's
 * own frames, {@code depth=4} puts 22 frames (JDK 17) or 20 (JDK 25) on the stack at
 * {@code jdk.internal.misc.Unsafe.allocateMemory}, and {@code depth=84} 102 or 100 (measured with
 * {@code -Dpageowner.bench.probe=true}: see RESULTS.md). The loop is {@link AllocFreeAtDepth}'s, shared with
 * {@link CaptureFloorBenchmark}. {@link BenchRunner} runs it once per mode side by side.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { "-Xmn32m" })
public class UnsafeAllocFreeBenchmark
{
    /** Frames between the benchmark method and the allocation. */
    @Param({ "4", "84" })
    public int depth;

    /** Bytes per allocation. */
    @Param({ "64" })
    public long bytes;

    private final AllocFreeAtDepth loop = new AllocFreeAtDepth();

    /**
     * The pair.
     *
     * @return the address, so the work is not dead code.
     */
    @Benchmark
    public long allocateAndFree()
    {
        return loop.descend(depth, bytes, AllocFreeAtDepth.PAIR);
    }

    /** Prints the stack depth, when probing. */
    @TearDown(Level.Trial)
    public void report()
    {
        Frames.report("UnsafeAllocFreeBenchmark depth=" + depth);
    }
}
