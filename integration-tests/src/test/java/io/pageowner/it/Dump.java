package io.pageowner.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A page_owner dump parsed for assertions. Every record must match the patterns the kernel's
 * {@code page_owner_sort} uses for order, pid, tgid, comm and ts (tools/mm/page_owner_sort.c), and
 * our PFN line; anything else fails the test.
 */
public final class Dump
{
    // The kernel sorter's own field patterns (POSIX ERE there, the same here).
    private static final Pattern ORDER = Pattern.compile("order\\s*([0-9]*),");
    private static final Pattern PID = Pattern.compile("pid\\s*([0-9]*),");
    private static final Pattern TGID = Pattern.compile("tgid\\s*([0-9]*) ");
    private static final Pattern COMM = Pattern.compile("tgid\\s*[0-9]*\\s*\\((.*)\\),\\s*ts");
    private static final Pattern TS = Pattern.compile("ts\\s*([0-9]*)\\s*ns");
    // Our full header and PFN line.
    private static final Pattern HEADER = Pattern.compile(
        "^Page allocated via order (\\d+), mask 0x([0-9a-f]+)\\(([A-Z_|]*)\\), pid (\\d+), tgid (\\d+) " +
            "\\((.*)\\), ts (\\d+) ns$");
    private static final Pattern PFN = Pattern.compile(
        "^PFN 0x([0-9a-f]+) type (\\w+) Block (\\d+) type (\\w+) Flags 0x0\\(address=0x([0-9a-f]+)\\|" +
            "bytes=(\\d+)\\|pages=(\\d+)(\\|[^()\\s]*)?\\)$");

    private final List<Record> records;
    private final List<String> trailer;

    private Dump(final List<Record> records, final List<String> trailer)
    {
        this.records = records;
        this.trailer = trailer;
    }

