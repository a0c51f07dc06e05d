package io.pageowner.it.apps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Allocates known blocks with {@code sun.misc.Unsafe} from known methods, frees a known subset,
 * asks the agent for a dump over JMX, and writes the ground truth: one line per block,
 * {@code LIVE|FREED <address> <bytes> <method>}, then {@code THREAD <id> <name>}, the answer of
 * {@code ownerOf} for an address in the middle of the multi-page block, and the MBean's counters.
 * <p>
 * Arguments: the dump path, the ground-truth path.
 */
public final class UnsafeProbe
{
    private static final List<String> TRUTH = new ArrayList<>();

    private UnsafeProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args dump path, ground-truth path.
     * @throws Exception on failure.
     */
    @SuppressWarnings("deprecation")
    public static void main(final String[] args) throws Exception
    {
        final Path dump = Path.of(args[0]);
        final Path truth = Path.of(args[1]);
        ProbeSupport.awaitMBean();

        final long small = leakSmallBuffer();
        final long large = leakLargeTable();
        final long crossing = leakPageCrossing();
        final long grown = growThenKeep();
        final long shrunk = shrinkThenKeep();
        final long fromNothing = reallocFromNothing();
        final long[] toZero = reallocToZero();
        final long[] grownFreed = growThenFree();
        final long[] freed = allocateAndRelease();

        add("LIVE", small, 100, "leakSmallBuffer");
        add("LIVE", large, 10 * 4096 + 123, "leakLargeTable");
        add("LIVE", crossing, 2 * 4096, "leakPageCrossing");
        add("LIVE", grown, 64 * 1024, "growThenKeep");
        add("LIVE", shrunk, 100, "shrinkThenKeep");
        add("LIVE", fromNothing, 3000, "reallocFromNothing");
        add("FREED", toZero[0], 5000, "reallocToZero");
        add("FREED", grownFreed[0], 100, "growThenFree");
        add("FREED", grownFreed[1], 200_000, "growThenFree");
        for (final long address : freed)
        {
            add("FREED", address, 777, "allocateAndRelease");
        }

        final Path missingDir = dump.resolveSibling("no-such-dir").resolve("x.dump");
        try
        {
            ProbeSupport.dump(missingDir);
            TRUTH.add("BAD_PATH no error");
        }
        catch (final javax.management.MBeanException ex)
        {
            TRUTH.add("BAD_PATH " + ex.getCause().getClass().getName() + ": " + ex.getCause().getMessage());
        }
        final String summary = ProbeSupport.dump(dump);
        TRUTH.add("THREAD " + Thread.currentThread().getId() + " " + Thread.currentThread().getName());
        TRUTH.add("PID " + ProcessHandle.current().pid());
        TRUTH.add("SUMMARY " + summary);
        TRUTH.add("OWNER_MIDDLE " + ProbeSupport.invokeLong("ownerOf", large + 5 * 4096 + 17).toString()
            .replace('\n', '|'));
        TRUTH.add("OWNER_LAST_BYTE " + ProbeSupport.invokeLong("ownerOf", large + 10 * 4096 + 122).toString()
            .replace('\n', '|'));
        TRUTH.add("OWNER_PAST_END " + ProbeSupport.invokeLong("ownerOf", large + 10 * 4096 + 123 + 4096 * 64)
            .toString().replace('\n', '|'));
        final long[] neighbours = sharePage();
        TRUTH.add("NEIGHBOURS " + neighbours[0] + " " + neighbours[1]);
        TRUTH.add("PAGE_OWNERS " + ProbeSupport.invokeLong("ownersOfPage", neighbours[0] >>> 12).toString()
            .replace('\n', '|'));
        TRUTH.add("ADVICE " + ProbeSupport.mapAttribute("AdviceMatches"));
        TRUTH.add("CAPTURE " + ProbeSupport.attribute("StackCapture"));
        TRUTH.add("ADVICE_VERSIONS " + ProbeSupport.mapAttribute("AdviceVersions"));
        TRUTH.add("SUPPRESSED " + ProbeSupport.attribute("SuppressedErrors"));
        TRUTH.add("LIVE_ALLOCATIONS " + ProbeSupport.attribute("LiveAllocations"));
        ProbeSupport.write(truth, TRUTH);
    }

    private static void add(final String state, final long address, final long bytes, final String method)
    {
        TRUTH.add(state + " " + address + " " + bytes + " " + method);
    }

    static long leakSmallBuffer()
    {
        return ProbeSupport.UNSAFE.allocateMemory(100);
    }

    static long leakLargeTable()
    {
        return ProbeSupport.UNSAFE.allocateMemory(10 * 4096 + 123);
    }

    static long leakPageCrossing()
    {
        return ProbeSupport.UNSAFE.allocateMemory(2 * 4096);
    }

    static long[] allocateAndRelease()
    {
        final long[] addresses = new long[20];
        for (int i = 0; i < addresses.length; i++)
        {
            addresses[i] = ProbeSupport.UNSAFE.allocateMemory(777);
        }
        for (final long address : addresses)
        {
            ProbeSupport.UNSAFE.freeMemory(address);
        }
        return addresses;
    }

    /**
     * Small blocks until two of them share a page (malloc packs them).
     */
    static long[] sharePage()
    {
        final long[] blocks = new long[64];
        for (int i = 0; i < blocks.length; i++)
        {
            blocks[i] = ProbeSupport.UNSAFE.allocateMemory(48);
            for (int j = 0; j < i; j++)
            {
                if (blocks[i] >>> 12 == blocks[j] >>> 12 && (blocks[i] + 47) >>> 12 == blocks[i] >>> 12 &&
                    (blocks[j] + 47) >>> 12 == blocks[j] >>> 12)
                {
                    return new long[]{ blocks[j], blocks[i] };
                }
            }
        }
        throw new IllegalStateException("no two small blocks in one page");
    }

    static long growThenKeep()
    {
        final long address = ProbeSupport.UNSAFE.allocateMemory(1024);
        return ProbeSupport.UNSAFE.reallocateMemory(address, 64 * 1024);
    }

    static long shrinkThenKeep()
    {
        final long address = ProbeSupport.UNSAFE.allocateMemory(64 * 1024);
        return ProbeSupport.UNSAFE.reallocateMemory(address, 100);
    }

    /**
     * {@code reallocateMemory(0, n)} is an allocation.
     */
    static long reallocFromNothing()
    {
        return ProbeSupport.UNSAFE.reallocateMemory(0, 3000);
    }

    /**
     * {@code reallocateMemory(p, 0)} is a free, and returns 0.
     */
    static long[] reallocToZero()
    {
        final long address = ProbeSupport.UNSAFE.allocateMemory(5000);
        final long result = ProbeSupport.UNSAFE.reallocateMemory(address, 0);
        if (0 != result)
        {
            throw new IllegalStateException("realloc to 0 returned " + result);
        }
        return new long[]{ address };
    }

    static long[] growThenFree()
    {
        final long address = ProbeSupport.UNSAFE.allocateMemory(100);
        final long grown = ProbeSupport.UNSAFE.reallocateMemory(address, 200_000);
        ProbeSupport.UNSAFE.freeMemory(grown);
        return new long[]{ address, grown };
    }
}
