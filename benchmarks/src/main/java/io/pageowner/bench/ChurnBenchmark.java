package io.pageowner.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

import static io.pageowner.bench.Frames.UNSAFE;

/**
 * A long-running service's churn: {@value #LIVE} live Unsafe blocks of random sizes from 16 B to
 * 4 KiB, and each operation frees a random one of them and allocates a new block of a new random
 * size in its place. Unlike the fixed ring of {@link MixedLoopBenchmark}, whose frees and allocations
 * meet the same few malloc addresses again and again, this one fragments malloc's heap, so the
 * addresses it hands out keep changing: about 1.3 million distinct ones in the first 10 million
 * operations, still growing. That is what sampled mode's index meets over hours in production, and
 * what fills an open-addressed table with dead slots.
 * <p>
 * The warm-up (8 s: 15 to 30 million operations without the agent or in sampled mode) is long
 * enough for that to happen before the measurement starts. Full mode keeps no such index.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 1, time = 8)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xmn32m" })
public class ChurnBenchmark
{
    /** Live blocks, a power of two. */
    static final int LIVE = 1 << 14;
    private static final int MIN_SIZE = 16;
    private static final int SIZE_SPREAD = 4096 - MIN_SIZE;

    private final long[] live = new long[LIVE];
    private long seed = 0x9E3779B97F4A7C15L;

    /** Allocates the live set. */
    @Setup(Level.Trial)
    public void setUp()
    {
        for (int i = 0; i < LIVE; i++)
        {
            live[i] = UNSAFE.allocateMemory(MIN_SIZE + (int)((random() >>> 33) % SIZE_SPREAD));
        }
    }

    /**
     * Frees a random block and allocates another of a random size in its place.
     *
     * @return the new address, so the work is not dead code.
     */
    @Benchmark
    public long freeAndAllocate()
    {
        if (Frames.PROBE)
        {
            Frames.probe(2);
        }
        final long r = random();
        final int slot = (int)(r & (LIVE - 1));
        UNSAFE.freeMemory(live[slot]);
        final long address = UNSAFE.allocateMemory(MIN_SIZE + (int)((r >>> 33) % SIZE_SPREAD));
        live[slot] = address;
        return address;
    }

    /** Frees the live set and prints the stack depth, when probing. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        for (int i = 0; i < LIVE; i++)
        {
            UNSAFE.freeMemory(live[i]);
            live[i] = 0;
        }
        Frames.report("ChurnBenchmark");
    }

    private long random()
    {
        // NOTE: xorshift64: a few instructions, no allocation, nothing shared.
        long x = seed;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        seed = x;
        return x;
    }
}
