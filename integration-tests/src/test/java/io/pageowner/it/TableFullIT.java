package io.pageowner.it;

import io.pageowner.it.apps.ManyBlocksProbe;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code max_records} smaller than the live set, what does not fit is counted, never lost
 * silently: the dump holds at most the table's capacity, and its trailer and the JMX summary count
 * the rest as {@code table_full}, with their bytes, in all and per kind.
 */
class TableFullIT
{
    @Test
    void shouldCountWhatDoesNotFit() throws Exception
    {
        final ForkedJvm.Probed run = ForkedJvm.main(ManyBlocksProbe.class)
            .agent("on,max_records=1k")
            .runProbe("table-full", "5000");
        final Path dump = run.dumpFile();
        final Path truth = run.truthFile();

        final String summary = Files.readAllLines(truth).get(0);
        final Matcher m =
            Pattern.compile("records (\\d+), .* table_full=(\\d+) table_full_bytes=(\\d+)").matcher(summary);
        assertTrue(m.find(), summary);
        final long records = Long.parseLong(m.group(1));
        final long full = Long.parseLong(m.group(2));
        assertTrue(records <= 1024, summary);
        assertTrue(records + full >= 5000, "every probe block is recorded or counted: " + summary);
        assertTrue(full >= 5000 - 1024, summary);
        assertTrue(Long.parseLong(m.group(3)) >= 16 * (5000 - 1024), summary);

        final List<String> trailer = Dump.parse(dump).trailer();
        assertEquals(records, Dump.parse(dump).records().size());
        assertTrue(trailer.get(0).contains("table_full=" + full), trailer.get(0));
        // NOTE: counted per kind too: the probe's blocks are all plain Unsafe ones.
        assertTrue(summary.contains(" table_full_UNSAFE=" + full + " table_full_UNSAFE_bytes=" + m.group(3)), summary);
        assertEquals(
            "not recorded, by kind: UNSAFE " + full + " (" + m.group(3) + " bytes); raise max_records to record them",
            Dump.parse(dump).trailer("table full:"));
    }
}
