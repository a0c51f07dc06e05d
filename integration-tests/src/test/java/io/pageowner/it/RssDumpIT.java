package io.pageowner.it;

import io.pageowner.it.apps.RssProbe;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rss_dump}: a dump is written once when resident memory first reaches the threshold, none while
 * it grows by less than {@code rss_step}, and another once it has grown by more; each dump holds the
 * blocks that made it grow, and its trailer the resident size and the cgroup limit.
 */
class RssDumpIT
{
    private static final long MIB = 1 << 20;
    private static final int THRESHOLD_MIB = 400;
    private static final int STEP_MIB = 160;

    @Test
    void shouldDumpAtTheThresholdAndAgainOnlyAfterAStep() throws Exception
    {
        final Path dir = Files.createDirectories(ForkedJvm.workDir().resolve("rss"));
        try (Stream<Path> old = Files.list(dir))
        {
            for (final Path file : old.toList())
            {
                Files.delete(file);
            }
        }
        final Path truthFile = dir.resolve("truth");
        final ForkedJvm.Result result = ForkedJvm.main(RssProbe.class)
            .agent("on,dump=" + dir + "/rss-%t.txt,rss_dump=" + THRESHOLD_MIB + "m,rss_step=" + STEP_MIB + "m")
            .args(dir.toString(), truthFile.toString(), Integer.toString(THRESHOLD_MIB), Integer.toString(STEP_MIB))
            .timeout(120)
            .run()
            .assertSuccess();
        final Truth truth = Truth.read(truthFile);
        assertTrue(truth.longs("BASELINE")[0] < (THRESHOLD_MIB - 100) * MIB, "starts well below the threshold");
        assertEquals(0, truth.longs("BEFORE")[0], "no dump below the threshold");
        assertEquals(1, truth.longs("FIRST")[0], "one dump at the threshold");
        assertEquals(1, truth.longs("WITHIN_STEP")[0], "none for less than a step: " + truth.value("WITHIN_STEP"));
        assertEquals(2, truth.longs("SECOND")[0], "another after a step");

        final List<Path> dumps;
        try (Stream<Path> files = Files.list(dir))
        {
            dumps = files.filter(f -> f.getFileName().toString().startsWith("rss-")).sorted().toList();
        }
        assertEquals(2, dumps.size(), dumps.toString());
        final long[] resident = new long[2];
        for (int i = 0; i < 2; i++)
        {
            final Dump dump = Dump.parse(dumps.get(i));
            final String process = dump.trailer("process:");
            assertTrue(process.matches("VmRSS \\d+ bytes, .*, cgroup memory limit (none|\\d+ bytes)"), process);
            resident[i] = Long.parseLong(process.substring("VmRSS ".length(), process.indexOf(' ', 6)));
            final long grown = dump.having("UNSAFE", "RssProbe.grow(").stream()
                .filter(record -> record.bytes == 16 * MIB).count();
            assertTrue(grown * 16 * MIB >= (THRESHOLD_MIB - 200) * MIB,
                "the blocks that made it grow, with their stack: " + grown);
        }
        // NOTE: the step is kept between the sizes the watch saw (the log lines); each trailer reads VmRSS
        // again while its dump is written, a little later and after the dump's own buffers grew it.
        final long[] seen = result.stderr().lines()
            .filter(line -> line.startsWith("[page-owner] rss_dump: resident memory "))
            .mapToLong(line -> Long.parseLong(line.split(" ")[4]))
            .toArray();
        assertEquals(2, seen.length, result.stderr());
        assertTrue(result.stderr().contains("bytes, at rss_dump=" + THRESHOLD_MIB * MIB + ": wrote "),
            result.stderr());
        assertTrue(seen[0] >= THRESHOLD_MIB * MIB, "first dump at " + seen[0]);
        assertTrue(seen[1] >= seen[0] + STEP_MIB * MIB, "second dump a step higher: " + seen[1] + " after " + seen[0]);
        assertTrue(resident[0] >= THRESHOLD_MIB * MIB, "first trailer: " + resident[0]);
        assertTrue(resident[1] > resident[0], "second trailer: " + resident[1] + " after " + resident[0]);
    }
}
