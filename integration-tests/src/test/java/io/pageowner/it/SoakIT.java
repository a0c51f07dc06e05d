package io.pageowner.it;

import io.pageowner.it.apps.SoakProbe;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A minute of churn by several threads, with a dump every second, pauses and clears: every dump
 * taken during the churn is well formed and shows at most one live owner of any byte, and the last
 * dump, after the threads free everything and allocate a known set, equals that set exactly, with no
 * application exception and nothing suppressed.
 */
class SoakIT
{
    private static final int WORKERS = 4;
    private static final int SECONDS = 60;

    @Test
    void shouldKeepExactTruthThroughAMinuteOfChurnTogglesDumpsAndClears() throws Exception
    {
        final ForkedJvm.Probed run = ForkedJvm.main(SoakProbe.class)
            .agent("on")
            .timeout(SECONDS + 240)
            .runProbe("soak", Integer.toString(WORKERS), Integer.toString(SECONDS));
        final Truth truth = run.truth();

        final int during = Integer.parseInt(truth.value("DURING"));
        assertTrue(during >= SECONDS / 2, "dumps during the churn: " + during);
        assertTrue(Long.parseLong(truth.value("PAUSES")) >= SECONDS / 6, truth.value("PAUSES"));
        assertTrue(Long.parseLong(truth.value("CLEARS")) >= SECONDS / 20, truth.value("CLEARS"));
        assertTrue(Long.parseLong(truth.value("OPERATIONS")) > 100_000, "churn: " + truth.value("OPERATIONS"));
        for (int i = 0; i < during; i++)
        {
            assertOneOwnerPerByte(Path.of(run.dumpFile() + ".during-" + i));
        }

        final Map<Long, String> expected = new HashMap<>();
        for (final String[] f : truth.all("LIVE"))
        {
            expected.put(Long.parseLong(f[0]), f[1] + " " + f[2] + " " + f[3]);
        }
        final Map<Long, String> actual = new HashMap<>();
        final Dump dump = run.dump();
        for (final Dump.Record record : dump.records())
        {
            if (record.comm.startsWith("probe-soak-"))
            {
                actual.put(record.address, record.bytes + " " + record.kinds + " " + record.comm);
            }
        }
        assertEquals(WORKERS * 3 * 40, expected.size());
        assertEquals(expected, actual);
        assertOneOwnerPerByte(run.dumpFile());
        assertEquals("0", truth.value("SUPPRESSED"));
        assertTrue(run.result().stderr().isBlank(), "nothing on stderr: " + run.result().stderr());
    }

    /**
     * A dump's records, whoever made them, never share an address or a byte.
     */
    private static void assertOneOwnerPerByte(final Path file) throws Exception
    {
        final List<Dump.Record> records = new ArrayList<>(Dump.parse(file).records());
        records.sort(Comparator.comparingLong((Dump.Record r) -> r.address));
        for (int i = 1; i < records.size(); i++)
        {
            final Dump.Record before = records.get(i - 1);
            final Dump.Record after = records.get(i);
            if (before.address + before.bytes > after.address)
            {
                fail(file.getFileName() + ": two live owners of the bytes at 0x" + Long.toHexString(after.address) +
                    ":\n" + before + "\n" + after);
            }
        }
    }
}
