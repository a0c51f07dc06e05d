package io.pageowner.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A long-running target for the command line's attach commands. It allocates known Unsafe blocks
 * and a 1 MiB direct buffer at start, prints {@code PID <pid>}, one {@code LIVE <address> <bytes>
 * <method>} line per block and {@code READY}, then obeys commands on stdin, one per line, each
 * answered with {@code DONE <command>}:
 * <ul>
 *     <li>{@code leak afterOn}, {@code leak whileOff}, {@code leak afterResume}: allocates two blocks from a
 *     method of that name ({@code leakAfterOn} ...), so the test can tell call sites apart in a dump;</li>
 *     <li>{@code free-start}: frees the first block allocated at start ({@code FREED <address>}).</li>
 * </ul>
 * It exits when stdin closes, and after 180 s in any case, so it never outlives a failed test.
 */
public final class CliProbe
{
    /** Kept reachable so that the direct buffer stays live. */
    static final List<Object> KEEP = new ArrayList<>();
    private static final List<Long> START_BLOCKS = new ArrayList<>();

    private CliProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args none.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Thread watchdog = new Thread(() ->
        {
            try
            {
                Thread.sleep(180_000);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            System.out.println("TIMEOUT");
            System.exit(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        System.out.println("PID " + ProcessHandle.current().pid());
        KEEP.add(ByteBuffer.allocateDirect(1 << 20));
        leakAtStart();
        System.out.println("READY");
        System.out.flush();

        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while (null != (command = in.readLine()))
        {
            switch (command)
            {
                case "leak afterOn":
                    leakAfterOn();
                    break;
                case "leak whileOff":
                    leakWhileOff();
                    break;
                case "leak afterResume":
                    leakAfterResume();
                    break;
                case "free-start":
                {
                    final long address = START_BLOCKS.remove(0);
                    ProbeSupport.UNSAFE.freeMemory(address);
                    System.out.println("FREED " + address);
                    break;
                }
                default:
                    System.out.println("UNKNOWN " + command);
                    break;
            }
            System.out.println("DONE " + command);
            System.out.flush();
        }
    }

    private static void leakAtStart()
    {
        for (int i = 0; i < 3; i++)
        {
            START_BLOCKS.add(live(12_345 + i, "leakAtStart"));
        }
    }

    private static void leakAfterOn()
    {
        live(20_001, "leakAfterOn");
        live(20_002, "leakAfterOn");
    }

    private static void leakWhileOff()
    {
        live(30_001, "leakWhileOff");
        live(30_002, "leakWhileOff");
    }

    private static void leakAfterResume()
    {
        live(40_001, "leakAfterResume");
        live(40_002, "leakAfterResume");
    }

    private static long live(final long bytes, final String method)
    {
        final long address = ProbeSupport.UNSAFE.allocateMemory(bytes);
        System.out.println("LIVE " + address + " " + bytes + " " + method);
        return address;
    }
}
