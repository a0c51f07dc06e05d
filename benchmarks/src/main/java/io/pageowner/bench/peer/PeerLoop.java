package io.pageowner.bench.peer;

import java.lang.reflect.Field;
import java.util.Arrays;

import sun.misc.Unsafe;

/**
 * The forked program of {@link PeerProbe}: a plain {@code main} that makes {@code Unsafe.allocateMemory(64)} +
 * {@code freeMemory} pairs {@code depth} frames below {@code main}, in rounds, and prints the nanoseconds per pair
 * of each round ({@code ROUND}) and the median of the rounds after the warm-up ones ({@code LOOP}).
 * <p>
 * With {@code depth=15} the stack at {@code jdk.internal.misc.Unsafe.allocateMemory} has 20 frames: {@code main},
 * {@code round}, 16 of {@code descend}, {@code sun.misc.Unsafe.allocateMemory} and the internal one (the frame
 * count of {@code UnsafeAllocFreeBenchmark} depth=4 on JDK 25 is 20, on 17 22).
 */
public final class PeerLoop
{
    private static final Unsafe UNSAFE = unsafe();

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
        System.out.println("SINK " + (sink & 1));
    }

    private static long round(final int depth, final int pairs, final boolean floor)
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
        final long address = UNSAFE.allocateMemory(64);
        UNSAFE.freeMemory(address);
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
