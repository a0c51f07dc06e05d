package io.pageowner.it;

import io.pageowner.it.apps.SampledProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sampled mode ({@code sample=64k}) end to end, against what the probe knows: exact live counts and
 * bytes per kind for every block, sampled or not; records only for a sample, each with its weight
 * 1/p; a sample size within five standard deviations of exponential sampling by bytes; blocks far
 * larger than the interval always recorded; freed blocks never left behind.
 */
class SampledIT
{
    private static final long INTERVAL = 64 * 1024;

    private static Dump dump;
    private static Truth truth;
    private static Path dumpFile;

    @BeforeAll
    static void runProbe() throws Exception
    {
        final ForkedJvm.Probed run = ForkedJvm.main(SampledProbe.class).agent("on,sample=64k").runProbe("sampled");
        dumpFile = run.dumpFile();
        dump = run.dump();
        truth = run.truth();
    }

    @Test
    void shouldKeepExactLiveFiguresPerKindForEveryBlock()
    {
        final long[] small = truth.longs("KEEP_UNSAFE");
        final long[] direct = truth.longs("KEEP_DIRECT");
        final int large = truth.longs("KEEP_LARGE").length;
        // NOTE: the churned blocks were all freed: they are in no figure.
        assertEquals(List.of(small[0] + large, small[1] + large * (8L << 20)), delta("UNSAFE"));
        assertEquals(List.of(direct[0], direct[1]), delta("DIRECT"));
        assertEquals(65536, mbean("SampleBytes"));
        // NOTE: the MBean's live figures are every block's, not the sample's.
        assertTrue(
            mbean("LiveAllocations") >= small[0] + large + direct[0], "LiveAllocations " + mbean("LiveAllocations"));
        assertTrue(mbean("SampledRecords") < mbean("LiveAllocations") / 4, "SampledRecords " + mbean("SampledRecords"));
    }

    @Test
    void shouldGiveTheSameLiveFiguresInOneGetAttributesCallAsReadOneByOne()
    {
        final List<String[]> batch = truth.all("BATCH");
        assertEquals(4, batch.size(),
            "the single reads never agreed: " + batch.stream().map(l -> String.join(" ", l)).toList());
        for (final String[] line : batch)
        {
            assertEquals(line[2], line[1], line[0] + ": one call, then one by one");
        }
    }

    @Test
    void shouldRecordASampleWithHonestWeights()
    {
        final List<Dump.Record> smalls = dump.records().stream()
            .filter(r -> r.hasFrame("SampledProbe.keepSmall(")).collect(Collectors.toList());
        final double p = -Math.expm1(-4096.0 / INTERVAL);
        final double expected = p * truth.longs("KEEP_UNSAFE")[0];
        final double sigma = Math.sqrt(expected * (1 - p));
        assertTrue(Math.abs(smalls.size() - expected) < 5 * sigma,
            smalls.size() + " sampled keepSmall blocks, expected " + expected + " +- " + sigma);
        double estimate = 0;
        for (final Dump.Record record : smalls)
        {
            assertEquals(4096, record.bytes, record.toString());
            assertEquals("UNSAFE", record.kinds, record.toString());
            final double weight = Double.parseDouble(record.flags.get("weight"));
            assertEquals(1 / p, weight, 0.0005, record.toString());
            estimate += weight;
        }
        // NOTE: the weights estimate the live count: within the same five sigmas, scaled by 1/p.
        assertTrue(Math.abs(estimate - truth.longs("KEEP_UNSAFE")[0]) < 5 * sigma / p, "estimated " + estimate);

        for (final long address : truth.longs("KEEP_LARGE"))
        {
            final Dump.Record record = dump.at(address);
            assertNotNull(record, "an 8 MiB block is sampled with p = 1 - exp(-128)");
            assertEquals("1.000", record.flags.get("weight"), record.toString());
            assertTrue(record.hasFrame("SampledProbe.keepLarge("), record.toString());
        }
        for (final Dump.Record record : dump.records())
        {
            assertNotNull(record.flags.get("weight"), "every record of a sampled dump has a weight: " + record);
            assertTrue(!record.hasFrame("SampledProbe.churn("), "freed block left behind: " + record);
        }
        final long directs = dump.records().stream().filter(r -> r.hasFrame("SampledProbe.keepDirect(")).count();
        assertTrue(directs > 0 && directs < truth.longs("KEEP_DIRECT")[0], directs + " direct buffers sampled");
    }

