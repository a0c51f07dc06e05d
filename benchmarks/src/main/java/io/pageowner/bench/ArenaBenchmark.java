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

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;

/**
 * FFM: {@code Arena.ofConfined()}, {@code arena.allocate(4096)}, {@code arena.close()}, made
 * {@code depth} frames below the benchmark method (about 20 in all).
 * <p>
 * The module is compiled for 17, where {@code java.lang.foreign} is not final, so the calls go through
 * method handles held in static finals (constants to the JIT, so they cost what direct calls cost).
 * The FFM API is final from JDK 22; {@link BenchRunner} leaves this benchmark out on older JDKs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { "-Xmn32m" })
public class ArenaBenchmark
{
    /** The first JDK whose FFM API is final. */
    static final int FIRST_JDK = 22;

    private static final MethodHandle OF_CONFINED;
    private static final MethodHandle ALLOCATE;
    private static final MethodHandle CLOSE;

    static
    {
        MethodHandle ofConfined = null;
        MethodHandle allocate = null;
        MethodHandle close = null;
        if (Runtime.version().feature() >= FIRST_JDK)
        {
            try
            {
                final MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                final Class<?> arena = Class.forName("java.lang.foreign.Arena");
                final Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
                ofConfined = lookup.findStatic(arena, "ofConfined", MethodType.methodType(arena))
                    .asType(MethodType.methodType(Object.class));
                allocate = lookup.findVirtual(arena, "allocate", MethodType.methodType(segment, long.class))
                    .asType(MethodType.methodType(Object.class, Object.class, long.class));
                close = lookup.findVirtual(arena, "close", MethodType.methodType(void.class))
                    .asType(MethodType.methodType(void.class, Object.class));
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new ExceptionInInitializerError(ex);
            }
        }
        OF_CONFINED = ofConfined;
        ALLOCATE = allocate;
        CLOSE = close;
    }

    /** Frames between the benchmark method and the allocation. */
    @Param({ "4" })
    public int depth;

    /** Bytes per allocation. */
    @Param({ "4096" })
    public long bytes;

    /**
     * One confined arena, one segment, closed.
     *
     * @return the (closed) segment, so the work is not dead code.
     * @throws Throwable never on 22+; on an older JDK the handles are null.
     */
    @Benchmark
    public Object allocateAndClose() throws Throwable
    {
        return descend(depth);
    }

    /** Prints the stack depth, when probing. */
    @TearDown(Level.Trial)
    public void report()
    {
        Frames.report("ArenaBenchmark depth=" + depth);
    }

    private Object descend(final int remaining) throws Throwable
    {
        if (remaining > 0)
        {
            return descend(remaining - 1);
        }
        if (Frames.PROBE)
        {
            // Arena.allocate and the JDK's frames down to jdk.internal.misc.Unsafe.allocateMemory
            // are not counted: they differ between releases.
            Frames.probe(0);
        }
        final Object arena = (Object)OF_CONFINED.invokeExact();
        final Object segment = (Object)ALLOCATE.invokeExact(arena, bytes);
        CLOSE.invokeExact(arena);
        return segment;
    }
}
