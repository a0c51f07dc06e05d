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

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;

/**
 * {@code Arena.ofConfined()}, one {@code allocate(4 KiB)}, {@code close()}: with the agent on, the
 * ARENA kind marker, the record and its removal. JDK 22+ only (run it with
 * {@code scripts/bench.sh 25 ArenaBenchmark}); the module compiles for 17, so the calls go through
 * method handles, whose frames stack walks do not show.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xmn32m" })
public class ArenaBenchmark
{
    private static final MethodHandle OF_CONFINED;
    private static final MethodHandle ALLOCATE;
    private static final MethodHandle CLOSE;

    static
    {
        try
        {
            final Class<?> arena = Class.forName("java.lang.foreign.Arena");
            final Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
            final MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            OF_CONFINED = lookup.findStatic(arena, "ofConfined", MethodType.methodType(arena))
                .asType(MethodType.methodType(Object.class));
            ALLOCATE = lookup.findVirtual(arena, "allocate", MethodType.methodType(segment, long.class, long.class))
                .asType(MethodType.methodType(Object.class, Object.class, long.class, long.class));
            CLOSE = lookup.findVirtual(arena, "close", MethodType.methodType(void.class))
                .asType(MethodType.methodType(void.class, Object.class));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError("ArenaBenchmark needs JDK 22+: " + ex);
        }
    }

    /** Frames between the benchmark method and the allocation. */
    @Param({ "12" })
    public int depth;

    /** Bytes allocated. */
    @Param({ "4096" })
    public long bytes;

    /**
     * Open, allocate, close.
     *
     * @return the segment, so the work is not dead code.
     * @throws Throwable if a call fails.
     */
    @Benchmark
    public Object allocateAndClose() throws Throwable
    {
        return descend(depth);
    }

    private Object descend(final int remaining) throws Throwable
    {
        if (remaining > 0)
        {
            return descend(remaining - 1);
        }
        final Object arena = (Object)OF_CONFINED.invokeExact();
        final Object segment = (Object)ALLOCATE.invokeExact(arena, bytes, 8L);
        CLOSE.invokeExact(arena);
        return segment;
    }
}
