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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static io.pageowner.bench.Frames.UNSAFE;

/**
 * A mixed allocation loop, run by one thread and by two at once to measure scaling (issue 7: two
 * threads under full tracking keep at least 1.6x the single-thread throughput).
 * <p>
 * Each thread keeps a ring of {@value #RING} live Unsafe blocks. One operation frees the oldest block
 * and allocates a new one, cycling through 64, 256, 1024 and 4096 bytes; every fourth operation also
 * allocates a 4 KiB direct buffer and frees it with {@code Unsafe.invokeCleaner}. So the owner table
 * holds live records while it is inserted into and removed from, and both the Unsafe and the direct
 * buffer paths run. Allocations are made {@code depth} frames below the benchmark method, about 20
 * frames in all.
 * <p>
 * Throughput mode: JMH sums the operations of all threads, so {@code twoThreads / oneThread} is the
 * scaling factor; BenchRunner prints it per mode.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { "-Xmn32m" })
public class MixedLoopBenchmark
{
    /** Live Unsafe blocks per thread. */
    static final int RING = 256;
    private static final long[] SIZES = { 64, 256, 1024, 4096 };

    /** Frames between the benchmark method and the allocation. */
    @Param({ "4" })
    public int depth;

    private final long[] live = new long[RING];
    private int next;

    /**
     * One thread.
     *
     * @return a value so the work is not dead code.
     */
    @Benchmark
    @Threads(1)
    public long oneThread()
    {
        return descend(depth);
    }

    /**
     * Two threads, each with its own ring.
     *
     * @return a value so the work is not dead code.
     */
    @Benchmark
    @Threads(2)
    public long twoThreads()
    {
        return descend(depth);
    }

    /** Frees the ring and prints the stack depth, when probing. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        for (int i = 0; i < RING; i++)
        {
            if (0 != live[i])
            {
                UNSAFE.freeMemory(live[i]);
                live[i] = 0;
            }
        }
        Frames.report("MixedLoopBenchmark depth=" + depth);
    }

    private long descend(final int remaining)
    {
        if (remaining > 0)
        {
            return descend(remaining - 1) + 1;
        }
        if (Frames.PROBE)
        {
            Frames.probe(2);
        }
        final int i = next++;
        final int slot = i & (RING - 1);
        if (0 != live[slot])
        {
            UNSAFE.freeMemory(live[slot]);
        }
        final long address = UNSAFE.allocateMemory(SIZES[i & 3]);
        live[slot] = address;
        if (3 == (i & 3))
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
            UNSAFE.invokeCleaner(buffer);
            return address + buffer.capacity();
        }
        return address;
    }
}