    /**
     * Parses a dump file.
     *
     * @param file to parse.
     * @return the dump.
     * @throws IOException if it cannot be read.
     */
    public static Dump parse(final Path file) throws IOException
    {
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        final List<Record> records = new ArrayList<>();
        final List<String> trailer = new ArrayList<>();
        int i = 0;
        while (i < lines.size())
        {
            final String line = lines.get(i);
            if (line.startsWith("# "))
            {
                trailer.addAll(lines.subList(i, lines.size()));
                for (final String t : trailer)
                {
                    if (!t.startsWith("# "))
                    {
                        throw new AssertionError(file + ": non-trailer line after the trailer: " + t);
                    }
                }
                break;
            }
            final int start = i;
            final List<String> block = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).isEmpty())
            {
                block.add(lines.get(i));
                i++;
            }
            if (i >= lines.size())
            {
                throw new AssertionError(file + ":" + (start + 1) + ": record not terminated by an empty line");
            }
            i++;
            records.add(Record.parse(file, start + 1, block));
        }
        return new Dump(records, trailer);
    }

    /**
     * The records.
     *
     * @return every record in file order.
     */
    public List<Record> records()
    {
        return records;
    }

    /**
     * The trailer lines.
     *
     * @return lines starting with {@code # }.
     */
    public List<String> trailer()
    {
        return trailer;
    }

    /**
     * The records with a kind bit and a frame.
     *
     * @param kind  a kind name, e.g. {@code DIRECT}, or null for any.
     * @param frame text a frame must contain, e.g. {@code DirectProbe.keepDirect(}.
     * @return the records, in file order.
     */
    public List<Record> having(final String kind, final String frame)
    {
        final List<Record> result = new ArrayList<>();
        for (final Record record : records)
        {
            if ((null == kind || record.hasKind(kind)) && record.hasFrame(frame))
            {
                result.add(record);
            }
        }
        return result;
    }

    /**
     * The trailer line that starts with a text, after the {@code # }.
     *
     * @param start e.g. {@code kind DIRECT:}.
     * @return the rest of the line, trimmed.
     */
    public String trailer(final String start)
    {
        for (final String line : trailer)
        {
            if (line.startsWith("# " + start))
            {
                return line.substring(2 + start.length()).trim();
            }
        }
        throw new AssertionError("no trailer line '# " + start + "' in " + trailer);
    }

    /**
     * The record starting at an address.
     *
     * @param address of the block.
     * @return the record or null.
     */
    public Record at(final long address)
    {
        for (final Record record : records)
        {
            if (record.address == address)
            {
                return record;
            }
        }
        return null;
    }

    /** One parsed record. */
    public static final class Record
    {
        public final int order;
        public final int mask;
        public final String kinds;
        public final long pid;
        public final long tgid;
        public final String comm;
        public final long ts;
        public final long firstPage;
        public final long address;
        public final long bytes;
        public final long pages;
        /** The PFN line's flags after {@code pages=}, e.g. {@code file} and {@code offset} of a mapping. */
        public final Map<String, String> flags;
        public final List<String> frames;

        private Record(
            final int order,
            final int mask,
            final String kinds,
            final long pid,
            final long tgid,
            final String comm,
            final long ts,
            final long firstPage,
            final long address,
            final long bytes,
            final long pages,
            final Map<String, String> flags,
            final List<String> frames)
        {
            this.order = order;
            this.mask = mask;
            this.kinds = kinds;
            this.pid = pid;
            this.tgid = tgid;
            this.comm = comm;
            this.ts = ts;
            this.firstPage = firstPage;
            this.address = address;
            this.bytes = bytes;
            this.pages = pages;
            this.flags = flags;
            this.frames = frames;
        }

        static Record parse(final Path file, final int lineNumber, final List<String> block)
        {
            final String where = file + ":" + lineNumber;
            if (block.size() < 3)
            {
                throw new AssertionError(where + ": a record needs a header, a PFN line and a frame: " + block);
            }
            final String text = String.join("\n", block);
            for (final Pattern kernel : new Pattern[]{ ORDER, PID, TGID, COMM, TS })
            {
                if (!kernel.matcher(text).find())
                {
                    throw new AssertionError(where + ": the kernel sorter's pattern " + kernel + " does not match");
                }
            }
            final Matcher comm = COMM.matcher(block.get(0));
            if (!comm.find() || comm.group(1).getBytes(StandardCharsets.UTF_8).length > 15)
            {
                throw new AssertionError(where + ": comm missing or longer than 15 bytes: " + block.get(0));
            }
            final Matcher h = HEADER.matcher(block.get(0));
            if (!h.matches())
            {
                throw new AssertionError(where + ": bad header: " + block.get(0));
            }
            final Matcher p = PFN.matcher(block.get(1));
            if (!p.matches())
            {
                throw new AssertionError(where + ": bad PFN line: " + block.get(1));
            }
            if (block.get(1).contains("CMA") || block.get(1).contains("slab"))
            {
                throw new AssertionError(where + ": PFN line would make the kernel sorter see CMA or slab");
            }
            final List<String> frames = new ArrayList<>();
            for (final String line : block.subList(2, block.size()))
            {
                if (!line.startsWith(" ") || line.startsWith("  "))
                {
                    throw new AssertionError(
                        where + ": a frame line must start with exactly one space: '" + line + "'");
                }
                frames.add(line.substring(1));
            }
            return new Record(
                Integer.parseInt(h.group(1)),
                Integer.parseInt(h.group(2), 16),
                h.group(3),
                Long.parseLong(h.group(4)),
                Long.parseLong(h.group(5)),
                h.group(6),
                Long.parseLong(h.group(7)),
                Long.parseLong(p.group(1), 16),
                Long.parseUnsignedLong(p.group(5), 16),
                Long.parseLong(p.group(6)),
                Long.parseLong(p.group(7)),
                flags(where, p.group(8)),
                frames);
        }

        private static Map<String, String> flags(final String where, final String tail)
        {
            final Map<String, String> result = new LinkedHashMap<>();
            if (null != tail)
            {
                for (final String field : tail.substring(1).split("\\|"))
                {
                    final int eq = field.indexOf('=');
                    if (eq <= 0)
                    {
                        throw new AssertionError(where + ": flag without a name: " + field);
                    }
                    result.put(field.substring(0, eq), field.substring(eq + 1));
                }
            }
            return result;
        }

        /**
         * Whether the mask names a kind.
         *
         * @param kind e.g. {@code DIRECT}.
         * @return true if it is one of the names in the mask's parentheses.
         */
        public boolean hasKind(final String kind)
        {
            return List.of(kinds.split("\\|")).contains(kind);
        }

        /**
         * Whether a frame of the stack contains a text.
         *
         * @param text e.g. a method name.
         * @return true if some frame contains it.
         */
        public boolean hasFrame(final String text)
        {
            for (final String frame : frames)
            {
                if (frame.contains(text))
                {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString()
        {
            return "Record[0x" + Long.toHexString(address) + " bytes=" + bytes + " pages=" + pages + " order=" + order +
                " " + kinds + " pid=" + pid + " comm=" + comm + " " + flags + " " + frames + "]";
        }
    }
}
