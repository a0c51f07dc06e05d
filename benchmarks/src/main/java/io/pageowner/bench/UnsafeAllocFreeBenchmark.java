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

import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;

import sun.misc.Unsafe;

/**
 * One {@code Unsafe.allocateMemory(64)} + {@code freeMemory} pair, called {@code depth} frames
 * below the benchmark method, so that the agent's stack capture sees a realistic stack (about 20
 * frames in all with JMH's own). {@link BenchRunner} runs it three times side by side: no agent,
 * agent loaded off, agent on.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = { "-Xmn32m" })
public class UnsafeAllocFreeBenchmark
{
    private static final Unsafe UNSAFE = unsafe();

    /** Frames between the benchmark method and the allocation. */
    @Param({ "12" })
    public int depth;

    /** Bytes per allocation. */
    @Param({ "64" })
    public long bytes;

    /**
     * The pair.
     *
     * @return the address, so the work is not dead code.
     */
    @Benchmark
    public long allocateAndFree()
    {
        return descend(depth);
    }

    private long descend(final int remaining)
    {
        if (remaining > 0)
        {
            return descend(remaining - 1) + 1;
        }
        final long address = UNSAFE.allocateMemory(bytes);
        UNSAFE.freeMemory(address);
        return address;
    }

    private static Unsafe unsafe()
    {
        try
        {
            final Field field = Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (Unsafe)field.get(null);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
