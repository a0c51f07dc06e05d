package io.pageowner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class StatusReportTest
{
    private static Map<String, Object> attributes()
    {
        final Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("Enabled", true);
        attributes.put("LiveAllocations", 5L);
        attributes.put("LiveBytes", 41083L);
        attributes.put("LivePages", 14L);
        attributes.put("LiveAllocationsByKind", new TreeMap<>(Map.of(
            "UNSAFE", 4L, "DIRECT", 1L, "MAPPED", 0L, "ARENA", 0L, "REALLOC", 0L, "NIO_TEMP", 0L)));
        attributes.put("LiveBytesByKind", new TreeMap<>(Map.of(
            "UNSAFE", 40987L, "DIRECT", 96L, "MAPPED", 0L, "ARENA", 0L, "REALLOC", 0L, "NIO_TEMP", 0L)));
        attributes.put("Untracked", 3L);
        // NOTE: sorted, as TargetJvm hands over an MXBean's TabularData.
        attributes.put("UntrackedByReason", new TreeMap<>(Map.of(
            "agent_own", 12L, "before_start", 3L, "table_full", 0L, "table_full_bytes", 0L, "while_off", 0L,
            "while_off_bytes", 0L)));
        attributes.put("SuppressedErrors", 0L);
        attributes.put("DistinctStacks", 7);
        attributes.put("StackCapture", "backtrace");
        attributes.put("AdviceMatches", new TreeMap<>(Map.of(
            "Unsafe.allocateMemory", 1, "Unsafe.freeMemory", 1, "Unsafe.reallocateMemory", 1)));
        attributes.put("DumpsWritten", 2L);
        attributes.put("SignalHandled", true);
        attributes.put("Options", "on,depth=16,dump=page_owner-%p.txt,max_records=1048576,log=warn,signal=USR1");
        attributes.put("BeforeStart", new TreeMap<>(Map.of(
            "direct.count", 1L, "direct.totalCapacity", 64L, "direct.memoryUsed", 64L,
            "mapped.count", 0L, "mapped.totalCapacity", 0L, "mapped.memoryUsed", 0L)));
        attributes.put("ProcessMemory", new TreeMap<>(Map.of(
            "VmRSS", 50_000_000L, "Rss", 50_100_000L, "Anonymous", 30_000_000L)));
        return attributes;
    }

    @Test
    void shouldPrintOneLabelledLinePerFact()
    {
        final Map<String, long[]> pools = new LinkedHashMap<>();
        pools.put("direct", new long[]{ 1, 1048576 });
        pools.put("mapped", new long[]{ 0, 0 });
        assertEquals(List.of(
            "page-owner in 4242 (com.example.Main, Java 25.0.3)",
            "enabled:           true",
            "live:              5 allocations, 41083 bytes, 14 pages",
            "live by kind:      UNSAFE 4 (40987 bytes), DIRECT 1 (96 bytes)",
            "untracked:         3 (table_full 0, table_full_bytes 0, before_start 3, while_off 0, while_off_bytes 0)",
            "agent's own:       12 allocations, never recorded",
            "suppressed errors: 0",
            "distinct stacks:   7",
            "stack capture:     backtrace",
            "advice matches:    Unsafe.allocateMemory=1, Unsafe.freeMemory=1, Unsafe.reallocateMemory=1",
            "dumps written:     2",
            "dump signal:       SIGUSR1 (kill -USR1 4242 writes a dump)",
            "options:           on,depth=16,dump=page_owner-%p.txt,max_records=1048576,log=warn,signal=USR1",
            "JVM buffer pools:  direct 1 buffer, 1048576 bytes; mapped 0 buffers, 0 bytes (the JVM's own totals, " +
                "including buffers from before tracking started)",
            "before start:      direct 1 buffer, 64 bytes; mapped 0 buffers, 0 bytes (the JVM's buffer pools when " +
                "page-owner started: never attributed)",
            "process memory:    VmRSS 50000000 bytes, Rss 50100000 bytes, Anonymous 30000000 bytes (everything: " +
                "heap, the JVM, thread stacks and native mallocs too)"),
            StatusReport.lines(4242, "com.example.Main, Java 25.0.3", attributes(), pools));
    }

    @Test
    void shouldExplainPausedErrorsAndUnmatchedAdvice()
    {
        final Map<String, Object> attributes = attributes();
        attributes.put("Enabled", false);
        attributes.put("SuppressedErrors", 2L);
        attributes.put("AdviceMatches", new TreeMap<>(Map.of("Unsafe.allocateMemory", 1, "Unsafe.freeMemory", 0)));
        attributes.put("SignalHandled", false);
        final String text = String.join("\n", StatusReport.lines(9, "x", attributes, Map.of()));
        assertTrue(text.contains("enabled:           false (paused: allocations are only counted, as while_off; " +
            "frees still are seen; `on 9` resumes)"), text);
        assertTrue(text.contains("dump signal:       none (signal=USR1 was turned off, refused, or the application " +
            "handles it)"), text);
        assertTrue(text.contains("suppressed errors: 2 (the agent caught errors"), text);
        assertTrue(text.contains("Unsafe.freeMemory=0 (an advice at 0 matched nothing on this JDK"), text);
        assertTrue(!text.contains("JVM buffer pools"), text);
    }

    @Test
    void shouldNameTheModeAndSayWhatASampleCovers()
    {
        final Map<String, Object> attributes = attributes();
        attributes.put("SampleBytes", 524288L);
        attributes.put("SampledRecords", 37L);
        String text = String.join("\n", StatusReport.lines(9, "x", attributes, Map.of()));
        assertTrue(text.contains("mode:              sampled, mean interval 524288 bytes: 37 live allocations have a " +
            "stack; the live figures are exact for all"), text);
        attributes.put("SampleBytes", 0L);
        text = String.join("\n", StatusReport.lines(9, "x", attributes, Map.of()));
        assertTrue(text.contains("mode:              full: every allocation has its stack"), text);
    }

    @Test
    void shouldSayHowToUndoADetach()
    {
        final Map<String, Object> attributes = attributes();
        attributes.put("Enabled", false);
        attributes.put("Detached", true);
        final String text = String.join("\n", StatusReport.lines(9, "x", attributes, Map.of()));
        assertTrue(text.contains("enabled:           false (detached: the advice is removed and frees are not seen; " +
            "`on 9` installs it again)"), text);
    }

    @Test
    void shouldLeaveOutWhatAnOlderAgentLacks()
    {
        final Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("Enabled", true);
        attributes.put("Untracked", 1L);
        attributes.put("UntrackedByReason", new TreeMap<>(Map.of("before_start", 1L, "new_reason", 4L)));
        assertEquals(List.of(
            "page-owner in 1 (x)",
            "enabled:           true",
            "untracked:         1 (before_start 1, new_reason 4)"),
            StatusReport.lines(1, "x", attributes, Map.of()));
    }
}
