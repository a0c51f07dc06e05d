package io.pageowner.analysis.output;

import io.pageowner.analysis.group.Group;
import io.pageowner.analysis.group.SortKey;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A gzipped pprof profile ({@code perftools.profiles.Profile} of google/pprof's {@code proto/profile.proto}), as
 * {@code go tool pprof} reads it: two sample types, {@code inuse_objects}/{@code count} and
 * {@code inuse_space}/{@code bytes} (the default), and one sample per group with its stack, leaf first.
 * <p>
 * A frame becomes one location (one per distinct frame text) with one line: a Java frame
 * {@code pkg.Class.method(File.java:12)} gives the function {@code pkg.Class.method} of file {@code File.java} and
 * line 12 ({@code (Native Method)} and {@code (Unknown Source)} give no file, and line 0); a kernel frame
 * {@code symbol+0x1e/0x40 [module]} gives the function {@code symbol} of file {@code [module]} (the offset is left
 * out, so a function's call sites add up in pprof as a Java method's lines do); any other frame text is the
 * function's name as it is. Every location is in one mapping, named
 * after the dump, that says its functions, files and lines are known, so pprof does not try to symbolize.
 * <p>
 * Labels say what a sample's group holds one value of: {@code kind} (the mask's names, e.g. {@code DIRECT|NIO_TEMP},
 * or a kernel record's gfp flags), {@code thread} (the comm), {@code pid} and {@code tgid}, each when the grouping
 * keeps it (no {@code --cull}, where a group is one header text, or a {@code --cull} that names it); a group that
 * merges several values gets no label for that field rather than the value of one of its records. All four are
 * string labels: pprof drops a numeric label of 0, and pid 0 is the kernel's swapper. An empty value (a record
 * without kind or comm) gives no label, as pprof reads an empty string as none. pprof adds up samples with the same
 * stack and labels, e.g. two groups of one thread whose headers differ only in their order.
 * <p>
 * Samples are written as they come; locations, functions and the string table follow them (protocol buffers
 * allow fields in any order), so memory grows with distinct frames and strings, not with samples.
 */
public final class PprofProfile
{
    /** The sample type of counts, index 0 by pprof's convention. */
    public static final String COUNT_TYPE = "inuse_objects";
    /** The sample type of bytes, the default. */
    public static final String BYTES_TYPE = "inuse_space";

    private static final int PROFILE_SAMPLE_TYPE = 1;
    private static final int PROFILE_SAMPLE = 2;
    private static final int PROFILE_MAPPING = 3;
    private static final int PROFILE_LOCATION = 4;
    private static final int PROFILE_FUNCTION = 5;
    private static final int PROFILE_STRING_TABLE = 6;
    private static final int PROFILE_TIME_NANOS = 9;
    private static final int PROFILE_PERIOD_TYPE = 11;
    private static final int PROFILE_PERIOD = 12;
    private static final int PROFILE_COMMENT = 13;
    private static final int PROFILE_DEFAULT_SAMPLE_TYPE = 14;
    private static final int VALUE_TYPE_TYPE = 1;
    private static final int VALUE_TYPE_UNIT = 2;
    private static final int SAMPLE_LOCATION_ID = 1;
    private static final int SAMPLE_VALUE = 2;
    private static final int SAMPLE_LABEL = 3;
    private static final int LABEL_KEY = 1;
    private static final int LABEL_STR = 2;
    private static final int MAPPING_ID = 1;
    private static final int MAPPING_FILENAME = 5;
    private static final int MAPPING_HAS_FUNCTIONS = 7;
    private static final int MAPPING_HAS_FILENAMES = 8;
    private static final int MAPPING_HAS_LINE_NUMBERS = 9;
    private static final int LOCATION_ID = 1;
    private static final int LOCATION_MAPPING_ID = 2;
    private static final int LOCATION_LINE = 4;
    private static final int LINE_FUNCTION_ID = 1;
    private static final int LINE_LINE = 2;
    private static final int FUNCTION_ID = 1;
    private static final int FUNCTION_NAME = 2;
    private static final int FUNCTION_SYSTEM_NAME = 3;
    private static final int FUNCTION_FILENAME = 4;

    /** The one mapping every location is in. */
    private static final long MAPPING = 1;
    /** Stands for the stack of a record that has none, so its bytes still show. */
    static final String NO_STACK = "[no stack]";

