package io.pageowner.bench;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
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

import java.util.concurrent.TimeUnit;

/**
 * Netty's pooled direct buffers (issue 16): {@code directBuffer(capacity)} and {@code release()} in a loop, through
 * {@code PooledByteBufAllocator} (direct, thread caches as Netty sets them by default) and through 4.2's
 * {@code AdaptiveByteBufAllocator}. Each pair is one {@code POOLED} record made and ended under the agent; the
 * chunks are made once, in the warm-up, so the loop itself allocates no off-heap memory from the JDK.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { "-Xmn32m" })
public class NettyPoolBenchmark
{
    /** Capacity asked of each buffer. */
    @Param({ "256" })
    public int capacity;

    // NOTE: one allocator per trial, as an application has one; built with Netty's defaults but direct.
    private final ByteBufAllocator pooled = new PooledByteBufAllocator(true);
    private final ByteBufAllocator adaptive = new AdaptiveByteBufAllocator(true);

    /**
     * Acquires a pooled direct buffer and releases it.
     *
     * @return the buffer's capacity, so the work is not dead code.
     */
    @Benchmark
    public int pooled()
    {
        return acquireRelease(pooled);
    }

    /**
     * Acquires a direct buffer from the adaptive allocator and releases it.
     *
     * @return the buffer's capacity, so the work is not dead code.
     */
    @Benchmark
    public int adaptive()
    {
        return acquireRelease(adaptive);
    }

    private int acquireRelease(final ByteBufAllocator allocator)
    {
        final ByteBuf buffer = allocator.directBuffer(capacity);
        final int result = buffer.capacity();
        buffer.release();
        return result;
    }
}
