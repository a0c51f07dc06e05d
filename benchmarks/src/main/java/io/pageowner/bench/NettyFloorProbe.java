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
 * What exact totals cost at the least on a Netty acquire/release pair (issue 16, sampled mode's 5 % bound), and what
 * page-owner costs beside that, in one JVM: {@link NettyPoolBenchmark}'s loop ({@code directBuffer(256)} +
 * {@code release()}) runs in rounds of each variant, in an order that rotates, and the probe prints each variant's
 * fastest and median round and what it adds per pair over the plain loop:
 * <ul>
 * <li>{@code plain}: the pair alone;</li>
 * <li>{@code counts}: the pair, and on each side the current thread's state found the way the agent finds it (the
 * thread id, a 1 024-slot cache, the state's id checked) and its live count and bytes kept in two opaque stores:
 * what exact per-thread totals need at the least;</li>
 * <li>{@code count-down}: {@code counts} with sampled mode's count-down by bytes on acquire;</li>
 * <li>{@code floor}: {@code count-down} with the counting filter's read on release (identity hash of a long-lived
 * object standing for the chunk, plus the offset; one array element): the least work per pair of any design that
 * keeps exact totals and samples by bytes, written straight into the loop, with no advice, no call and no check
 * of the agent's state;</li>
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
    private static final int CACHE = 1024;
    private static final int FILTER_BITS = 14;
    private static final String[] VARIANTS = { "plain", "counts", "count-down", "floor", "page-owner" };

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
                    hooks.install(4 == v);
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
            args[0], rounds, pairs, warmUp, state.count, state.bytes, sink & 1);
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
                return counts(allocator, pairs);
            case 2:
                return countDown(allocator, pairs);
            case 3:
                return floor(allocator, pairs);
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

    private static long countDown(final ByteBufAllocator allocator, final int pairs)
    {
        long sum = 0;
        for (int i = 0; i < pairs; i++)
        {
            final ByteBuf buffer = allocator.directBuffer(256);
            final int bytes = buffer.capacity();
            final PerThread acquirer = current();
            final long left = acquirer.untilSample - bytes;
            acquirer.untilSample = left > 0 ? left : 512 * 1024;
            count(acquirer, 1, bytes);
            sum += bytes;
            buffer.release();
            count(current(), -1, -bytes);
        }
        return sum;
    }

    private static long counts(final ByteBufAllocator allocator, final int pairs)
    {
        long sum = 0;
        for (int i = 0; i < pairs; i++)
        {
            final ByteBuf buffer = allocator.directBuffer(256);
            final int bytes = buffer.capacity();
            count(current(), 1, bytes);
            sum += bytes;
            buffer.release();
            count(current(), -1, -bytes);
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
            final long left = acquirer.untilSample - bytes;
            if (left > 0)
            {
                acquirer.untilSample = left;
            }
            else
            {
                // NOTE: sampled: here only its filter slot is marked; the agent would also capture its stack.
                acquirer.untilSample = 512 * 1024;
                FILTER[slot(allocator, bytes)]++;
            }
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
