package io.pageowner.dump;

import io.pageowner.depot.StackDepot;
import io.pageowner.record.Counters;
import io.pageowner.record.RecordClock;
import io.pageowner.record.Recorder;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTableReader;

import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * Writes a dump, every live record of the owner table in page_owner format ({@link PageOwnerFormat}) then its
 * {@link DumpTrailer}, or the live stacks view ({@link StackTotals}), to a file.
 * <p>
 * The table is scanned while the application runs on (no thread is stopped), and records stream to
 * the file one at a time, so a dump of a million records holds no more than one on the heap. The
 * file is written under a temporary name in the same directory, readable by its owner only, and
 * renamed when complete, so a reader never sees half a dump; on failure the temporary file is
 * removed and the table is untouched. Only a regular file is created or replaced: a directory,
 * device, FIFO or socket at the path is refused, and a symlink is replaced, never written through.
 * The temporary name has a random part and is created exclusively. It is written through
 * {@link FileOutputStream}: a file channel would take a temporary direct buffer from the calling
 * thread's NIO cache, and that thread is often the application's (a JMX call runs on the caller's
 * thread).
 * <p>
 * <b>What a dump means while the application allocates.</b> A dump holds the records that were live
 * when it started and were still live when the scan reached their slot; a record made after the dump
 * started is left out, by its timestamp. So a block freed during the dump may or may not be in it, a
 * block allocated during the dump is not, and no byte has two owners in one dump: a block freed and
 * its address reused during the dump shows at most its old owner, never both (the old record is
 * removed before the block is freed, and the new one is stamped after it is allocated again). The one
 * exception is a record put back by a {@code reallocateMemory} that threw during the dump, which may
 * show twice, with one owner. Each record is read whole (a sequence lock per slot).
 */
public final class PageOwnerWriter
{
    private final OwnerTableReader table;
    private final PageOwnerFormat format;
    private final Counters counters;
    private final StackDepot stacks;
    private final DumpTrailer trailer;
    private final long zeroNanos;
    private volatile OwnerTableReader pools;
    private volatile Recorder poolRecorder;

    /**
     * Creates a writer.
     *
     * @param table    whose live records are dumped.
     * @param format   of each record; its mode says whether records are samples.
     * @param counters what could not be tracked, for the trailer.
     * @param stacks   the stack depot, for the frames of the stacks view and the trailer.
     * @param depth    the stack depth in use, for the trailer.
     * @param zeroNanos the {@link System#nanoTime()} value the records' timestamps count from, so that a
     *                  record made after a dump started is told apart and left out.
     */
    public PageOwnerWriter(
        final OwnerTableReader table,
        final PageOwnerFormat format,
        final Counters counters,
        final StackDepot stacks,
        final int depth,
        final long zeroNanos)
    {
        this.zeroNanos = zeroNanos;
        this.table = table;
        this.format = format;
        this.counters = counters;
        this.stacks = stacks;
        this.trailer = new DumpTrailer(counters, stacks, depth, format.mode(), table.pageShift());
    }

    /**
     * Adds the pools' table: its {@code POOLED} records are written after the main table's, and their totals
     * go in a trailer line of their own, never added to the chunks' that hold them.
     *
     * @param table the pools' table.
     * @param of    the pools' recorder, whose exact totals the trailer shows.
     */
    public void pools(final OwnerTableReader table, final Recorder of)
    {
        poolRecorder = of;
        pools = table;
    }

