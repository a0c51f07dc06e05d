package io.pageowner.analysis.output;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The data of the HTML page's flame graph, compact: a table of frame names, a tree of call paths (each node is
 * its parent and its frame name's index) and one entry per call path and kind (its leaf node, kind, bytes and
 * records summed over the groups that share them; for a diff also its growth, in an array of its own). The
 * page sums the stacks of the kinds a user selects up the tree. Generic over where the stacks come from, so that
 * every command's groups ({@code sort}, {@code diff}, {@code top}) feed it the same way.
 * <p>
 * Written as JSON for a {@code <script type="application/json">} element: every character that could end the
 * element or start markup ({@code <}, {@code >}, {@code &}) is written as a {@code \\u} escape, so frame text
 * from a dump cannot break out of it.
 */
public final class FlameData
{
    private final Map<String, Integer> names = new HashMap<>();
    private final List<String> nameList = new ArrayList<>();
    private final Map<String, Integer> kinds = new HashMap<>();
    private final List<String> kindList = new ArrayList<>();
    private final Map<Long, Integer> children = new HashMap<>();
    private final IntList parent = new IntList();
    private final IntList name = new IntList();
    private final List<long[]> stacks = new ArrayList<>();
    private final Map<Long, Integer> leaves = new HashMap<>();
    private boolean hasGrowth;

    /**
     * Empty data: only the root node.
     */
    public FlameData()
    {
        parent.add(-1);
        name.add(intern("all"));
    }

    /**
     * Adds one stack.
     *
     * @param kind    of the allocations, e.g. {@code direct}.
     * @param frames  innermost first, as {@code StackText.frames()} gives them.
     * @param bytes   live bytes of the stack.
     * @param records live records (or estimated allocations) of the stack.
     */
    public void add(final String kind, final String[] frames, final long bytes, final long records)
    {
        add(kind, frames, bytes, records, 0);
    }

    /**
     * Adds one stack of a diff: its live figures in the newer dump, and how its bytes changed. Once a stack has a
     * growth, the page colours frames by growth (red grows, blue shrinks) instead of by name.
     *
     * @param kind    of the allocations, e.g. {@code direct}.
     * @param frames  innermost first, as {@code StackText.frames()} gives them.
     * @param bytes   live bytes of the stack in the newer dump (0 if it vanished).
     * @param records live records (or estimated allocations) of the stack in the newer dump.
     * @param growth  bytes now less bytes before, negative if it shrank.
     */
    public void add(final String kind, final String[] frames, final long bytes, final long records, final long growth)
    {
        if (0 != growth)
        {
            hasGrowth = true;
        }
        int node = 0;
        for (int i = frames.length - 1; i >= 0; i--)
        {
            final int id = intern(frames[i]);
            final long key = ((long)node << 32) | id;
            Integer child = children.get(key);
            if (null == child)
            {
                child = parent.size();
                parent.add(node);
                name.add(id);
                children.put(key, child);
            }
            node = child;
        }
        Integer kindId = kinds.get(kind);
        if (null == kindId)
        {
            kindId = kindList.size();
            kindList.add(kind);
            kinds.put(kind, kindId);
        }
        // NOTE: the page only sums stacks up the tree, so groups with the same frames and kind (which differ in
        // what the flame graph does not show: thread, pid, time) are one entry: a 1 GiB dump's 434 000 default
        // groups of 3 000 stacks make 3 000 entries, not 434 000.
        final long leafKey = ((long)node << 16) | kindId;
        final Integer at = leaves.get(leafKey);
        if (null == at)
        {
            leaves.put(leafKey, stacks.size());
            stacks.add(new long[]{ node, kindId, bytes, records, growth });
        }
        else
        {
            final long[] entry = stacks.get(at);
            entry[2] += bytes;
            entry[3] += records;
            entry[4] += growth;
        }
    }

    /**
     * Entries of the stack list: one per distinct call path and kind.
     *
     * @return the count.
     */
    public int stacks()
    {
        return stacks.size();
    }

    /**
     * Number of nodes of the tree, the root included.
     *
     * @return the count.
     */
    public int nodes()
    {
        return parent.size();
    }

    /**
     * Writes the data as one JSON object.
     *
     * @param w to write to.
     * @throws IOException if writing fails.
     */
    public void writeJson(final Writer w) throws IOException
    {
        w.write("{\"names\":[");
        strings(w, nameList);
        w.write("],\n\"kinds\":[");
        strings(w, kindList);
        w.write("],\n\"parent\":[");
        parent.write(w);
        w.write("],\n\"name\":[");
        name.write(w);
        w.write("],\n\"stacks\":[");
        for (int i = 0; i < stacks.size(); i++)
        {
            final long[] s = stacks.get(i);
            w.write((i == 0 ? "" : ",") + s[0] + "," + s[1] + "," + s[2] + "," + s[3]);
        }
        if (hasGrowth)
        {
            w.write("],\n\"growth\":[");
            for (int i = 0; i < stacks.size(); i++)
            {
                w.write((i == 0 ? "" : ",") + stacks.get(i)[4]);
            }
        }
        w.write("]}");
    }

    private int intern(final String text)
    {
        Integer id = names.get(text);
        if (null == id)
        {
            id = nameList.size();
            nameList.add(text);
            names.put(text, id);
        }
        return id;
    }

    private static void strings(final Writer w, final List<String> list) throws IOException
    {
        for (int i = 0; i < list.size(); i++)
        {
            if (i > 0)
            {
                w.write(',');
            }
            w.write(jsonString(list.get(i)));
        }
    }

    /**
     * A JSON string literal safe inside an HTML {@code <script>} element.
     *
     * @param text to quote.
     * @return the literal with its quotes.
     */
    public static String jsonString(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length() + 8).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                out.append('\\').append(c);
            }
            else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\'' || c == 0x2028 || c == 0x2029)
            {
                out.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static final class IntList
    {
        private int[] values = new int[64];
        private int size;

        void add(final int value)
        {
            if (size == values.length)
            {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int size()
        {
            return size;
        }

        void write(final Writer w) throws IOException
        {
            for (int i = 0; i < size; i++)
            {
                if (i > 0)
                {
                    w.write(',');
                }
                w.write(Integer.toString(values[i]));
            }
        }
    }
}
