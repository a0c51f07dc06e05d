package io.pageowner.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.pageowner.sample.OffHeap;
import sun.misc.Unsafe;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where G1 puts the thread and Netty's pool locks (issue 16): runs {@link NettyPoolBenchmark}'s pooled loop
 * ({@code directBuffer(256)} + {@code release()}) on a thread of its own for a few one-second rounds and prints,
 * after each, ns per pair and the G1 region of the thread and of each direct arena's locks ({@code PoolArena.lock}
 * and its small subpage heads' locks). Every lock acquisition stores the owning thread into the lock
 * ({@code setExclusiveOwnerThread}); when the lock and the thread are in different regions, G1's post-write barrier
 * does not stop at its first test and runs a card check and a StoreLoad fence per store.
 * <p>
 * Not a benchmark (no JMH, one fork): a layout check, to run with and without the agent.
 * <pre>
 * java -Xmn32m --add-opens java.base/java.util.concurrent.locks=ALL-UNNAMED [-javaagent:page-owner.jar=on,sample=512k]
 *   [-DpadKb=N] [-Drounds=N] -cp benchmarks.jar io.pageowner.bench.NettyRegionProbe
 * </pre>
 * {@code padKb} retains that many 1 000-byte arrays before the allocator is made: without the agent, 6 000 moves
 * the arenas into the next region, as the agent does.
 */
public final class NettyRegionProbe
{
    private static final Unsafe UNSAFE = OffHeap.UNSAFE;
    private static final Object[] HOLDER = new Object[1];
    private static final List<byte[]> PAD = new ArrayList<>();

    private NettyRegionProbe()
    {
    }

    /**
     * Runs the loop and prints the rounds.
     *
     * @param args none.
     * @throws Exception if the thread is interrupted or Netty's fields are not where this version keeps them.
     */
    public static void main(final String[] args) throws Exception
    {
        final Thread thread = new Thread(
            () ->
            {
                try
                {
                    run();
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            },
            "pooled-loop");
        thread.start();
        thread.join();
    }

    private static void run() throws ReflectiveOperationException
    {
        final long region = Long.parseLong(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
            .getVMOption("G1HeapRegionSize").getValue());
        for (int i = 0, n = Integer.getInteger("padKb", 0); i < n; i++)
        {
            PAD.add(new byte[1000]);
        }
        final PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
        long sink = 0;
        for (int round = 0, rounds = Integer.getInteger("rounds", 7); round < rounds; round++)
        {
            long pairs = 0;
            final long start = System.nanoTime();
            while (System.nanoTime() - start < 1_000_000_000L)
            {
                for (int i = 0; i < 1000; i++)
                {
                    final ByteBuf buffer = allocator.directBuffer(256);
                    sink += buffer.capacity();
                    buffer.release();
                }
                pairs += 1000;
            }
            final double ns = (System.nanoTime() - start) / (double)pairs;
            final StringBuilder arenas = new StringBuilder();
            final long threadRegion = address(Thread.currentThread()) / region;
            final Object[] direct =
                (Object[])field(allocator, "io.netty.buffer.PooledByteBufAllocator", "directArenas");
            for (final Object arena : direct)
            {
                final Object[] heads = (Object[])field(arena, "io.netty.buffer.PoolArena", "smallSubpagePools");
                int same = 0;
                for (final Object head : heads)
                {
                    if (region(field(head, "io.netty.buffer.PoolSubpage", "lock"), region) == threadRegion)
                    {
                        same++;
                    }
                }
                arenas.append(String.format(Locale.ROOT, " | arena lock %d, heads in the thread's %d/%d",
                    region(field(arena, "io.netty.buffer.PoolArena", "lock"), region), same, heads.length));
            }
            System.out.printf(Locale.ROOT, "round %d: %.1f ns/pair, thread region %d%s%n",
                round, ns, threadRegion, arenas);
        }
        System.out.println("# " + sink);
    }

    /**
     * The region of a {@code ReentrantLock}'s synchronizer, where the owner thread is stored.
     */
    private static long region(final Object lock, final long regionSize) throws ReflectiveOperationException
    {
        return address(field(lock, "java.util.concurrent.locks.ReentrantLock", "sync")) / regionSize;
    }

    private static Object field(final Object owner, final String type, final String name)
        throws ReflectiveOperationException
    {
        final Field field = Class.forName(type).getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    /**
     * An object's address now: its reference read as stored in an array. NOTE: compressed references are taken as
     * zero-based with a shift of 3, as with the default heap of this project's hosts (above 4 GiB, below 32 GiB).
     */
    private static long address(final Object object)
    {
        HOLDER[0] = object;
        final long base = UNSAFE.arrayBaseOffset(Object[].class);
        final long address = 4 == UNSAFE.arrayIndexScale(Object[].class) ?
            (UNSAFE.getInt(HOLDER, base) & 0xFFFF_FFFFL) << 3 : UNSAFE.getLong(HOLDER, base);
        HOLDER[0] = null;
        return address;
    }
}
