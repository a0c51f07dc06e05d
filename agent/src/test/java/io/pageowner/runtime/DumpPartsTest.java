package io.pageowner.runtime;

import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.dump.PageOwnerWriter;
import io.pageowner.record.Recorder;
import io.pageowner.table.OwnerTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dump parts are made once, when first asked for, and the writer they make dumps both tables.
 */
class DumpPartsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldMakeTheFormatAndWriterOnceAndWriteADump() throws IOException
    {
        try (OwnerTable mainTable = new OwnerTable(64, 12); OwnerTable poolTable = new OwnerTable(64, 12))
        {
            final StackDepot stacks = new StackDepot(64);
            final ThreadDepot threads = new ThreadDepot(16);
            final Recorder main = new Recorder(mainTable, stacks, threads, 16, 0, System.nanoTime(), null, null);
            final Recorder pools = new Recorder(poolTable, stacks, threads, 16, 0, System.nanoTime(), null, null);
            main.follow(pools);
            final DumpParts parts = new DumpParts(main, pools, 4242, System.nanoTime());
            final PageOwnerWriter writer = parts.writer();
            assertSame(writer, parts.writer(), "made once");
            assertSame(parts.format(), parts.format(), "made once");
            final Path file = dir.resolve("dump.txt");
            writer.write(file);
            final String text = Files.readString(file);
            assertTrue(text.contains("# page-owner: records 0, bytes 0, pages 0, untracked"), text);
            assertTrue(text.contains("POOLED"), "the pools' table is the writer's too: " + text);
        }
    }
}