    private final OutputStream out;
    private final OutputOptions options;
    private final Map<String, Integer> stringIds = new HashMap<>();
    private final List<String> strings = new ArrayList<>();
    /** Frame text to {location id, function id, line}, in id order. */
    private final Map<String, long[]> locations = new LinkedHashMap<>();
    /** Function key to {id, name, system name, file} (string ids), in id order. */
    private final Map<String, long[]> functions = new LinkedHashMap<>();
    private final ProtoBuffer message = new ProtoBuffer();
    private final ProtoBuffer nested = new ProtoBuffer();
    private final ProtoBuffer inner = new ProtoBuffer();
    private long[] locationIds = new long[64];
    private final long[] values = new long[2];

    /**
     * Start a profile: its sample types go out at once.
     *
     * @param target  to write the gzipped profile to; not closed.
     * @param options of the run: which fields the grouping keeps, for the labels.
     * @throws IOException if writing fails.
     */
    public PprofProfile(final OutputStream target, final OutputOptions options) throws IOException
    {
        // NOTE: closing the gzip stream ends its native deflater; the stream under it belongs to the caller.
        this.out = new GZIPOutputStream(new FilterOutputStream(target)
        {
            public void write(final byte[] b, final int off, final int len) throws IOException
            {
                target.write(b, off, len);
            }

            public void close() throws IOException
            {
                target.flush();
            }
        }, 1 << 16);
        this.options = options;
        string("");
        valueType(PROFILE_SAMPLE_TYPE, COUNT_TYPE, "count");
        valueType(PROFILE_SAMPLE_TYPE, BYTES_TYPE, "bytes");
    }

    /**
     * Add the sample of one group.
     *
     * @param group whose stack and kept fields make the sample.
     * @param count its allocations (a sampled dump's estimate, rounded; in a diff, new less old).
     * @param bytes its bytes (likewise).
     * @throws IOException if writing fails.
     */
    public void sample(final Group group, final long count, final long bytes) throws IOException
    {
        final String[] frames = group.stack.frames();
        final int depth = Math.max(1, frames.length);
        if (locationIds.length < depth)
        {
            locationIds = new long[Math.max(depth, locationIds.length * 2)];
        }
        if (frames.length == 0)
        {
            locationIds[0] = location(NO_STACK);
        }
        for (int i = 0; i < frames.length; i++)
        {
            locationIds[i] = location(frames[i]);
        }
        values[0] = count;
        values[1] = bytes;

        message.clear();
        message.packed(SAMPLE_LOCATION_ID, locationIds, depth);
        message.packed(SAMPLE_VALUE, values, values.length);
        final boolean whole = options.cull() == 0;
        if (whole || options.culls(SortKey.KIND))
        {
            label("kind", group.header.kind);
        }
        if (whole || options.culls(SortKey.NAME))
        {
            label("thread", group.header.comm);
        }
        if (whole || options.culls(SortKey.PID))
        {
            label("pid", Integer.toString(group.header.pid));
        }
        if (whole || options.culls(SortKey.TGID))
        {
            label("tgid", Integer.toString(group.header.tgid));
        }
        writeField(PROFILE_SAMPLE, message);
    }

