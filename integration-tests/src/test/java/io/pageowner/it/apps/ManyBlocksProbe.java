package io.pageowner.it.apps;

import java.nio.file.Path;
import java.util.List;

/**
 * Keeps a million small blocks live, dumps them over JMX with a small heap (the test runs it with
 * {@code -Xmx64m}, while the dump's text is hundreds of MiB), and reports how long the dump took.
 * <p>
 * Arguments: dump path, ground-truth path, blocks.
 */
public final class ManyBlocksProbe
{
    private ManyBlocksProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args dump path, ground-truth path, blocks.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final int blocks = Integer.parseInt(args[2]);
        ProbeSupport.awaitMBean();
        final long[] addresses = new long[blocks];
        for (int i = 0; i < blocks; i++)
        {
            addresses[i] = ProbeSupport.UNSAFE.allocateMemory(16);
        }
        final long start = System.nanoTime();
        final String summary = ProbeSupport.dump(Path.of(args[0]));
        final long millis = (System.nanoTime() - start) / 1_000_000;
        final long stacksStart = System.nanoTime();
        final Object stacks = ProbeSupport.awaitMBean().invoke(new javax.management.ObjectName(ProbeSupport.MBEAN),
            "dumpStacks", new Object[]{ args[0] + ".stacks", 0L },
            new String[]{ String.class.getName(), long.class.getName() });
        final long stacksMillis = (System.nanoTime() - stacksStart) / 1_000_000;
        ProbeSupport.write(Path.of(args[1]), List.of(
            "SUMMARY " + summary,
            "DUMP_MILLIS " + millis,
            "MAX_HEAP " + Runtime.getRuntime().maxMemory(),
            "FIRST " + addresses[0],
            "LAST " + addresses[blocks - 1],
            "STACKS " + stacks,
            "STACKS_MILLIS " + stacksMillis));
    }
}
