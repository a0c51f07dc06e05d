package io.pageowner.bench;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Locale;

/**
 * What exact totals cost at the least on a Netty acquire/release pair (issue 16, sampled mode's 5 % bound), what
 * sampling alone costs, and what page-owner costs beside them, in one JVM: {@link NettyPoolBenchmark}'s loop
 * ({@code directBuffer(256)} + {@code release()}) runs in rounds of each variant, in an order that rotates, and the
 * probe prints each variant's fastest and median round and what it adds per pair over the plain loop:
 * <ul>
 * <li>{@code plain}: the pair alone;</li>
 * <li>{@code floor}: the pair, and the least work any design adds that keeps exact totals and samples by bytes,
 * written straight into the loop with no advice, no call and no check of the agent's state. On acquire: the current
 * thread's state found the way the agent finds it (the thread id, a 1 024-slot cache, the state's id checked), the
 * count-down by bytes, the live count and bytes in two opaque stores. On release: the counting filter's read
 * (identity hash of a long-lived object standing for the chunk, plus the offset; one array element), the state
 * again and the two stores;</li>
 * <li>{@code split}: {@code floor} with acquisitions and releases counted apart, each in two figures that only grow,
 * and the acquired bytes doubling as the count-down's clock: one field fewer written on acquire, and no store of an
 * acquire read back by its release;</li>
 * <li>{@code sampling-only}: {@code floor} without the exact totals: the count-down on acquire, the filter's read on
 * release, no state found on release and no count kept. What sampling alone costs, with totals estimated from the
 * samples as other profilers do;</li>
 * <li>{@code page-owner}, only under {@code -javaagent:page-owner.jar=on,sample=...}: the agent's own path. For every
 * other variant the pool hooks' sink is taken out, so they run Netty's woven code with the advice's null check
 * only (which costs nothing measurable, RESULTS.md); for this one it is put back.</li>
 * </ul>
 * Not JMH: the variants must share one JVM, one heap layout and one thread, which JMH's forks do not give (the
 * spread between forks, ±6-8 %, is larger than what is measured here). Switching the sink makes the JIT recompile
 * Netty's methods with both paths; the first quarter of the rounds is not counted.
 * <pre>
 * java [-javaagent:page-owner.jar=on,sample=512k] -Xms1g -Xmx1g -Xmn256m -XX:G1HeapRegionSize=32m \
 *   -cp benchmarks.jar io.pageowner.bench.NettyFloorProbe adaptive|pooled [rounds] [pairs]
 * </pre>
 */
public final class NettyFloorProbe
{
    private static final VarHandle COUNT = handle("count");
    private static final VarHandle BYTES = handle("bytes");
    private static final VarHandle ACQ_BYTES = handle("acqBytes");
    private static final VarHandle ACQ_COUNT = handle("acqCount");
    private static final VarHandle REL_BYTES = handle("relBytes");
    private static final VarHandle REL_COUNT = handle("relCount");
    private static final int CACHE = 1024;
    private static final int PAGE_OWNER = 4;
    private static final int FILTER_BITS = 14;
    private static final String[] VARIANTS = { "plain", "floor", "split", "sampling-only", "page-owner" };

    private static final PerThread[] STATES = new PerThread[CACHE];
    private static final int[] FILTER = new int[1 << FILTER_BITS];
    private static final ThreadLocal<PerThread> OWN = ThreadLocal.withInitial(PerThread::new);

    private NettyFloorProbe()
    {
    }