    /**
     * Write the rest of the profile and end the gzip stream.
     *
     * @param mappingName names the one mapping, e.g. the dump's file; pprof shows it as {@code File:}.
     * @param comments    free text pprof shows with {@code -comments}, e.g. where the figures come from.
     * @param timeNanos   when the dump was taken, ns since the epoch, or 0 if unknown.
     * @param period      for a sampled dump its mean interval in bytes, else 0.
     * @throws IOException if writing fails.
     */
    public void finish(final String mappingName, final List<String> comments, final long timeNanos,
        final long period) throws IOException
    {
        message.clear();
        message.int64(PROFILE_TIME_NANOS, timeNanos);
        if (period > 0)
        {
            nested.clear();
            nested.int64(VALUE_TYPE_TYPE, string("space"));
            nested.int64(VALUE_TYPE_UNIT, string("bytes"));
            message.message(PROFILE_PERIOD_TYPE, nested);
            message.int64(PROFILE_PERIOD, period);
        }
        final long[] commentIds = new long[comments.size()];
        for (int i = 0; i < commentIds.length; i++)
        {
            commentIds[i] = string(comments.get(i));
        }
        message.packed(PROFILE_COMMENT, commentIds, commentIds.length);
        message.int64(PROFILE_DEFAULT_SAMPLE_TYPE, string(BYTES_TYPE));
        nested.clear();
        nested.int64(MAPPING_ID, MAPPING);
        nested.int64(MAPPING_FILENAME, string(mappingName));
        nested.bool(MAPPING_HAS_FUNCTIONS, true);
        nested.bool(MAPPING_HAS_FILENAMES, true);
        nested.bool(MAPPING_HAS_LINE_NUMBERS, true);
        message.message(PROFILE_MAPPING, nested);
        message.writeTo(out);

        for (final long[] location : locations.values())
        {
            inner.clear();
            inner.int64(LINE_FUNCTION_ID, location[1]);
            inner.int64(LINE_LINE, location[2]);
            nested.clear();
            nested.int64(LOCATION_ID, location[0]);
            nested.int64(LOCATION_MAPPING_ID, MAPPING);
            nested.message(LOCATION_LINE, inner);
            writeField(PROFILE_LOCATION, nested);
        }
        for (final long[] function : functions.values())
        {
            nested.clear();
            nested.int64(FUNCTION_ID, function[0]);
            nested.int64(FUNCTION_NAME, function[1]);
            nested.int64(FUNCTION_SYSTEM_NAME, function[2]);
            nested.int64(FUNCTION_FILENAME, function[3]);
            writeField(PROFILE_FUNCTION, nested);
        }
        for (final String text : strings)
        {
            message.clear();
            message.string(PROFILE_STRING_TABLE, text);
            message.writeTo(out);
        }
        out.close();
    }

    private void writeField(final int field, final ProtoBuffer value) throws IOException
    {
        inner.clear();
        inner.message(field, value);
        inner.writeTo(out);
    }

    private void valueType(final int field, final String type, final String unit) throws IOException
    {
        nested.clear();
        nested.int64(VALUE_TYPE_TYPE, string(type));
        nested.int64(VALUE_TYPE_UNIT, string(unit));
        writeField(field, nested);
    }

    private void label(final String key, final String value)
    {
        if (value.isEmpty())
        {
            // NOTE: "" is string 0, which pprof reads as no value: the label would be dropped anyway.
            return;
        }
        nested.clear();
        nested.int64(LABEL_KEY, string(key));
        nested.int64(LABEL_STR, string(value));
        message.message(SAMPLE_LABEL, nested);
    }

    private long string(final String text)
    {
        Integer id = stringIds.get(text);
        if (null == id)
        {
            id = strings.size();
            strings.add(text);
            stringIds.put(text, id);
        }
        return id;
    }

    private long location(final String frame)
    {
        long[] location = locations.get(frame);
        if (null == location)
        {
            final Frame parsed = Frame.parse(frame);
            final String key = parsed.name + '\n' + parsed.file;
            long[] function = functions.get(key);
            if (null == function)
            {
                final long name = string(parsed.name);
                function = new long[]{ functions.size() + 1, name, name, string(parsed.file) };
                functions.put(key, function);
            }
            location = new long[]{ locations.size() + 1, function[0], parsed.line };
            locations.put(frame, location);
        }
        return location[0];
    }

    /**
     * What pprof is told of one frame.
     */
    static final class Frame
    {
        final String name;
        final String file;
        final long line;

        private Frame(final String name, final String file, final long line)
        {
            this.name = name;
            this.file = file;
            this.line = line;
        }

        /**
         * Read a frame's text.
         *
         * @param text as in the dump, without its leading white space.
         * @return the function, file and line.
         */
        static Frame parse(final String text)
        {
            final int open = text.lastIndexOf('(');
            if (open > 0 && text.endsWith(")"))
            {
                final String where = text.substring(open + 1, text.length() - 1);
                final int colon = where.lastIndexOf(':');
                long line = 0;
                String file = where;
                if (colon > 0 && colon < where.length() - 1 && colon >= where.length() - 10 &&
                    where.substring(colon + 1).chars().allMatch(c -> c >= '0' && c <= '9'))
                {
                    line = Long.parseLong(where.substring(colon + 1));
                    file = where.substring(0, colon);
                }
                // NOTE: "(Native Method)" and "(Unknown Source)" name no file.
                return new Frame(text.substring(0, open), file.indexOf('.') < 0 ? "" : file, line);
            }
            final int plus = text.indexOf("+0x");
            final int space = text.indexOf(' ');
            if (plus > 0 && (space < 0 || space > plus))
            {
                return new Frame(text.substring(0, plus), space < 0 ? "" : text.substring(space + 1), 0);
            }
            return new Frame(text, "", 0);
        }
    }
}
