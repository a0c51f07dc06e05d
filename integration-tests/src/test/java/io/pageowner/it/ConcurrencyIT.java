package io.pageowner.it;

import io.pageowner.it.apps.ConcurrentProbe;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Four threads allocate, reallocate and free for a few seconds; the dump's records from those
 * threads equal their ground-truth live sets exactly, and nothing was suppressed.
 */
class ConcurrencyIT
{
    @Test
    void shouldMatchGroundTruthAfterConcurrentChurn() throws Exception
    {
        final ForkedJvm.Probed run = ForkedJvm.main(ConcurrentProbe.class).agent("on").runProbe("concurrent", "4", "4");
        final Path dumpFile = run.dumpFile();
        final Path truthFile = run.truthFile();

        final Map<Long, String> expected = new HashMap<>();
        long operations = 0;
        String suppressed = null;
        for (final String line : Files.readAllLines(truthFile))
        {
            final String[] f = line.split(" ");
            if ("LIVE".equals(f[0]))
            {
                expected.put(Long.parseLong(f[1]), f[2] + " " + f[3]);
            }
            else if ("OPERATIONS".equals(f[0]))
            {
                operations = Long.parseLong(f[1]);
            }
            else if ("SUPPRESSED".equals(f[0]))
            {
                suppressed = f[1];
            }
        }
        final Map<Long, String> actual = new HashMap<>();
        for (final Dump.Record record : Dump.parse(dumpFile).records())
        {
            if (record.comm.startsWith("probe-worker-"))
            {
                actual.put(record.address, record.bytes + " " + record.comm);
            }
        }
        assertTrue(operations > 10_000, "too little churn: " + operations);
        assertTrue(expected.size() > 100, "too few live blocks: " + expected.size());
        assertEquals(expected, actual);
        assertEquals("0", suppressed);
    }
}
