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

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static io.pageowner.bench.Frames.UNSAFE;

/**
 * {@code ByteBuffer.allocateDirect(4096)} and an explicit free through {@code Unsafe.invokeCleaner},
 * so the Cleaner frees it at once rather than after a GC. The buffer is made {@code depth} frames
 * below the benchmark method: about 20 frames at the allocation with JMH's own.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { "-Xmn32m" })
public class DirectBufferBenchmark
{
    /** Frames between the benchmark method and the allocation. */
    @Param({ "3" })
    public int depth;

    /** Capacity of each buffer. */
    @Param({ "4096" })
    public int capacity;

    /**
     * Allocates and frees one buffer.
     *
     * @return the buffer's capacity, so the work is not dead code.
     */
    @Benchmark
    public int allocateDirectAndClean()
    {
        return descend(depth);
    }

    /** Prints the stack depth, when probing. */
    @TearDown(Level.Trial)
    public void report()
    {
        Frames.report("DirectBufferBenchmark depth=" + depth);
    }

    private int descend(final int remaining)
    {
        if (remaining > 0)
        {
            return descend(remaining - 1) + 1;
        }
        if (Frames.PROBE)
        {
            // ByteBuffer.allocateDirect, DirectByteBuffer.<init>, jdk.internal.misc.Unsafe.allocateMemory
            Frames.probe(3);
        }
        final ByteBuffer buffer = ByteBuffer.allocateDirect(capacity);
        UNSAFE.invokeCleaner(buffer);
        return buffer.capacity();
    }
}
