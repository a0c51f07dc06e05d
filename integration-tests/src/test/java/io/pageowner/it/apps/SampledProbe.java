package io.pageowner.it.apps;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sampled mode's scenario, run with {@code sample=64k}: known numbers of blocks from known methods,
 * some kept, some freed, so the test can check that the live figures are exact for every block and
 * that the records are a sample with honest weights. Writes the ground truth as
 * {@code KEY value...} lines:
 * <ul>
 * <li>{@code KEEP_UNSAFE n bytes}: 4 KiB Unsafe blocks kept by {@code keepSmall};</li>
 * <li>{@code KEEP_LARGE address...}: 8 MiB Unsafe blocks kept by {@code keepLarge} (always sampled);</li>
 * <li>{@code KEEP_DIRECT n bytes}: 16 KiB direct buffers kept by {@code keepDirect};</li>
 * <li>{@code CHURN n}: 4 KiB blocks allocated and freed by {@code churn};</li>
 * <li>{@code DELTA kind count bytes}: the MBean's exact live figures per kind, after less before;</li>
 * <li>{@code MBEAN name value}: the MBean's sampling attributes;</li>
 * <li>{@code DUMP} and {@code STACKS}: what the dump and the live-stacks view ({@code <dump>.stacks}) said.</li>
 * </ul>
 * Arguments: the dump path, the ground-truth path.
 */
public final class SampledProbe
{
    static final int SMALL = 4096;
    static final int SMALL_COUNT = 20_000;
    static final int LARGE = 8 << 20;
    static final int LARGE_COUNT = 10;
    static final int DIRECT = 16 * 1024;
    static final int DIRECT_COUNT = 2_000;
    static final int CHURN_COUNT = 20_000;

    private static final List<Object> KEPT = new ArrayList<>();

    private SampledProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args dump path, ground-truth path.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path dump = Path.of(args[0]);
        final Path truth = Path.of(args[1]);
        ProbeSupport.awaitMBean();
        final Map<String, Object> countsBefore = ProbeSupport.mapAttribute("LiveAllocationsByKind");
        final Map<String, Object> bytesBefore = ProbeSupport.mapAttribute("LiveBytesByKind");

        final List<String> lines = new ArrayList<>();
        keepSmall();
        lines.add("KEEP_UNSAFE " + SMALL_COUNT + " " + (long)SMALL * SMALL_COUNT);
        final StringBuilder large = new StringBuilder("KEEP_LARGE");
        for (final long address : keepLarge())
        {
            large.append(' ').append(address);
        }
        lines.add(large.toString());
        keepDirect();
        lines.add("KEEP_DIRECT " + DIRECT_COUNT + " " + (long)DIRECT * DIRECT_COUNT);
        churn();
        lines.add("CHURN " + CHURN_COUNT);

        final Map<String, Object> countsAfter = ProbeSupport.mapAttribute("LiveAllocationsByKind");
        final Map<String, Object> bytesAfter = ProbeSupport.mapAttribute("LiveBytesByKind");
        for (final String kind : countsAfter.keySet())
        {
            lines.add("DELTA " + kind + " " + ((Long)countsAfter.get(kind) - (Long)countsBefore.get(kind)) + " " +
                ((Long)bytesAfter.get(kind) - (Long)bytesBefore.get(kind)));
        }
        for (final String name : new String[]{ "SampleBytes", "SampledRecords", "LiveAllocations", "LiveBytes" })
        {
            lines.add("MBEAN " + name + " " + ProbeSupport.attribute(name));
        }
        batchRead(lines);
        lines.add("DUMP " + ProbeSupport.dump(dump));
        final Path stacks = dump.resolveSibling(dump.getFileName() + ".stacks");
        lines.add("STACKS " + ProbeSupport.awaitMBean().invoke(new javax.management.ObjectName(ProbeSupport.MBEAN),
            "dumpStacks", new Object[]{ stacks.toString(), 0L },
            new String[]{ String.class.getName(), long.class.getName() }));
        Files.write(truth, lines, StandardCharsets.UTF_8);
    }

    /**
     * Reads the live figures in one getAttributes call, which the agent serves from one scan of its
     * index, between two rounds of single reads; writes them once the single reads agree, so that
     * nothing allocated meanwhile.
     */
    private static void batchRead(final List<String> lines) throws Exception
    {
        final String[] names = { "LiveAllocations", "LiveBytes", "LivePages", "SampledRecords" };
        final javax.management.ObjectName mbean = new javax.management.ObjectName(ProbeSupport.MBEAN);
        for (int attempt = 0; attempt < 5; attempt++)
        {
            final List<Object> before = new ArrayList<>();
            for (final String name : names)
            {
                before.add(ProbeSupport.attribute(name));
            }
            final List<Object> batch = new ArrayList<>();
            for (final javax.management.Attribute attribute :
                ProbeSupport.awaitMBean().getAttributes(mbean, names).asList())
            {
                batch.add(attribute.getValue());
            }
            final List<Object> after = new ArrayList<>();
            for (final String name : names)
            {
                after.add(ProbeSupport.attribute(name));
            }
            if (before.equals(after))
            {
                for (int i = 0; i < names.length; i++)
                {
                    lines.add("BATCH " + names[i] + " " + batch.get(i) + " " + before.get(i));
                }
                return;
            }
        }
        lines.add("BATCH unstable");
    }

    private static void keepSmall()
    {
        for (int i = 0; i < SMALL_COUNT; i++)
        {
            KEPT.add(ProbeSupport.UNSAFE.allocateMemory(SMALL));
        }
    }

    private static long[] keepLarge()
    {
        final long[] addresses = new long[LARGE_COUNT];
        for (int i = 0; i < LARGE_COUNT; i++)
        {
            addresses[i] = ProbeSupport.UNSAFE.allocateMemory(LARGE);
            KEPT.add(addresses[i]);
        }
        return addresses;
    }

    private static void keepDirect()
    {
        for (int i = 0; i < DIRECT_COUNT; i++)
        {
            KEPT.add(ByteBuffer.allocateDirect(DIRECT));
        }
    }

    private static void churn()
    {
        for (int i = 0; i < CHURN_COUNT; i++)
        {
            ProbeSupport.UNSAFE.freeMemory(ProbeSupport.UNSAFE.allocateMemory(SMALL));
        }
    }
}
