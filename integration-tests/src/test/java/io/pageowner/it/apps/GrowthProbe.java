package io.pageowner.it.apps;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What grows and what does not, over a series of dumps the program takes itself over JMX, so nothing depends on
 * timing: one large block that never grows ({@link #flat()}), a steady churn whose live set stays at the same size
 * ({@link #churn}), a spike that rises after the second dump and falls back before the fifth ({@link #spike()}),
 * and a small steady leak ({@link #leak()}) of a few blocks per step.
 * <p>
 * Arguments: dump path prefix (dumps are {@code prefix-1} to {@code prefix-N}), ground-truth path, steps N.
 */
public final class GrowthProbe
{
    /** Bytes of the large flat block. */
    public static final long FLAT_BYTES = 8L << 20;
    /** Blocks the leak adds per step. */
    public static final int LEAK_PER_STEP = 3;
    /** Bytes of each leaked block. */
    public static final long LEAK_BYTES = 16 << 10;
    /** Churn blocks kept live. */
    public static final int CHURN_LIVE = 20;
    /** Churn blocks allocated per step. */
    public static final int CHURN_PER_STEP = 50;
    /** Bytes of each churn block. */
    public static final long CHURN_BYTES = 8 << 10;
    /** Spike blocks. */
    public static final int SPIKE_BLOCKS = 16;
    /** Bytes of each spike block. */
    public static final long SPIKE_BYTES = 256 << 10;

    private static final List<Long> LEAKED = new ArrayList<>();
    private static final ArrayDeque<Long> CHURN = new ArrayDeque<>();
    private static final List<Long> SPIKE = new ArrayList<>();

    private GrowthProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args dump prefix, ground-truth path, steps.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final int steps = Integer.parseInt(args[2]);
        ProbeSupport.awaitMBean();
        final long flat = flat();
        final List<String> truth = new ArrayList<>();
        for (int step = 1; step <= steps; step++)
        {
            leak();
            churn();
            if (step == 3)
            {
                spike();
            }
            if (step == 5)
            {
                for (final long address : SPIKE)
                {
                    ProbeSupport.UNSAFE.freeMemory(address);
                }
                SPIKE.clear();
            }
            truth.add("DUMP " + step + " " + ProbeSupport.dump(Path.of(args[0] + "-" + step)));
        }
        truth.add("FLAT " + flat);
        ProbeSupport.write(Path.of(args[1]), truth);
    }

    private static long flat()
    {
        return ProbeSupport.UNSAFE.allocateMemory(FLAT_BYTES);
    }

    private static void leak()
    {
        for (int i = 0; i < LEAK_PER_STEP; i++)
        {
            LEAKED.add(ProbeSupport.UNSAFE.allocateMemory(LEAK_BYTES));
        }
    }

    private static void churn()
    {
        for (int i = 0; i < CHURN_PER_STEP; i++)
        {
            CHURN.addLast(ProbeSupport.UNSAFE.allocateMemory(CHURN_BYTES));
            if (CHURN.size() > CHURN_LIVE)
            {
                ProbeSupport.UNSAFE.freeMemory(CHURN.removeFirst());
            }
        }
    }

    private static void spike()
    {
        for (int i = 0; i < SPIKE_BLOCKS; i++)
        {
            SPIKE.add(ProbeSupport.UNSAFE.allocateMemory(SPIKE_BYTES));
        }
    }
}
