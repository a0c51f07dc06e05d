package io.pageowner.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A running program for {@code leaks <pid>}: one large block that never grows ({@link #flat()}), a churn whose
 * blocks live about 0.4 s ({@link #churn()}), and a small steady leak ({@link #leak()}) of a 4 KiB block every
 * 150 ms. Prints {@code READY}; exits when stdin closes, and after 180 s in any case.
 */
public final class LeakProbe
{
    private static final List<Long> LEAKED = new ArrayList<>();
    private static final ArrayDeque<Long> CHURN = new ArrayDeque<>();

    private LeakProbe()
    {
    }

    /**
     * Runs until stdin closes.
     *
     * @param args none.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final long deadline = System.nanoTime() + 180_000_000_000L;
        flat();
        final Thread worker = new Thread(() ->
        {
            try
            {
                for (int tick = 0; System.nanoTime() < deadline; tick++)
                {
                    churn();
                    if (tick % 8 == 0)
                    {
                        leak();
                    }
                    Thread.sleep(20);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "leak-worker");
        worker.setDaemon(true);
        worker.start();
        System.out.println("READY");
        System.out.flush();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (null != in.readLine() && System.nanoTime() < deadline)
        {
            continue;
        }
    }

    private static void flat()
    {
        ProbeSupport.UNSAFE.allocateMemory(8L << 20);
    }

    private static void leak()
    {
        LEAKED.add(ProbeSupport.UNSAFE.allocateMemory(4096));
    }

    private static void churn()
    {
        CHURN.add(ProbeSupport.UNSAFE.allocateMemory(8192));
        if (CHURN.size() > 20)
        {
            ProbeSupport.UNSAFE.freeMemory(CHURN.poll());
        }
    }
}