    @Test
    void shouldSayInTheTrailerThatTheRecordsAreASample()
    {
        assertEquals("mean interval 65536 bytes, exponential by bytes; each record carries weight=1/p, the number " +
            "of allocations it stands for", dump.trailer("sampling:"));
        final String sampled = dump.trailer("sampled:");
        assertNotNull(sampled);
        assertTrue(sampled.startsWith(dump.records().size() + " records written of "), sampled);
        assertTrue(sampled.endsWith("; the kind lines below are exact, for every allocation"), sampled);
    }

    @Test
    void shouldHaveTheSorterScaleTheSampleAndSaySo() throws Exception
    {
        final Path sorted = dumpFile.resolveSibling("sampled.sorted");
        ForkedJvm.cli("sort", "--cull=st", dumpFile.toString(), sorted.toString()).timeout(60).run().assertSuccess();
        final List<String> lines = Files.readAllLines(sorted);
        assertTrue(
            lines.get(0).startsWith("# sampled dump (mean interval 65536 bytes): figures marked ~ are estimates"),
            lines.get(0));
        // NOTE: the kept 4 KiB blocks are the biggest group; its estimate is the sum of its weights.
        final double p = -Math.expm1(-4096.0 / INTERVAL);
        final long samples = dump.records().stream().filter(r -> r.hasFrame("SampledProbe.keepSmall(")).count();
        final long estimate = Math.round(samples / p);
        final String top = lines.stream().filter(l -> l.startsWith("~")).findFirst().orElseThrow();
        // NOTE: each of the group's weights is printed rounded to 3 decimals, so the sum may differ by one.
        final long printed = Long.parseLong(top.substring(1, top.indexOf(' ')));
        assertTrue(Math.abs(printed - estimate) <= 1, top + " for " + samples + " samples, expected ~" + estimate);
        assertTrue(top.endsWith("(" + samples + " samples):"), top);
        final int start = lines.indexOf(top);
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).isEmpty())
        {
            end++;
        }
        final List<String> group = lines.subList(start, end);
        assertTrue(group.stream().anyMatch(l -> l.contains("SampledProbe.keepSmall(")),
            "the top group is keepSmall's: " + group);
    }

    @Test
    void shouldScaleTheLiveStacksViewAndSaySo() throws Exception
    {
        final List<String> lines = Files.readAllLines(dumpFile.resolveSibling(dumpFile.getFileName() + ".stacks"));
        final String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("# sampled: nr_base_pages are estimates, the sum of 2^order x weight over "), last);
        assertTrue(last.endsWith(" sampled records (mean interval 65536 bytes)"), last);
        // NOTE: keepSmall's stack owns about 20 000 blocks of 1 or 2 pages: its estimate, not its sample count.
        int line = 0;
        while (!lines.get(line).contains("SampledProbe.keepSmall("))
        {
            line++;
        }
        while (!lines.get(line).startsWith("nr_base_pages: "))
        {
            line++;
        }
        final long pages = Long.parseLong(lines.get(line).substring("nr_base_pages: ".length()));
        final long blocks = truth.longs("KEEP_UNSAFE")[0];
        assertTrue(pages > blocks / 2 && pages < 3 * blocks, "keepSmall's estimated pages: " + pages);
    }

    private static List<Long> delta(final String kind)
    {
        for (final String[] line : truth.all("DELTA"))
        {
            if (line[0].equals(kind))
            {
                return List.of(Long.parseLong(line[1]), Long.parseLong(line[2]));
            }
        }
        throw new AssertionError("no DELTA line for " + kind);
    }

    private static long mbean(final String name)
    {
        for (final String[] line : truth.all("MBEAN"))
        {
            if (line[0].equals(name))
            {
                return Long.parseLong(line[1]);
            }
        }
        throw new AssertionError("no MBEAN line for " + name);
    }
}
