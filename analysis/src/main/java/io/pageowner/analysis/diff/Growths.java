package io.pageowner.analysis.diff;

import io.pageowner.analysis.group.Group;
import io.pageowner.analysis.group.SortKey;
import io.pageowner.analysis.output.OutputOptions;
import io.pageowner.analysis.output.TextWriter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches the groups of two dumps by their text and orders the result. Each dump's groups were made by its own run,
 * whose ids mean nothing in the other, so the key is text: the stack as written, and each other culled field as
 * printed (never the pid unless culled on, so two processes of the same program compare).
 */
public final class Growths
{
    /**
     * The sort keys a diff can order by: the growth of times, pages and bytes, and the texts.
     */
    public static final List<SortKey> SORTABLE = List.of(SortKey.TIMES, SortKey.PAGES, SortKey.BYTES,
        SortKey.STACKTRACE, SortKey.PID, SortKey.TGID, SortKey.NAME, SortKey.KIND, SortKey.FRAME, SortKey.MODULE);

    private Growths()
    {
    }

    /**
     * Match two dumps' groups.
     *
     * @param older     groups of the old dump.
     * @param newer     groups of the new dump.
     * @param options   of the run: the cull keys make the text of each key.
     * @param estimated whether figures are the estimates of sampled dumps.
     * @return one growth per key of either dump, in no particular order.
     */
    public static Growth[] match(
        final Group[] older, final Group[] newer, final OutputOptions options, final boolean estimated)
    {
        final int cull = options.cull();
        final Map<String, Group> oldByKey = new HashMap<>(older.length * 2);
        for (final Group group : older)
        {
            oldByKey.put(key(group, cull), group);
        }
        final List<Growth> result = new ArrayList<>(Math.max(older.length, newer.length));
        for (final Group group : newer)
        {
            final String key = key(group, cull);
            result.add(new Growth(key, oldByKey.remove(key), group, estimated));
        }
        for (final Map.Entry<String, Group> vanished : oldByKey.entrySet())
        {
            result.add(new Growth(vanished.getKey(), vanished.getValue(), null, estimated));
        }
        return result.toArray(new Growth[0]);
    }

    /**
     * The text key of a group for a cull selection: each culled field as printed, then the stack.
     *
     * @param group of one dump.
     * @param cull  as {@link SortKey#bit()} bits.
     * @return its key.
     */
    public static String key(final Group group, final int cull)
    {
        final StringBuilder key = new StringBuilder();
        if ((cull & SortKey.PID.bit()) != 0)
        {
            key.append("pid ").append(group.header.pid).append('\n');
        }
        if ((cull & SortKey.TGID.bit()) != 0)
        {
            key.append("tgid ").append(group.header.tgid).append('\n');
        }
        if ((cull & SortKey.NAME.bit()) != 0)
        {
            key.append("name ").append(group.header.comm).append('\n');
        }
        if ((cull & SortKey.MODULE.bit()) != 0)
        {
            key.append("module ").append(group.module).append('\n');
        }
        if ((cull & SortKey.KIND.bit()) != 0)
        {
            key.append("kind ").append(group.header.kind).append('\n');
        }
        if ((cull & SortKey.FRAME.bit()) != 0)
        {
            key.append("frame ").append(group.stack.topFrame()).append('\n');
        }
        if ((cull & SortKey.ALLOCATOR.bit()) != 0)
        {
            key.append(TextWriter.allocatorText(group.representativeAllocator)).append('\n');
        }
        if ((cull & SortKey.STACKTRACE.bit()) != 0)
        {
            key.append(new String(group.stack.bytes, StandardCharsets.ISO_8859_1));
        }
        return key.toString();
    }

    /**
     * Sort growths by the run's keys; ties by key text, so the order never depends on the input's.
     *
     * @param growths to sort.
     * @param keys    sort keys, each in {@link #SORTABLE}.
     * @param signs   1 ascending, -1 descending, per key.
     */
    public static void sort(final Growth[] growths, final SortKey[] keys, final int[] signs)
    {
        Comparator<Growth> order = null;
        for (int i = 0; i < keys.length; i++)
        {
            final Comparator<Growth> one = comparator(keys[i]);
            final Comparator<Growth> signed = signs[i] < 0 ? one.reversed() : one;
            order = null == order ? signed : order.thenComparing(signed);
        }
        final Comparator<Growth> byKey = Comparator.comparing(Growth::key);
        Arrays.sort(growths, null == order ? byKey : order.thenComparing(byKey));
    }

    private static Comparator<Growth> comparator(final SortKey key)
    {
        switch (key)
        {
            case TIMES:
                return Comparator.comparingLong(Growth::times);
            case PAGES:
                return Comparator.comparingLong(Growth::pages);
            case BYTES:
                return Comparator.comparingLong(Growth::bytes);
            case PID:
                return Comparator.comparingInt(g -> g.representative().header.pid);
            case TGID:
                return Comparator.comparingInt(g -> g.representative().header.tgid);
            case NAME:
                return Comparator.comparing(g -> g.representative().header.comm);
            case KIND:
                return Comparator.comparing(g -> g.representative().header.kind);
            case FRAME:
                return Comparator.comparing(g -> g.representative().stack.topFrame());
            case MODULE:
                return Comparator.comparing(g -> String.valueOf(g.representative().module));
            case STACKTRACE:
                return (a, b) -> Arrays.compareUnsigned(a.representative().stack.bytes, b.representative().stack.bytes);
            default:
                throw new IllegalArgumentException("a diff cannot sort by " + key.longName());
        }
    }
}
