package io.pageowner.bench.peer;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.Arrays;

import sun.misc.Unsafe;

/**
 * The forked program of {@link PeerProbe}: a plain {@code main} that makes {@code Unsafe.allocateMemory(64)} +
 * {@code freeMemory} pairs {@code depth} frames below {@code main}, in rounds, and prints the nanoseconds per pair
 * of each round ({@code ROUND}), the median of the rounds after the warm-up ones ({@code LOOP}) and the fastest
 * of them ({@code MIN}).
 * <p>
 * With {@code depth=15} the stack at {@code jdk.internal.misc.Unsafe.allocateMemory} has 20 frames: {@code main},
 * {@code round}, 16 of {@code descend}, {@code sun.misc.Unsafe.allocateMemory} and the internal one (the frame
 * count of {@code UnsafeAllocFreeBenchmark} depth=4 on JDK 25 is 20, on 17 22).
 * <p>
 * {@code -Dpageowner.peer.workload=} picks another operation at the same depth, as the JMH benchmarks of the same
 * names make it: {@code direct} ({@code ByteBuffer.allocateDirect(4096)} and its cleaner run at once) or
 * {@code mixed} (a ring of 256 live Unsafe blocks; each operation frees the oldest and allocates 64, 256, 1024 or
 * 4096 bytes in turn, and every fourth also makes and cleans a 4 KiB direct buffer).
 */
public final class PeerLoop
{
    private static final Unsafe UNSAFE = unsafe();
    private static final String WORKLOAD = System.getProperty("pageowner.peer.workload", "unsafe");
    private static final boolean DIRECT = "direct".equals(WORKLOAD);
    private static final boolean MIXED = "mixed".equals(WORKLOAD);
    private static final int RING = 256;
    private static final long[] SIZES = { 64, 256, 1024, 4096 };
    private static final long[] LIVE = new long[RING];
    private static int next;

    // NOTE: a field, so that the JIT cannot drop the floor's throwable as unused.
    private static Object captured;

    private PeerLoop()
    {
    }

    /**
     * Runs the loop.
     *
     * @param args depth, pairs per round, rounds, warm-up rounds, and {@code floor} to make a {@code new Throwable()}
     *             before each pair, two frames below the pair's caller as the agent's hook does: the VM's walk
     *             of this very stack, which any exact capture pays.
     */
    public static void main(final String[] args)
    {
        final int depth = Integer.parseInt(args[0]);
        final int pairs = Integer.parseInt(args[1]);
        final int rounds = Integer.parseInt(args[2]);
        final int warmUp = Integer.parseInt(args[3]);
        final boolean floor = args.length > 4 && "floor".equals(args[4]);
        final double[] perPair = new double[rounds - warmUp];
        long sink = 0;
        for (int r = 0; r < rounds; r++)
        {
            final long start = System.nanoTime();
            sink += round(depth, pairs, floor);
            final double ns = (System.nanoTime() - start) / (double)pairs;
            System.out.println("ROUND " + r + " " + ns);
            if (r >= warmUp)
            {
                perPair[r - warmUp] = ns;
            }
        }
        Arrays.sort(perPair);
        System.out.println("LOOP " + perPair[perPair.length / 2]);
        // NOTE: the host's other work only ever adds time, so the fastest round is the least disturbed one.
        System.out.println("MIN " + perPair[0]);
        System.out.println("SINK " + (sink & 1));
    }

    static long round(final int depth, final int pairs, final boolean floor)
    {
        long sum = 0;
        for (int i = 0; i < pairs; i++)
        {
            sum += descend(depth, floor);
        }
        return sum;
    }

    private static long descend(final int remaining, final boolean floor)
    {
        if (remaining > 0)
        {
            return descend(remaining - 1, floor) + 1;
        }
        if (floor)
        {
            unsafeFrame();
        }
        if (DIRECT)
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
            UNSAFE.invokeCleaner(buffer);
            return buffer.capacity();
        }
        if (MIXED)
        {
            return mixed();
        }
        final long address = UNSAFE.allocateMemory(64);
        UNSAFE.freeMemory(address);
        return address;
    }

    private static long mixed()
    {
        final int i = next++;
        final int slot = i & (RING - 1);
        if (0 != LIVE[slot])
        {
            UNSAFE.freeMemory(LIVE[slot]);
        }
        final long address = UNSAFE.allocateMemory(SIZES[i & 3]);
        LIVE[slot] = address;
        if (3 == (i & 3))
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
            UNSAFE.invokeCleaner(buffer);
            return address + buffer.capacity();
        }
        return address;
    }

    /** Stands for {@code sun.misc.Unsafe.allocateMemory}. */
    private static void unsafeFrame()
    {
        internalUnsafeFrame();
    }

    /** Stands for {@code jdk.internal.misc.Unsafe.allocateMemory}, whose advice calls the agent's hook. */
    private static void internalUnsafeFrame()
    {
        captured = new Throwable();
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
            throw new ExceptionInInitializerError(ex);
        }
    }
}
