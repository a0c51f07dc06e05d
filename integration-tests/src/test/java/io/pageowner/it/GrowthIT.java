package io.pageowner.it;

import io.pageowner.it.apps.GrowthProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code diff} and {@code top} with the real jar on the dumps of a real JVM: a program with a steady churn, one large
 * block that never grows, a spike that rises and falls back, and a small steady leak takes a dump after each of its
 * steps (over JMX, so nothing depends on timing). The diff of the first and last dumps puts the leak first, with
 * exactly the blocks the program leaked; the large block, the churn and the spike are not growth.
 */
class GrowthIT
{
    private static final int STEPS = 6;
    private static Path prefix;

    @BeforeAll
    static void runProbe() throws Exception
    {
        final ForkedJvm.Probed run = ForkedJvm.main(GrowthProbe.class).agent("on").runProbe("growth",
            String.valueOf(STEPS));
        prefix = run.dumpFile();
        for (int step = 1; step <= STEPS; step++)
        {
            assertTrue(Files.exists(dump(step)), "dump " + step);
        }
    }

    private static Path dump(final int step)
    {
        return Path.of(prefix + "-" + step);
    }

    private static List<String> blocks(final String text)
    {
        return List.of(text.split("\n\n"));
    }

    @Test
    void shouldPutTheLeakFirstInTheDiffOfTheFirstAndLastDumps() throws Exception
    {
        final ForkedJvm.Result result = ForkedJvm.cli("diff", dump(1).toString(), dump(STEPS).toString()).run()
            .assertSuccess();
        final List<String> blocks = blocks(result.stdout());
        assertTrue(blocks.get(0).startsWith("# diff "), result.stdout());
        final String leak = blocks.get(1);
        final long leaked = (long)GrowthProbe.LEAK_PER_STEP * (STEPS - 1);
        // NOTE: pages are 2^order of each block's page span, which depends on where malloc put it: not asserted.
        assertTrue(leak.matches("(?s)\\+" + leaked + " times, \\+\\d+ pages, \\+" + leaked * GrowthProbe.LEAK_BYTES +
            " bytes:\n.*"), leak);
        assertTrue(leak.contains("GrowthProbe.leak("), leak);
        for (final String block : blocks)
        {
            assertFalse(block.contains("GrowthProbe.flat(") || block.contains("GrowthProbe.spike("),
                "the flat block and the spike (gone in both dumps) are not growth: " + block);
            if (block.contains("GrowthProbe.churn("))
            {
                // NOTE: the same count and bytes, but its blocks sit elsewhere: their page spans may differ.
                assertTrue(block.matches("(?s)\\+0 times, [+-]\\d+ pages, \\+0 bytes.*"),
                    "the churn's live set is steady: " + block);
            }
        }
    }

    @Test
    void shouldShowTheSpikeFallingBackAsVanished() throws Exception
    {
        final ForkedJvm.Result result = ForkedJvm.cli("diff", dump(3).toString(), dump(STEPS).toString()).run()
            .assertSuccess();
        final List<String> blocks = blocks(result.stdout());
        assertTrue(blocks.get(1).contains("GrowthProbe.leak("), result.stdout());
        final String spike = blocks.stream().filter(b -> b.contains("GrowthProbe.spike(")).findFirst().orElseThrow();
        final long bytes = GrowthProbe.SPIKE_BLOCKS * GrowthProbe.SPIKE_BYTES;
        assertTrue(spike.matches("(?s)-" + GrowthProbe.SPIKE_BLOCKS + " times, -\\d+ pages, -" + bytes +
            " bytes, vanished:\n.*"), spike);
        assertTrue(blocks.get(blocks.size() - 1).contains("GrowthProbe.spike("), "the largest shrink is last: " +
            result.stdout());
    }

    @Test
    void shouldWriteTwoCountFoldedStacks() throws Exception
    {
        final ForkedJvm.Result result = ForkedJvm.cli("diff", "--format=collapsed", dump(1).toString(),
            dump(STEPS).toString()).run().assertSuccess();
        final String leak = result.stdout().lines().filter(l -> l.contains("GrowthProbe.leak(")).findFirst()
            .orElseThrow();
        assertTrue(leak.endsWith(" " + GrowthProbe.LEAK_PER_STEP * GrowthProbe.LEAK_BYTES + " " +
            STEPS * GrowthProbe.LEAK_PER_STEP * GrowthProbe.LEAK_BYTES), leak);
        final String flat = result.stdout().lines().filter(l -> l.contains("GrowthProbe.flat(")).findFirst()
            .orElseThrow();
        assertTrue(flat.endsWith(" " + GrowthProbe.FLAT_BYTES + " " + GrowthProbe.FLAT_BYTES), flat);
    }

