package io.pageowner.it;

import io.pageowner.it.apps.ManyBlocksProbe;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A million live records dump from a JVM whose heap (64 MiB) could not hold the dump's text: the
 * writer streams records from the table instead of collecting them.
 */
class LargeDumpIT
{
    private static final int BLOCKS = 1_000_000;

    @Test
    void shouldStreamAMillionRecordsWithASmallHeap() throws Exception
    {
        final ForkedJvm.Probed run = ForkedJvm.main(ManyBlocksProbe.class)
            .agent("on,max_records=2m")
            .jvmArgs("-Xmx64m")
            .timeout(600)
            .runProbe("million", Integer.toString(BLOCKS));
        final Path dump = run.dumpFile();
        final Path truth = run.truthFile();

        final List<String> lines = Files.readAllLines(truth);
        final long bytes = Files.size(dump);
        assertTrue(bytes > 128L * 1024 * 1024, "the dump is at least twice the probe's 64 MiB heap: " + bytes);
        // NOTE: every record is accounted for: the probe's own by its call site, any other one by name
        // (none is expected: the MBean server, whose set-up reads /proc through NIO, exists before main).
        long records = 0;
        long fromProbe = 0;
        long basePages = 0;
        final List<String> others = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(dump))
        {
            String line;
            String header = null;
            final StringBuilder block = new StringBuilder();
            while (null != (line = in.readLine()))
            {
                if (line.startsWith("Page allocated via order "))
                {
                    records++;
                    final int order = Integer.parseInt(line.substring(
                        "Page allocated via order ".length(), line.indexOf(',')));
                    basePages += 1L << order;
                    header = line;
                    block.setLength(0);
                    block.append(line);
                }
                else if (null != header && (line.isEmpty() || line.startsWith("# ")))
                {
                    others.add(block.toString());
                    header = null;
                }
                else if (null != header && line.startsWith(" io.pageowner.it.apps.ManyBlocksProbe.main("))
                {
                    fromProbe++;
                    header = null;
                }
                else if (null != header)
                {
                    block.append(" / ").append(line);
                }
            }
        }
        assertEquals(BLOCKS, fromProbe, "every block's record, from the probe's call site");
        assertEquals(List.of(), others, "records not from the probe's call site");
        assertTrue(lines.get(0).contains(": records " + records + ","), lines.get(0));
        assertTrue(lines.get(5).endsWith("nr_base_pages " + basePages),
            "the stacks view's pages are the dump's 2^order summed: " + lines.get(5));
        System.out.println("JDK " + ForkedJvm.jdkVersion() + ": " + lines.get(1) + " ms for " + records +
            " records, " + bytes / (1024 * 1024) + " MiB; live stacks view: " + lines.get(6) + " ms");
    }
}