    /**
     * Runs the rounds and prints the table.
     *
     * @param args the allocator ({@code adaptive} or {@code pooled}), rounds (default 60) and pairs per round
     *             (default 300 000, ~20-30 ms).
     */
    public static void main(final String[] args)
    {
        final ByteBufAllocator allocator =
            "pooled".equals(args[0]) ? new PooledByteBufAllocator(true) : new AdaptiveByteBufAllocator(true);
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        final int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 300_000;
        final int warmUp = rounds / 4;
        final Hooks hooks = Hooks.find();
        final int variants = null != hooks ? VARIANTS.length : VARIANTS.length - 1;
        final double[][] perPair = new double[variants][rounds - warmUp];
        long sink = 0;
        for (int r = 0; r < rounds; r++)
        {
            for (int k = 0; k < variants; k++)
            {
                final int v = (k + r) % variants;
                if (null != hooks)
                {
                    hooks.install(PAGE_OWNER == v);
                }
                final long start = System.nanoTime();
                sink += run(v, allocator, pairs);
                final long took = System.nanoTime() - start;
                if (r >= warmUp)
                {
                    perPair[v][r - warmUp] = (double)took / pairs;
                }
            }
        }
        final PerThread state = OWN.get();
        System.out.printf(Locale.ROOT, "%s, %d rounds of %d pairs (%d warm-up), live count %d bytes %d (sink %d)%n",
            args[0], rounds, pairs, warmUp, state.count + state.acqCount - state.relCount,
            state.bytes + state.acqBytes - state.relBytes, sink & 1);
        System.out.println("| variant | fastest ns/pair | median ns/pair | added, fastest | added, median |");
        System.out.println("|---|---:|---:|---:|---:|");
        final double plainMin = min(perPair[0]);
        final double plainMedian = median(perPair[0]);
        if (null != hooks)
        {
            hooks.install(true);
        }
        for (int v = 0; v < variants; v++)
        {
            final double min = min(perPair[v]);
            final double median = median(perPair[v]);
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %+.2f (%+.1f %%) | %+.2f (%+.1f %%) |%n",
                VARIANTS[v], min, median, min - plainMin, 100 * (min / plainMin - 1),
                median - plainMedian, 100 * (median / plainMedian - 1));
        }
    }

    // NOTE: each variant is a loop of its own with its work written out in it, not shared helpers around one loop:
    // the JIT then compiles each as the agent's advice is compiled, into the code around the pair.
    private static long run(final int variant, final ByteBufAllocator allocator, final int pairs)
    {
        switch (variant)
        {
            case 0:
                return plain(allocator, pairs);
            case 1:
                return floor(allocator, pairs);
            case 2:
                return split(allocator, pairs);
            case 3:
                return samplingOnly(allocator, pairs);
            default:
                return plain(allocator, pairs);
        }
    }

    private static long plain(final ByteBufAllocator allocator, final int pairs)
    {
        long sum = 0;
        for (int i = 0; i < pairs; i++)
        {
            final ByteBuf buffer = allocator.directBuffer(256);
            sum += buffer.capacity();
            buffer.release();
        }
        return sum;
    }

    private static long floor(final ByteBufAllocator allocator, final int pairs)
    {
        long sum = 0;
        for (int i = 0; i < pairs; i++)
        {
            final ByteBuf buffer = allocator.directBuffer(256);
            final int bytes = buffer.capacity();
            final PerThread acquirer = current();
            countDown(acquirer, allocator, bytes);
            count(acquirer, 1, bytes);
            sum += bytes;
            final int slot = slot(allocator, bytes);
            buffer.release();
            final PerThread releaser = current();
            if (0 != FILTER[slot])
            {
                FILTER[slot]--;
            }
            count(releaser, -1, -bytes);
        }
        return sum;
    }

    private static long samplingOnly(final ByteBufAllocator allocator, final int pairs)
    {
        long sum = 0;
        for (int i = 0; i < pairs; i++)
        {
            final ByteBuf buffer = allocator.directBuffer(256);
            final int bytes = buffer.capacity();
            countDown(current(), allocator, bytes);
            sum += bytes;
            final int slot = slot(allocator, bytes);
            buffer.release();
            if (0 != FILTER[slot])
            {
                FILTER[slot]--;
            }
        }
        return sum;
    }

    private static long split(final ByteBufAllocator allocator, final int pairs)
    {
        long sum = 0;
        for (int i = 0; i < pairs; i++)
        {
            final ByteBuf buffer = allocator.directBuffer(256);
            final int bytes = buffer.capacity();
            final PerThread acquirer = current();
            final long acquired = acquirer.acqBytes + bytes;
            ACQ_BYTES.setOpaque(acquirer, acquired);
            ACQ_COUNT.setOpaque(acquirer, acquirer.acqCount + 1);
            if (acquired >= acquirer.nextSample)
            {
                acquirer.nextSample = acquired + 512 * 1024;
                FILTER[slot(allocator, bytes)]++;
            }
            sum += bytes;
            final int slot = slot(allocator, bytes);
            buffer.release();
            if (0 != FILTER[slot])
            {
                FILTER[slot]--;
            }
            final PerThread releaser = current();
            REL_BYTES.setOpaque(releaser, releaser.relBytes + bytes);
            REL_COUNT.setOpaque(releaser, releaser.relCount + 1);
        }
        return sum;
    }

    /**
     * Sampled mode's count-down by bytes on acquire; a sampled buffer here only has its filter slot marked (the agent
     * would also capture its stack). Small enough to be inlined into each variant's loop.
     */
    private static void countDown(final PerThread acquirer, final Object chunk, final int bytes)
    {
        final long left = acquirer.untilSample - bytes;
        if (left > 0)
        {
            acquirer.untilSample = left;
        }
        else
        {
            acquirer.untilSample = 512 * 1024;
            FILTER[slot(chunk, bytes)]++;
        }
    }

    private static int slot(final Object chunk, final int offset)
    {
        return ((System.identityHashCode(chunk) + offset) * 0x9E3779B9) >>> (32 - FILTER_BITS);
    }

    private static PerThread current()
    {
        final long tid = Thread.currentThread().getId();
        final int slot = (int)tid & (CACHE - 1);
        final PerThread cached = STATES[slot];
        if (null != cached && cached.tid == tid)
        {
            return cached;
        }
        final PerThread state = OWN.get();
        STATES[slot] = state;
        return state;
    }

    private static void count(final PerThread state, final long count, final long bytes)
    {
        COUNT.setOpaque(state, state.count + count);
        BYTES.setOpaque(state, state.bytes + bytes);
    }

    private static VarHandle handle(final String field)
    {
        try
        {
            return MethodHandles.lookup().findVarHandle(PerThread.class, field, long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static double min(final double[] values)
    {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static final class PerThread
    {
        final long tid = Thread.currentThread().getId();
        long untilSample = 512 * 1024;
        long count;
        long bytes;
        long acqBytes;
        long acqCount;
        long nextSample = 512 * 1024;
        long relBytes;
        long relCount;
    }

    /**
     * The agent's pool hooks, when the probe runs under {@code -javaagent:page-owner.jar}: their sink is taken out
     * for every variant but {@code page-owner}, so that the others run Netty's woven code with the advice's null
     * check only (which costs nothing measurable, RESULTS.md), and put back for {@code page-owner}.
     */
    private static final class Hooks
    {
        private final Method install;
        private final Object sink;

        private Hooks(final Method install, final Object sink)
        {
            this.install = install;
            this.sink = sink;
        }

        static Hooks find()
        {
            try
            {
                final Class<?> hooks = Class.forName("io.pageowner.pool.PoolHooks", false, null);
                final Field field = hooks.getDeclaredField("sink");
                field.setAccessible(true);
                final Object sink = field.get(null);
                return null == sink ? null : new Hooks(hooks.getMethod("install", field.getType()), sink);
            }
            catch (final ClassNotFoundException ex)
            {
                return null;
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException(ex);
            }
        }

        void install(final boolean on)
        {
            try
            {
                install.invoke(null, on ? sink : null);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }
}
