package io.pageowner.dump;

import io.pageowner.depot.StackCapture;
import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.record.Counters;
import io.pageowner.record.Kind;
import io.pageowner.record.MappedFiles;
import io.pageowner.record.PoolSinkAdapter;
import io.pageowner.record.Recorder;
import io.pageowner.table.OwnerTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PageOwnerWriterTest
{
    private static final Pattern HEADER = Pattern.compile(
        "Page allocated via order \\d+, mask 0x[0-9a-f]+\\([A-Z|]+\\), pid \\d+, tgid \\d+ \\(.{0,15}\\), ts \\d+ ns");

    private final OwnerTable table = new OwnerTable(64, 12);
    private final StackDepot stacks = new StackDepot(16);
    private final ThreadDepot threads = new ThreadDepot(16);
    private final Counters counters = new Counters();
    private final PageOwnerFormat format = new PageOwnerFormat(stacks, threads, 4242, new MappedFiles(), DumpMode.FULL);
    // NOTE: timestamps count from nanoTime 0 here, so every record the tests stamp is older than any dump.
    private final PageOwnerWriter writer = new PageOwnerWriter(table, format, counters, stacks, 16, 0);

    @TempDir
    Path dir;

    @AfterEach
    void close()
    {
        table.close();
    }

    @Test
    void shouldLeaveOutARecordMadeAfterTheDumpStarted() throws IOException
    {
        final int stack = stacks.intern(StackCapture.create(16, null, null).capture());
        table.insert(0x7f0000001000L, 100, 5L, 0, stack, Kind.UNSAFE);
        // NOTE: stamped after any instant of this run: made while the dump was being written, perhaps at the
        // address of a block freed after the scan read its record; written too, it would be a second owner.
        table.insert(0x7f0000002000L, 200, Long.MAX_VALUE / 2, 0, stack, Kind.UNSAFE);
        final Path file = dir.resolve("asof.txt");
        final PageOwnerWriter.Summary summary = writer.write(file);
        assertEquals(1, summary.records());
        final String text = Files.readString(file);
        assertTrue(text.contains("PFN 0x7f0000001"), text);
        assertFalse(text.contains("PFN 0x7f0000002"), text);
        final Path stacksFile = dir.resolve("asof.stacks");
        assertEquals(1, writer.writeStacks(stacksFile, 0).pages(), Files.readString(stacksFile));
    }

    @Test
    void shouldWriteKernelFormatRecordsAndATrailer() throws IOException
    {
        final int stack = stacks.intern(StackCapture.create(16, null, null).capture());
        final int thread = threads.intern(7, "http-nio-8080-exec-12");
        table.insert(0x7f0000001010L, 10000, 123456789L, thread, stack, Kind.UNSAFE);
        table.insert(0x7f0000100000L, 4096, 5L, thread, stack, Kind.DIRECT);

        final Path file = dir.resolve("page_owner.txt");
        final long wallBefore = System.currentTimeMillis();
        final PageOwnerWriter.Summary summary = writer.write(file);
        assertEquals(2, summary.records());
        assertEquals(14096, summary.bytes());
        assertEquals(4, summary.pages());

        final List<String> lines = Files.readAllLines(file);
        final String text = String.join("\n", lines);
        assertTrue(text.contains("Page allocated via order 2, mask 0x1(UNSAFE), pid 7, tgid 4242 (http-nio-8080-e), " +
            "ts 123456789 ns\nPFN 0x7f0000001 type Unsafe Block " + (0x7f0000001L >>> 9) +
            " type Unsafe Flags 0x0(address=0x7f0000001010|bytes=10000|pages=3)\n" +
            " io.pageowner.dump.PageOwnerWriterTest.shouldWriteKernelFormatRecordsAndATrailer("), text);
        assertTrue(text.contains("Page allocated via order 0, mask 0x2(DIRECT), pid 7"), text);
        int headers = 0;
        for (int i = 0; i < lines.size(); i++)
        {
            if (lines.get(i).startsWith("Page allocated"))
            {
                headers++;
                assertTrue(HEADER.matcher(lines.get(i)).matches(), lines.get(i));
                assertTrue(lines.get(i + 1).startsWith("PFN 0x"), lines.get(i + 1));
            }
        }
        assertEquals(2, headers);
        final int trailer = lines.indexOf("# page-owner: records 2, bytes 14096, pages 4, untracked table_full=0 " +
            "table_full_bytes=0 before_start=0 while_off=0 while_off_bytes=0 agent_own=0");
        assertTrue(trailer > 0, text);
        assertEquals("", lines.get(trailer - 1), "the last record ends with its empty line");
        final long wallAfter = System.currentTimeMillis();
        final java.util.regex.Matcher time = java.util.regex.Pattern.compile(
            "# time: ts (\\d+) ns, wall (\\S+) \\(epoch_ms (\\d+)\\)").matcher(lines.get(trailer + 15));
        assertTrue(time.matches(), lines.get(trailer + 15));
        assertEquals(summary.asOfNs(), Long.parseLong(time.group(1)), "the dump's instant on the records' clock");
        assertTrue(summary.asOfNs() >= 123456789L, "every record was made before the dump's instant");
        assertEquals(summary.wallMillis(), Long.parseLong(time.group(3)));
        assertEquals(java.time.Instant.ofEpochMilli(summary.wallMillis()).toString(), time.group(2));
        assertTrue(summary.wallMillis() >= wallBefore && summary.wallMillis() <= wallAfter, "the wall clock");
        assertTrue(lines.get(trailer + 1).startsWith("# stacks: 1 distinct, depth 16"), lines.get(trailer + 1));
        assertEquals(List.of(
            "# kind UNSAFE: records 1, bytes 10000",
            "# kind DIRECT: records 1, bytes 4096",
            "# kind MAPPED: records 0, bytes 0",
            "# kind ARENA: records 0, bytes 0",
            "# kind REALLOC: records 0, bytes 0",
            "# kind NIO_TEMP: records 0, bytes 0",
            "# kind POOLED: records 0, bytes 0",
            "# kind POOL_CHUNK: records 0, bytes 0",
            "# kind TOOL: records 0, bytes 0 (page-owner's own: NIO buffers kept by JMX threads that served its " +
            "MBean; --kind ^TOOL)"), lines.subList(trailer + 2, trailer + 11));
        assertTrue(lines.get(trailer + 11).matches("# jdk buffer pool direct: count \\d+, capacity \\d+, used \\d+"),
            lines.get(trailer + 11));
        assertTrue(lines.get(trailer + 12).matches("# jdk buffer pool mapped: count \\d+, capacity \\d+, used \\d+"),
            lines.get(trailer + 12));
        assertTrue(lines.get(trailer + 13).matches("# process: VmRSS \\d+ bytes, Rss (\\d+ bytes|n/a), " +
            "Anonymous (\\d+ bytes|n/a), cgroup memory limit (none|\\d+ bytes)"), lines.get(trailer + 13));
        assertTrue(lines.get(trailer + 14).startsWith("# not seen by page-owner: memory malloc'ed by native code"));
        assertEquals(trailer + 16, lines.size(), "nothing after the trailer");
        for (final String line : lines.subList(trailer, lines.size()))
        {
            assertTrue(line.startsWith("# ") && !line.isBlank(), "no empty line in the trailer: '" + line + "'");
        }
        assertTrue(Files.readString(file).endsWith("\n"));
        assertFalse(Files.readString(file).endsWith("\n\n"), "no empty line after the trailer");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var listing = Files.list(dir))
        {
            assertEquals(List.of(file), listing.toList(), "no temporary file left");
        }
    }

    @Test
    void shouldNameThePathAndReasonAndLeaveTheTableAlone() throws IOException
    {
        table.insert(0x7f0000001010L, 100, 1, 0, 0, Kind.UNSAFE);
        final Path missing = dir.resolve("no/such/dir/dump.txt");
        final IOException noDir = assertThrows(IOException.class, () -> writer.write(missing));
        assertEquals("cannot write dump to " + missing + ": directory " + missing.getParent() + " does not exist",
            noDir.getMessage());

        final Path file = Files.writeString(dir.resolve("plain-file"), "x");
        final IOException notDir = assertThrows(IOException.class, () -> writer.write(file.resolve("dump.txt")));
        assertEquals("cannot write dump to " + file.resolve("dump.txt") + ": " + file + " is not a directory",
            notDir.getMessage());

        final IOException isDir = assertThrows(IOException.class, () -> writer.write(dir));
        assertEquals("cannot write dump to " + dir + ": it is a directory", isDir.getMessage());

        assertEquals(1, table.liveCount());
        assertEquals(1, writer.write(dir.resolve("ok.txt")).records());
    }

    @Test
    void shouldWriteLiveStacksLikeShowStacks() throws IOException
    {
        final int a = stacks.intern(StackCapture.create(16, null, null).capture());
        final int b = stackFromElsewhere();
        table.insert(0x7f0000001000L, 3 * 4096, 1, 0, a, Kind.UNSAFE);
        table.insert(0x7f0000010000L, 100, 1, 0, a, Kind.UNSAFE);
        table.insert(0x7f0000020000L, 100, 1, 0, b, Kind.UNSAFE);
        final Path file = dir.resolve("stacks.txt");
        final PageOwnerWriter.StacksSummary all = writer.writeStacks(file, 0);
        assertEquals(2, all.stacks());
        assertEquals(6, all.pages());
        final String text = Files.readString(file);
        assertTrue(
            text.startsWith(" io.pageowner.dump.PageOwnerWriterTest.shouldWriteLiveStacksLikeShowStacks("), text);
        assertTrue(
            text.contains("\nnr_base_pages: 5\n\n io.pageowner.dump.PageOwnerWriterTest.stackFromElsewhere("), text);
        assertTrue(text.endsWith("\nnr_base_pages: 1\n\n"), text);
        assertEquals(1, writer.writeStacks(file, 2).stacks());
        assertEquals(0, writer.writeStacks(file, 6).stacks());
    }

    @Test
    void shouldCountThePoolsBuffersInTheLiveStacksView() throws IOException
    {
        try (OwnerTable pools = new OwnerTable(64, 12))
        {
            final int grower = stacks.intern(StackCapture.create(16, null, null).capture());
            final int acquirer = stackFromElsewhere();
            // NOTE: a 16-page chunk owned by the stack that grew the pool; two buffers inside it, one page each,
            // owned by the stack that acquired them, and a third page of the acquirer's in the main table.
            table.insert(0x7f0000100000L, 16 * 4096, 1, 0, grower, Kind.DIRECT | Kind.POOL_CHUNK);
            table.insert(0x7f0000300000L, 100, 1, 0, acquirer, Kind.UNSAFE);
            pools.insert(0x7f0000100000L, 256, 1, 0, acquirer, Kind.POOLED);
            pools.insert(0x7f0000102000L, 4096, 1, 0, acquirer, Kind.POOLED);
            final Path file = dir.resolve("stacks.txt");
            final PageOwnerWriter.StacksSummary mainOnly = writer.writeStacks(file, 0);
            assertEquals(2, mainOnly.stacks(), "the main table alone");
            assertEquals(16 + 1, mainOnly.pages(), "the main table alone");

            writer.pools(pools, null);
            final PageOwnerWriter.StacksSummary both = writer.writeStacks(file, 0);
            assertEquals(2, both.stacks());
            assertEquals(16 + 3, both.pages());
            final String text = Files.readString(file);
            assertTrue(text.contains(" io.pageowner.dump.PageOwnerWriterTest.stackFromElsewhere("), text);
            assertTrue(text.contains("\nnr_base_pages: 3\n\n"), text);
            assertTrue(text.contains("\nnr_base_pages: 16\n\n"), text);
            assertEquals(1, writer.writeStacks(file, 4).stacks(), "the threshold applies to the summed pages");
        }
    }

    @Test
    void shouldShowThePoolsUntrackedCountsUnderPooledInTheTrailer() throws IOException
    {
        try (OwnerTable mainTable = new OwnerTable(64, 12); OwnerTable poolTable = new OwnerTable(64, 12))
        {
            final Recorder main = new Recorder(mainTable, stacks, threads, 16, 0, System.nanoTime(), null, null);
            final Recorder pools = new Recorder(poolTable, stacks, threads, 16, 0, System.nanoTime(), null, null);
            main.follow(pools);
            final PoolSinkAdapter adapter = new PoolSinkAdapter(pools, main);
            // NOTE: a buffer handed out before tracking started, released now: the pools' recorder never saw it.
            adapter.releasing(ByteBuffer.allocateDirect(4096), 0, 1024);
            final PageOwnerWriter mainWriter = new PageOwnerWriter(mainTable, format, main.counters(), stacks, 16, 0);
            mainWriter.pools(poolTable, pools);
            final Path file = dir.resolve("pools.txt");
            mainWriter.write(file);
            final String text = Files.readString(file);
            assertTrue(text.contains("# page-owner: records 0, bytes 0, pages 0, untracked table_full=0 " +
                "table_full_bytes=0 before_start=1 while_off=0 while_off_bytes=0 agent_own=0 before_start_POOLED=1\n"),
                text);
        }
    }

    private int stackFromElsewhere()
    {
        return stacks.intern(StackCapture.create(16, null, null).capture());
    }

    @Test
    void shouldReplaceAnOlderDumpWhole() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("page_owner.txt"), "old contents\n");
        writer.write(file);
        assertFalse(Files.readString(file).contains("old contents"));
    }

    @Test
    void shouldRefuseAFifoAsDumpPath() throws Exception
    {
        final Path fifo = dir.resolve("fifo");
        run("mkfifo", fifo.toString());
        final IOException ex = assertThrows(IOException.class, () -> writer.write(fifo));
        assertEquals("cannot write dump to " + fifo + ": it is a FIFO, not a regular file", ex.getMessage());
        assertEquals("FIFO", fileType(fifo), "the FIFO is still there");
        assertNoTemporaryFile();
    }

    @Test
    void shouldNameThePathActuallyRefusedWhenSymlinksLeadThere() throws Exception
    {
        final Path real = Files.createDirectory(dir.resolve("real"));
        run("mkfifo", real.resolve("fifo").toString());
        final Path linked = Files.createSymbolicLink(dir.resolve("linked"), real);
        final IOException fifo = assertThrows(IOException.class, () -> writer.write(linked.resolve("fifo")));
        assertEquals("cannot write dump to " + linked.resolve("fifo") + ": " + real.resolve("fifo").toRealPath() +
            " is a FIFO, not a regular file", fifo.getMessage());

        final IOException directory = assertThrows(IOException.class, () -> writer.write(linked));
        assertEquals("cannot write dump to " + linked + ": " + real.toRealPath() + " is a directory",
            directory.getMessage());
        assertTrue(Files.isSymbolicLink(linked), "the link is still there");
    }

    @Test
    void shouldRefuseASocketAsDumpPath() throws IOException
    {
        final Path socket = dir.resolve("socket");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            server.bind(UnixDomainSocketAddress.of(socket));
            final IOException ex = assertThrows(IOException.class, () -> writer.writeStacks(socket, 0));
            assertEquals("cannot write dump to " + socket + ": it is a socket, not a regular file", ex.getMessage());
            assertEquals("socket", fileType(socket), "the socket is still there");
        }
        assertNoTemporaryFile();
    }

    @Test
    void shouldRefuseADeviceAsDumpPath() throws Exception
    {
        // NOTE: never a real device before devices are refused: a rename over it would replace it for the machine.
        final Path device;
        if (0 == (Integer)Files.getAttribute(dir, "unix:uid"))
        {
            device = dir.resolve("null");
            assumeTrue(0 == exitCode("mknod", device.toString(), "c", "1", "3"), "mknod is not permitted here");
        }
        else
        {
            // NOTE: safe without root: nothing but root can replace an entry of /dev.
            device = Path.of("/dev/null");
        }
        final IOException ex = assertThrows(IOException.class, () -> writer.write(device));
        assertEquals("cannot write dump to " + device + ": it is a character device, not a regular file",
            ex.getMessage());
        assertEquals("character device", fileType(device), "the device is still there");
        assertNoTemporaryFile();
    }

    @Test
    void shouldReplaceASymlinkAndNeverWriteItsTarget() throws IOException
    {
        final Path target = Files.writeString(dir.resolve("target.txt"), "theirs\n");
        final Path link = Files.createSymbolicLink(dir.resolve("link.txt"), target);
        writer.write(link);
        assertEquals("theirs\n", Files.readString(target));
        assertTrue(Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS), "the link itself is replaced");
        assertTrue(Files.readString(link).contains("# page-owner: "));
    }

    @Test
    void shouldNeverDeleteAFileItDidNotCreateAtATemporaryName() throws IOException
    {
        // NOTE: the names a predictable temporary name would take: this process's id and a count from 1.
        final Path file = dir.resolve("page_owner.txt");
        final long pid = ProcessHandle.current().pid();
        final List<Path> theirs = new ArrayList<>();
        for (int n = 1; n <= 2000; n++)
        {
            theirs.add(Files.writeString(dir.resolve(".page_owner.txt.tmp-" + pid + "-" + n), "theirs\n"));
        }

        table.insert(0x7f0000001010L, 100, 1, 0, 0, Kind.UNSAFE);
        assertEquals(1, writer.write(file).records());
        for (final Path path : theirs)
        {
            assertEquals("theirs\n", Files.readString(path), path.toString());
        }
        assertTrue(Files.readString(file).contains("# page-owner: records 1"));
    }

    @Test
    void shouldRemoveTheTemporaryFilesOfDeadProcessesAtTheNextDump() throws Exception
    {
        final Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        final long deadPid = ended.pid();
        assumeTrue(ProcessHandle.of(deadPid).isEmpty(), "the process id was taken again");
        final long livePid = ProcessHandle.current().pid();
        final Path stale = Files.writeString(dir.resolve(".page_owner.txt.tmp-" + deadPid + "-8817264"), "half\n");
        final Path live = Files.writeString(dir.resolve(".page_owner.txt.tmp-" + livePid + "-5531"), "writing\n");
        final Path otherDump = Files.writeString(dir.resolve(".other.txt.tmp-" + deadPid + "-1"), "x\n");
        final Path otherName = Files.writeString(dir.resolve(".page_owner.txt.tmp-" + deadPid + "-x"), "x\n");

        writer.write(dir.resolve("page_owner.txt"));
        assertFalse(Files.exists(stale), "a dead process's temporary file is removed");
        assertTrue(Files.exists(live), "a live process's temporary file is kept");
        assertTrue(Files.exists(otherDump), "another dump's temporary file is kept");
        assertTrue(Files.exists(otherName), "a name the agent never makes is kept");
    }

    private void assertNoTemporaryFile() throws IOException
    {
        try (Stream<Path> listing = Files.list(dir))
        {
            assertEquals(List.of(), listing.filter(p -> p.getFileName().toString().contains(".tmp-")).toList());
        }
    }

    private static String fileType(final Path path) throws IOException
    {
        final int mode = (Integer)Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        switch (mode & 0170000)
        {
            case 0010000:
                return "FIFO";
            case 0020000:
                return "character device";
            case 0140000:
                return "socket";
            case 0100000:
                return "regular file";
            default:
                return Integer.toOctalString(mode);
        }
    }

    private static void run(final String... command) throws Exception
    {
        assertEquals(0, exitCode(command), String.join(" ", command));
    }

    private static int exitCode(final String... command) throws Exception
    {
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
