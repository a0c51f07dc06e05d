package io.pageowner.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of {@code status}: one {@code label: value} line per fact, so it reads on a terminal and
 * greps in a script.
 */
final class StatusReport
{
    /** The MBean attributes {@code status} reads, in the order it prints them. */
    static final String[] ATTRIBUTES = {
        "Enabled", "Detached", "LiveAllocations", "LiveBytes", "LivePages", "LiveAllocationsByKind", "LiveBytesByKind",
        "SampleBytes", "SampledRecords", "Untracked", "UntrackedByReason", "SuppressedErrors", "DistinctStacks",
        "StackCapture", "AdviceMatches",
        "DumpsWritten", "SignalHandled", "Options", "BeforeStart", "ProcessMemory" };

    /** Kinds in the order of their mask bits; others follow, sorted. */
    private static final List<String> KINDS =
        List.of("UNSAFE", "DIRECT", "MAPPED", "ARENA", "REALLOC", "NIO_TEMP", "POOLED", "POOL_CHUNK");

    /** Untracked reasons in the order the agent's trailer gives them; others follow, sorted. */
    private static final List<String> REASONS =
        List.of("table_full", "table_full_bytes", "before_start", "while_off", "while_off_bytes");
    private static final String AGENT_OWN = "agent_own";
    private static final Pattern SIGNAL = Pattern.compile("(?:^|,)signal=([^,]*)");
    private static final int LABEL_WIDTH = 18;

    private StatusReport()
    {
    }

    /**
     * Formats the agent's state.
     *
     * @param pid        of the target.
     * @param target     the target described, e.g. {@code com.example.Main, Java 25.0.3}.
     * @param attributes the MBean's attributes by name; missing ones are left out.
     * @param pools      the JVM's buffer pools: name to {count, bytes}.
     * @return the lines.
     */
    static List<String> lines(
        final long pid, final String target, final Map<String, Object> attributes, final Map<String, long[]> pools)
    {
        final List<String> lines = new ArrayList<>();
        lines.add("page-owner in " + pid + " (" + target + ")");

        final Object enabled = attributes.get("Enabled");
        if (null != enabled)
        {
            final String why = Boolean.TRUE.equals(attributes.get("Detached")) ?
                " (detached: the advice is removed and frees are not seen; `on " + pid + "` installs it again)" :
                " (paused: allocations are only counted, as while_off; frees still are seen; `on " + pid + "` resumes)";
            add(lines, "enabled", Boolean.TRUE.equals(enabled) ? "true" : enabled + why);
        }
        if (attributes.containsKey("LiveAllocations"))
        {
            add(lines, "live", attributes.get("LiveAllocations") + " allocations, " + attributes.get("LiveBytes") +
                " bytes, " + attributes.get("LivePages") + " pages");
        }

        final Object sampleBytes = attributes.get("SampleBytes");
        if (sampleBytes instanceof Long && (Long)sampleBytes > 0)
        {
            add(lines, "mode", "sampled, mean interval " + sampleBytes + " bytes: " + attributes.get("SampledRecords") +
                " live allocations have a stack; the live figures are exact for all");
        }
        else if (sampleBytes instanceof Long)
        {
            add(lines, "mode", "full: every allocation has its stack");
        }
        if (attributes.containsKey("LiveAllocationsByKind"))
        {
            final Map<String, Object> bytes = map(attributes.get("LiveBytesByKind"));
            final List<String> parts = new ArrayList<>();
            for (final String kind : ordered(map(attributes.get("LiveAllocationsByKind")), KINDS))
            {
                final Object count = map(attributes.get("LiveAllocationsByKind")).get(kind);
                if (!Long.valueOf(0).equals(count))
                {
                    parts.add(kind + " " + count + (bytes.containsKey(kind) ? " (" + bytes.get(kind) + " bytes)" : ""));
                }
            }
            add(lines, "live by kind", parts.isEmpty() ? "none" : String.join(", ", parts) +
                (parts.stream().anyMatch(p -> p.startsWith("NIO_TEMP")) ?
                    " (NIO_TEMP also counts under its kind)" : "") +
                (parts.stream().anyMatch(p -> p.startsWith("POOLED")) ?
                    " (POOLED buffers lie inside the POOL_CHUNK blocks, which count under their kind)" : ""));
        }

        final Map<String, Object> reasons = map(attributes.get("UntrackedByReason"));
        if (attributes.containsKey("Untracked"))
        {
            final List<String> parts = new ArrayList<>();
            final Map<String, Object> rest = new LinkedHashMap<>(reasons);
            rest.remove(AGENT_OWN);
            for (final String reason : REASONS)
            {
                if (rest.containsKey(reason))
                {
                    parts.add(reason + " " + rest.remove(reason));
                }
            }
            rest.forEach((reason, count) -> parts.add(reason + " " + count));
            add(lines, "untracked",
                attributes.get("Untracked") + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")"));
        }
        if (reasons.containsKey(AGENT_OWN))
        {
            add(lines, "agent's own", reasons.get(AGENT_OWN) + " allocations, never recorded");
        }