    @Test
    void shouldListTheLargestStacksInTop() throws Exception
    {
        final ForkedJvm.Result result = ForkedJvm.cli("top", dump(STEPS).toString(), "3").run().assertSuccess();
        final List<String> lines = result.stdout().lines().toList();
        assertTrue(lines.get(0).startsWith("# top 3 of "), result.stdout());
        assertTrue(lines.get(0).contains(", taken at ts "), "the dump states its time: " + lines.get(0));
        final Pattern row = Pattern.compile(" +(\\d) +(\\S+ \\S+) +(\\d+) +UNSAFE +(\\S+) +(\\S+)");
        final String[][] expected = {
            { "8.00 MiB", "1", "GrowthProbe.flat(" },
            { "288 KiB", String.valueOf(STEPS * GrowthProbe.LEAK_PER_STEP), "GrowthProbe.leak(" },
            { "160 KiB", String.valueOf(GrowthProbe.CHURN_LIVE), "GrowthProbe.churn(" } };
        for (int i = 0; i < expected.length; i++)
        {
            final Matcher m = row.matcher(lines.get(2 + i));
            assertTrue(m.matches(), lines.get(2 + i));
            assertEquals(String.valueOf(i + 1), m.group(1));
            assertEquals(expected[i][0], m.group(2), lines.get(2 + i));
            assertEquals(expected[i][1], m.group(3), lines.get(2 + i));
            assertTrue(m.group(4).matches("\\d+(ms|s|m\\d\\ds)"), "an age: " + lines.get(2 + i));
            assertTrue(m.group(5).contains(expected[i][2]), lines.get(2 + i));
        }
        assertEquals(5, lines.size(), result.stdout());
    }

    @Test
    void shouldListOnlyTheLeakAsASuspectOverTheSeries() throws Exception
    {
        // NOTE: --min-age 0, so what is left out does not depend on how far apart the dumps happened to be; the
        // churn's live set is the same size in every dump, so it does not grow either way.
        final List<String> args = new java.util.ArrayList<>(List.of("leaks", "--min-age", "0"));
        for (int step = 1; step <= STEPS; step++)
        {
            args.add(dump(step).toString());
        }
        final ForkedJvm.Result result = ForkedJvm.cli(args.toArray(new String[0])).run().assertSuccess();
        final List<String> blocks = blocks(result.stdout());
        assertTrue(blocks.get(0).contains("; 1 suspect\n") || blocks.get(0).endsWith("; 1 suspect"), result.stdout());
        final long leaked = (long)GrowthProbe.LEAK_PER_STEP * (STEPS - 1) * GrowthProbe.LEAK_BYTES;
        assertTrue(blocks.get(1).startsWith("+" + leaked + " bytes in "), blocks.get(1));
        assertTrue(blocks.get(1).contains(", grew in " + (STEPS - 1) + " of " + (STEPS - 1) + " intervals, " +
            STEPS * GrowthProbe.LEAK_PER_STEP + " records, oldest "), blocks.get(1));
        assertTrue(blocks.get(1).contains("GrowthProbe.leak("), blocks.get(1));
        assertEquals(2, blocks.size(), "only the leak: " + result.stdout());
    }

    @Test
    void shouldRefuseAnAgeFilterOnStandardInputAndNamePidsItCannotRead() throws Exception
    {
        final ForkedJvm.Result result = ForkedJvm.cli("top", "999999999").run();
        assertEquals(2, result.exitCode(), result.stderr());
        assertEquals("page-owner: no process 999999999 (`list` shows the JVMs you can attach to)",
            result.stderr().strip(), "top <pid> asks the process, which is not there");
        final ForkedJvm.Result age = ForkedJvm.cli("sort", "--min-age", "1s", "-", "-").run();
        assertEquals(2, age.exitCode(), age.stderr());
        assertTrue(age.stderr().contains("not as standard input"), age.stderr());
    }
}