    /**
     * Writes a dump.
     *
     * @param target the file to write.
     * @return what was written.
     * @throws IOException naming the path and the reason when it cannot be written.
     */
    public Summary write(final Path target) throws IOException
    {
        final Summary[] summary = new Summary[1];
        final KindTotals kinds = new KindTotals();
        final KindTotals pooled = new KindTotals();
        atomically(target, out ->
        {
            summary[0] = writeRecords(out, kinds);
            final OwnerTableReader poolTable = pools;
            if (null != poolTable)
            {
                // NOTE: the same instant as the main table's, so that no record in the dump is stamped after it.
                writeRecords(poolTable, out, pooled, summary[0].asOfNs());
            }
            final StringBuilder sb = new StringBuilder(1024);
            final Recorder of = poolRecorder;
            // NOTE: in full mode the records just written are the totals; in sampled mode the recorder's own.
            final KindTotals poolExact = null == of || null == of.liveSizes() ? pooled : KindTotals.exact(of);
            trailer.append(summary[0], kinds, null == poolTable ? null : poolExact, pooled.count(), sb);
            out.append(sb);
        });
        return summary[0];
    }

    /**
     * Writes the live stacks view, as the kernel's {@code page_owner_stacks/show_stacks}: for every
     * stack that owns live memory (the pools' {@code POOLED} buffers included, as in a dump), its frames (one
     * space, then the frame), then {@code nr_base_pages: N} (the sum of 2^order over its live records, as the
     * kernel counts), then an empty line. Stacks come most pages first. One pass over each table, no record held.
     *
     * @param target    the file to write.
     * @param threshold stacks with fewer pages are left out, like the kernel's {@code count_threshold}.
     * @return the stacks written and their pages.
     * @throws IOException naming the path and the reason when it cannot be written.
     */
    public StacksSummary writeStacks(final Path target, final long threshold) throws IOException
    {
        final OwnerTableReader poolTable = pools;
        final StackTotals totals = StackTotals.scan(
            null == poolTable ? List.of(table) : List.of(table, poolTable), format.mode(), threshold, now());
        final long[] pages = new long[1];
        atomically(target, out ->
        {
            for (int i = 0; i < totals.size(); i++)
            {
                for (final String frame : stacks.frames(totals.stackId(i)))
                {
                    out.append(' ').append(frame).append('\n');
                }
                out.append("nr_base_pages: ").append(Long.toString(totals.pages(i))).append("\n\n");
                pages[0] += totals.pages(i);
            }
            final StringBuilder sb = new StringBuilder(256);
            trailer.appendStacksNote(totals.samples(), sb);
            out.append(sb);
        });
        return new StacksSummary(totals.size(), pages[0]);
    }

    /**
     * The live totals of every stack now, the pools' buffers included, for {@code baseline()} and {@code diff()}.
     *
     * @return the totals, holding no record.
     */
    public StackBaseline baseline()
    {
        final long asOf = now();
        final long wallMillis = System.currentTimeMillis();
        final OwnerTableReader poolTable = pools;
        return StackBaseline.scan(null == poolTable ? List.of(table) : List.of(table, poolTable), stacks,
            format.mode(), asOf, wallMillis);
    }

    /**
     * Writes the growth of every stack since a baseline, as {@code diff}'s text form.
     *
     * @param target the file to write.
     * @param older  the baseline.
     * @return the number of stacks that changed.
     * @throws IOException naming the path and the reason when it cannot be written.
     */
    public int writeGrowth(final Path target, final StackBaseline older) throws IOException
    {
        final StackBaseline now = baseline();
        final int[] changed = new int[1];
        atomically(target, out -> changed[0] = now.writeGrowth(older, out));
        return changed[0];
    }

