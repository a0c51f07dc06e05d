package io.pageowner.dump;

import io.pageowner.analysis.PageOwnerDiff;
import io.pageowner.depot.StackCapture;
import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.record.Counters;
import io.pageowner.record.Kind;
import io.pageowner.record.MappedFiles;
import io.pageowner.table.OwnerTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live diff since a baseline is the text {@code diff} gives for two dumps of the same two instants.
 */
class StackBaselineTest
{
    private final OwnerTable table = new OwnerTable(256, 12);
    private final StackDepot stacks = new StackDepot(64);
    private final ThreadDepot threads = new ThreadDepot(16);
    private final PageOwnerFormat format = new PageOwnerFormat(stacks, threads, 4242, new MappedFiles(), DumpMode.FULL);
    private final PageOwnerWriter writer = new PageOwnerWriter(table, format, new Counters(), stacks, 16, 0);

    @TempDir
    Path dir;

    @AfterEach
    void close()
    {
        table.close();
    }

    private int grows()
    {
        return stacks.intern(StackCapture.create(16, null, null).capture());
    }

    private int shrinks()
    {
        return stacks.intern(StackCapture.create(16, null, null).capture());
    }

    private int vanishes()
    {
        return stacks.intern(StackCapture.create(16, null, null).capture());
    }

    private int appears()
    {
        return stacks.intern(StackCapture.create(16, null, null).capture());
    }

    private int flat()
    {
        return stacks.intern(StackCapture.create(16, null, null).capture());
    }

    @Test
    void shouldWriteWhatDiffWritesForDumpsOfTheSameInstants() throws Exception
    {
        final int thread = threads.intern(1, "main");
        final int grows = grows();
        final int shrinks = shrinks();
        final int appears = appears();
        table.insert(0x10000, 4096, 1, thread, grows, Kind.UNSAFE);
        table.insert(0x20000, 10_000, 2, thread, shrinks, Kind.DIRECT);
        table.insert(0x30000, 20_000, 3, thread, shrinks, Kind.DIRECT);
        table.insert(0x40000, 300, 4, thread, vanishes(), Kind.UNSAFE);
        table.insert(0x50000, 1 << 20, 5, thread, flat(), Kind.MAPPED);
        final Path old = dir.resolve("old.txt");
        writer.write(old);
        final StackBaseline baseline = writer.baseline();
        assertEquals(4, baseline.stacks());
        assertEquals(5, baseline.records());

        table.insert(0x11000, 4096, 6, thread, grows, Kind.UNSAFE);
        table.insert(0x12000, 8192, 7, thread, grows, Kind.UNSAFE);
        table.remove(0x20000, null);
        table.remove(0x40000, null);
        table.insert(0x60000, 50, 8, thread, appears, Kind.UNSAFE);
        final Path now = dir.resolve("new.txt");
        writer.write(now);
        // NOTE: the JMX connection's buffer that a live diff brings about: never part of the growth.
        table.insert(0x70000, 8192, 9, thread, appears, Kind.DIRECT | Kind.NIO_TEMP | Kind.TOOL);
        final Path live = dir.resolve("live.diff");
        assertEquals(4, writer.writeGrowth(live, baseline));

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = PageOwnerDiff.run(new String[]{ old.toString(), now.toString() },
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        final String files = out.toString(StandardCharsets.UTF_8);
        final String text = Files.readString(live, StandardCharsets.UTF_8);

        assertEquals(body(files), body(text), "the blocks of diff OLD NEW:\n" + files + "\nlive:\n" + text);
        assertEquals(line(files, "# total: "), line(text, "# total: "));
        assertTrue(text.startsWith("# diff baseline (taken at ts "), text);
        assertTrue(line(text, "# total: ").equals(
            "# total: +1 times, -1 pages, +2038 bytes; 5 groups: 4 changed (1 new, 1 vanished), 1 unchanged " +
            "and not listed"), text);
        final int grew = text.indexOf("+2 times, +3 pages, +12288 bytes:\n");
        final int born = text.indexOf("+1 times, +1 pages, +50 bytes, new:\n");
        final int gone = text.indexOf("-1 times, -1 pages, -300 bytes, vanished:\n");
        final int shrank = text.indexOf("-1 times, -4 pages, -10000 bytes:\n");
        assertTrue(grew > 0 && born > grew && gone > born && shrank > gone, text);
        assertTrue(text.contains(".grows(StackBaselineTest.java:"), text);
        assertFalse(text.contains(".flat("), "an unchanged stack is counted, not listed: " + text);
    }

    private static String body(final String diff)
    {
        return diff.substring(diff.indexOf("\n\n") + 2);
    }

    private static String line(final String diff, final String prefix)
    {
        final int start = diff.indexOf(prefix);
        return start < 0 ? "" : diff.substring(start, diff.indexOf('\n', start));
    }
}