        final Object suppressed = attributes.get("SuppressedErrors");
        if (null != suppressed)
        {
            add(lines, "suppressed errors", suppressed + (Long.valueOf(0).equals(suppressed) ? "" :
                " (the agent caught errors and carried on; its log, log=warn or more, names the first)"));
        }
        if (attributes.containsKey("DistinctStacks"))
        {
            add(lines, "distinct stacks", String.valueOf(attributes.get("DistinctStacks")));
        }
        if (attributes.containsKey("StackCapture"))
        {
            add(lines, "stack capture", String.valueOf(attributes.get("StackCapture")));
        }

        final Map<String, Object> advice = map(attributes.get("AdviceMatches"));
        if (attributes.containsKey("AdviceMatches"))
        {
            final List<String> parts = new ArrayList<>();
            boolean missed = false;
            for (final Map.Entry<String, Object> entry : advice.entrySet())
            {
                parts.add(entry.getKey() + "=" + entry.getValue());
                missed |= Integer.valueOf(0).equals(entry.getValue());
            }
            add(lines, "advice matches", String.join(", ", parts) +
                (missed ? " (an advice at 0 matched nothing on this JDK: that path is not tracked)" : ""));
        }
        if (attributes.containsKey("DumpsWritten"))
        {
            add(lines, "dumps written", String.valueOf(attributes.get("DumpsWritten")));
        }
        final String options = String.valueOf(attributes.getOrDefault("Options", ""));
        if (attributes.containsKey("SignalHandled"))
        {
            final Matcher signal = SIGNAL.matcher(options);
            final String name = signal.find() ? signal.group(1) : "";
            add(lines, "dump signal", Boolean.TRUE.equals(attributes.get("SignalHandled")) ?
                "SIG" + name + " (kill -" + name + " " + pid + " writes a dump)" :
                "none (signal=" + (name.isEmpty() ? "?" : name) + " was turned off, refused, or the application " +
                    "handles it)");
        }
        if (attributes.containsKey("Options"))
        {
            add(lines, "options", options);
        }

        if (!pools.isEmpty())
        {
            add(lines, "JVM buffer pools", pools(pools) +
                " (the JVM's own totals, including buffers from before tracking started)");
        }
        final Map<String, long[]> atStart = new LinkedHashMap<>();
        final Map<String, Object> beforeStart = map(attributes.get("BeforeStart"));
        for (final String pool : List.of("direct", "mapped"))
        {
            if (beforeStart.get(pool + ".count") instanceof Long &&
                beforeStart.get(pool + ".memoryUsed") instanceof Long)
            {
                atStart.put(pool,
                    new long[]{ (Long)beforeStart.get(pool + ".count"), (Long)beforeStart.get(pool + ".memoryUsed") });
            }
        }
        if (!atStart.isEmpty())
        {
            add(lines, "before start", pools(atStart) + " (the JVM's buffer pools when page-owner started: never " +
                "attributed)");
        }

        final Map<String, Object> memory = map(attributes.get("ProcessMemory"));
        if (!memory.isEmpty())
        {
            final List<String> parts = new ArrayList<>();
            for (final String key : ordered(memory, List.of("VmRSS", "Rss", "Anonymous")))
            {
                parts.add(key + " " + memory.get(key) + " bytes");
            }
            add(lines, "process memory", String.join(", ", parts) +
                " (everything: heap, the JVM, thread stacks and native mallocs too)");
        }
        return lines;
    }

    /** The keys of a map, those of a known order first, then the rest sorted. */
    private static List<String> ordered(final Map<String, Object> map, final List<String> known)
    {
        final List<String> keys = new ArrayList<>();
        for (final String key : known)
        {
            if (map.containsKey(key))
            {
                keys.add(key);
            }
        }
        for (final String key : new java.util.TreeSet<>(map.keySet()))
        {
            if (!known.contains(key))
            {
                keys.add(key);
            }
        }
        return keys;
    }

    /**
     * Buffer pool totals in words.
     *
     * @param pools name to {count, bytes}.
     * @return e.g. {@code direct 1 buffer, 1048576 bytes; mapped 0 buffers, 0 bytes}.
     */
    static String pools(final Map<String, long[]> pools)
    {
        final List<String> parts = new ArrayList<>();
        pools.forEach((name, values) ->
            parts.add(name + " " + values[0] + (1 == values[0] ? " buffer, " : " buffers, ") + values[1] + " bytes"));
        return String.join("; ", parts);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Object value)
    {
        return value instanceof Map ? (Map<String, Object>)value : Map.of();
    }

    private static void add(final List<String> lines, final String label, final String value)
    {
        final StringBuilder line = new StringBuilder(label).append(':');
        while (line.length() < LABEL_WIDTH)
        {
            line.append(' ');
        }
        lines.add(line.append(' ').append(value).toString());
    }
}