    private void atomically(final Path target, final Body body) throws IOException
    {
        final Path absolute = target.toAbsolutePath();
        refuseUnlessRegular(absolute);
        final Path dir = absolute.getParent();
        if (null == dir || !Files.exists(dir))
        {
            throw new IOException("cannot write dump to " + absolute + ": directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir))
        {
            throw new IOException("cannot write dump to " + absolute + ": " + dir + " is not a directory");
        }
        final String tempPrefix = "." + absolute.getFileName() + ".tmp-";
        removeStaleTemps(dir, tempPrefix);
        Path temp = null;
        try
        {
            temp = createPrivateTemp(dir, tempPrefix + ProcessHandle.current().pid() + "-");
            try (Writer out = new BufferedWriter(
                new OutputStreamWriter(new FileOutputStream(temp.toFile()), StandardCharsets.UTF_8), 1 << 16))
            {
                body.write(out);
            }
            // NOTE: checked again just before the rename, so a node made at the path during the dump is kept too.
            refuseUnlessRegular(absolute);
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            try
            {
                // NOTE: null if it could not be created: a file already at a temporary name is never the agent's.
                if (null != temp)
                {
                    Files.deleteIfExists(temp);
                }
            }
            catch (final IOException ignore)
            {
                // NOTE: the original failure is the one to report.
            }
            if (ex instanceof RefusedPathException)
            {
                throw (RefusedPathException)ex;
            }
            final IOException cause = ex instanceof UncheckedIOException ? ((UncheckedIOException)ex).getCause() :
                (IOException)ex;
            throw new IOException("cannot write dump to " + absolute + ": " + reason(cause), cause);
        }
    }

    /**
     * A dump only creates or replaces a regular file. The rename that publishes it replaces whatever node is at the
     * path, so as root a dump to {@code /dev/full} turned the device into a regular file (issue 15); a device, FIFO,
     * socket or directory is refused instead. A symlink is replaced itself: its target is never written.
     */
    private static void refuseUnlessRegular(final Path absolute) throws IOException
    {
        if (Files.isDirectory(absolute))
        {
            throw new RefusedPathException(absolute, refused(absolute) + " a directory");
        }
        final BasicFileAttributes attributes;
        try
        {
            attributes = Files.readAttributes(absolute, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final IOException ex)
        {
            // NOTE: nothing there (or no directory to hold it, which the caller reports): nothing to refuse.
            return;
        }
        if (attributes.isOther())
        {
            throw new RefusedPathException(
                absolute, refused(absolute) + " a " + nodeType(absolute) + ", not a regular file");
        }
    }

    /** "it is", or, when symlinks lead elsewhere, the path actually refused and "is". */
    private static String refused(final Path absolute)
    {
        try
        {
            final Path real = absolute.toRealPath();
            return real.equals(absolute) ? "it is" : real + " is";
        }
        catch (final IOException | SecurityException ex)
        {
            return "it is";
        }
    }

    private static String nodeType(final Path path)
    {
        try
        {
            // NOTE: S_IFMT of st_mode; BasicFileAttributes only says "other".
            switch ((Integer)Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000)
            {
                case 0010000:
                    return "FIFO";
                case 0020000:
                    return "character device";
                case 0060000:
                    return "block device";
                case 0140000:
                    return "socket";
                default:
                    return "special file";
            }
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException ex)
        {
            return "special file";
        }
    }

    /** A path a dump will not replace; its message is whole, naming the path and why. */
    private static final class RefusedPathException extends IOException
    {
        private static final long serialVersionUID = 1L;

        RefusedPathException(final Path absolute, final String why)
        {
            super("cannot write dump to " + absolute + ": " + why);
        }
    }

    /** What a dump file is filled with. */
    @FunctionalInterface
    private interface Body
    {
        void write(Writer out) throws IOException;
    }

    /**
     * Creates an empty file readable by its owner only, under a name no other process can guess (the JDK adds a
     * random number to the prefix) and only if nothing is there yet: a file made in advance at a predictable name
     * made the dump fail, and its clean-up deleted that file (issue 15).
     */
    private static Path createPrivateTemp(final Path dir, final String prefix) throws IOException
    {
        try
        {
            return Files.createTempFile(
                dir, prefix, "", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        catch (final UnsupportedOperationException ex)
        {
            return Files.createTempFile(dir, prefix, "");
        }
    }

    /**
     * Removes the temporary files of this dump's name left by processes that died while writing one ({@code kill
     * -9}): a regular file named {@code .NAME.tmp-<pid>-<digits>} whose process is gone. Best effort: a file that
     * cannot be listed or removed stays, and the dump goes on.
     */
    private static void removeStaleTemps(final Path dir, final String tempPrefix)
    {
        final long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> entries =
            Files.newDirectoryStream(dir, (final Path entry) -> entry.getFileName().toString().startsWith(tempPrefix)))
        {
            for (final Path entry : entries)
            {
                final long pid = writerPid(entry.getFileName().toString(), tempPrefix.length());
                if (pid > 0 && pid != self && ProcessHandle.of(pid).isEmpty() &&
                    Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS))
                {
                    Files.deleteIfExists(entry);
                }
            }
        }
        catch (final IOException | DirectoryIteratorException | SecurityException ex)
        {
            // NOTE: a stale file left behind costs disk space only; it must not cost the dump.
        }
    }

    /** The pid in {@code <pid>-<digits>} from an index of a temporary file's name, or -1 if it is not so named. */
    private static long writerPid(final String name, final int from)
    {
        final int dash = name.indexOf('-', from);
        if (dash <= from || dash > from + 18 || dash == name.length() - 1)
        {
            return -1;
        }
        for (int i = from; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (i != dash && (c < '0' || c > '9'))
            {
                return -1;
            }
        }
        return Long.parseLong(name.substring(from, dash));
    }

    /**
     * The records' clock now: a record stamped later was made after this instant (the clock full mode publishes
     * while a thread allocates fast is moved past it).
     */
    private long now()
    {
        return RecordClock.fence() - zeroNanos;
    }

    private Summary writeRecords(final Writer out, final KindTotals kinds)
    {
        final long asOf = now();
        final long wallMillis = System.currentTimeMillis();
        writeRecords(table, out, kinds, asOf);
        return new Summary(kinds.count(), kinds.totalBytes(), kinds.pages(), counters.untrackedByReason(), asOf,
            wallMillis);
    }

    private void writeRecords(final OwnerTableReader from, final Writer out, final KindTotals kinds, final long asOf)
    {
        final StringBuilder sb = new StringBuilder(2048);
        from.forEach((final OwnerRecord record) ->
        {
            if (record.timestampNs() > asOf)
            {
                // NOTE: made during the dump, perhaps at the address of a record already written.
                return;
            }
            sb.setLength(0);
            format.append(record, sb);
            try
            {
                out.append(sb);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            kinds.add(record.kind(), record.size(), record.pageCount());
        });
    }

    private static String reason(final IOException ex)
    {
        if (ex instanceof AccessDeniedException)
        {
            return "permission denied";
        }
        if (ex instanceof NoSuchFileException)
        {
            return "no such file or directory";
        }
        if (ex instanceof FileAlreadyExistsException)
        {
            return "a file is in the way";
        }
        if (ex instanceof FileSystemException && null != ((FileSystemException)ex).getReason())
        {
            return ((FileSystemException)ex).getReason();
        }
        return null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage();
    }

    /**
     * What a live-stacks file held.
     *
     * @param stacks written.
     * @param pages  their total nr_base_pages.
     */
    public record StacksSummary(long stacks, long pages)
    {
    }

    /**
     * What a dump held.
     *
     * @param records   live records written.
     * @param bytes     their total size.
     * @param pages     their total page span.
     * @param untracked what could not be tracked, by reason.
     * @param asOfNs    when the dump was taken, on the records' {@code ts} clock (ns since the JVM started): every
     *                  record in it was made at or before this instant.
     * @param wallMillis the wall clock at the same moment, ms since the epoch.
     */
    public record Summary(
        long records, long bytes, long pages, Map<String, Long> untracked, long asOfNs, long wallMillis)
    {
        /**
         * One line for logs and the JMX result.
         *
         * @return e.g. {@code records 12, bytes 81920, pages 24, untracked table_full=0 before_start=3}.
         */
        public String describe()
        {
            final StringBuilder sb = new StringBuilder(128);
            sb.append("records ").append(records).append(", bytes ").append(bytes).append(", pages ").append(pages)
                .append(", untracked");
            for (final Map.Entry<String, Long> entry : untracked.entrySet())
            {
                sb.append(' ').append(entry.getKey()).append('=').append(entry.getValue());
            }
            return sb.toString();
        }
    }
}
