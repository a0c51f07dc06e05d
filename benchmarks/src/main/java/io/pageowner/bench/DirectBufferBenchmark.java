package io.pageowner.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * {@code ByteBuffer.allocateDirect(4 KiB)} freed at once with {@code invokeCleaner}, {@code depth}
 * frames below the benchmark method: with the agent on, the DIRECT kind marker's entry and exit
 * advice, the record and its removal.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xmn32m" })
public class DirectBufferBenchmark
{
    /** Frames between the benchmark method and the allocation. */
    @Param({ "12" })
    public int depth;

    /** Capacity of each buffer. */
    @Param({ "4096" })
    public int capacity;

    /**
     * The pair.
     *
     * @return the capacity, so the work is not dead code.
     */
    @Benchmark
    public int allocateDirectAndClean()
    {
        return descend(depth);
    }

    private int descend(final int remaining)
    {
        if (remaining > 0)
        {
            return descend(remaining - 1) + 1;
        }
        final ByteBuffer buffer = ByteBuffer.allocateDirect(capacity);
        Unsafes.UNSAFE.invokeCleaner(buffer);
        return buffer.capacity();
    }
}
