package io.pageowner.bench;

import io.pageowner.sample.OffHeap;
import sun.misc.Unsafe;

/**
 * What the benchmarks share: {@code sun.misc.Unsafe}, and a probe of the real stack depth at the
 * allocation.
 * <p>
 * The probe is off unless the fork runs with {@code -Dpageowner.bench.probe=true}; {@link #PROBE} is
 * a static final, so the JIT removes the test from the measured loop. It records the number of
 * frames on the thread's stack at the allocation, counted as the agent's capture sees them (the VM
 * backtrace of a {@code Throwable}: reflection frames count, hidden frames do not), and the benchmark
 * prints it at tear-down. The count runs down to {@code jdk.internal.misc.Unsafe.allocateMemory} for
 * Unsafe and direct buffers, to {@code FileChannelImpl.map} for mappings and to the call of
 * {@code Arena.allocate} for FFM; the agent's own frames above that point are not counted.
 */
final class Frames
{
    /** True to record the stack depth at the allocation. */
    static final boolean PROBE = Boolean.getBoolean("pageowner.bench.probe");

    /** The JDK's Unsafe, as applications reach it: the sample app's, whose reflective getter runs once. */
    static final Unsafe UNSAFE = OffHeap.UNSAFE;

    private static volatile int seen;

    private Frames()
    {
    }

    /**
     * Records the depth; called from the method that calls into the JDK.
     *
     * @param jdkFrames frames the JDK adds from that call down to the point counted to, both included
     *                  (2 for {@code sun.misc.Unsafe.allocateMemory}: it and {@code jdk.internal.misc.Unsafe}'s).
     */
    static void probe(final int jdkFrames)
    {
        // NOTE: minus this method's own frame, the top of the trace.
        seen = new Throwable().getStackTrace().length - 1 + jdkFrames;
    }

    /**
     * Prints the depth recorded, if probing.
     *
     * @param what names the benchmark and its parameters.
     */
    static void report(final String what)
    {
        if (PROBE)
        {
            System.out.println("[probe] " + what + ": " + seen + " frames on the stack at the allocation (JDK " +
                Runtime.version() + ")");
        }
    }
}
