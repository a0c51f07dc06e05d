package io.pageowner.jfr;

import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.record.Kind;
import io.pageowner.record.Recorder;
import io.pageowner.table.OwnerTable;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * page-owner's JFR side in process, with real recordings of this JVM's flight recorder, read back with the JDK's
 * {@link RecordingFile}: the allocation event is published exactly while a recording enables it, carries the block
 * and its caller's stack, and the summary reports the table's live totals.
 */
class JfrEventsTest
{
    private static final long ADDRESS = 5L << 32;

    private final OwnerTable table = new OwnerTable(1024, 12);
    private final Recorder recorder =
        new Recorder(table, new StackDepot(1024), new ThreadDepot(64), 16, 0, System.nanoTime(), null, null);

    private JfrEvents events;

    @AfterEach
    void closeTable()
    {
        if (null != events)
        {
            events.disconnect();
        }
        table.close();
    }

    @Test
    void shouldPublishAllocationsOnlyWhileARecordingEnablesThem(@TempDir final Path dir) throws Exception
    {
        events = (JfrEvents)JfrEvents.connect(recorder);
        assertFalse(events.publishing(), "no recording asks for allocations yet");

        final Path file = dir.resolve("allocations.jfr");
        try (Recording recording = new Recording())
        {
            recording.enable(OffHeapAllocationEvent.NAME).withStackTrace();
            recording.start();
            events.run();
            assertTrue(events.publishing(), "a running recording enables the allocation event");
            allocateFromAKnownMethod();
            recording.stop();
            events.run();
            assertFalse(events.publishing(), "the recording stopped");
            recording.dump(file);
        }

        final List<RecordedEvent> recorded = RecordingFile.readAllEvents(file).stream()
            .filter(event -> OffHeapAllocationEvent.NAME.equals(event.getEventType().getName()))
            .collect(Collectors.toList());
        assertEquals(1, recorded.size(), recorded.toString());
        final RecordedEvent event = recorded.get(0);
        assertEquals("DIRECT|NIO_TEMP", event.getString("kind"));
        assertEquals(4096, event.getLong("size"));
        assertEquals(ADDRESS, event.getLong("address"));
        assertFalse(event.getBoolean("pooled"));
        final List<String> methods = event.getStackTrace().getFrames().stream()
            .map(RecordedFrame::getMethod).map(method -> method.getType().getName() + "." + method.getName())
            .collect(Collectors.toList());
        assertTrue(methods.contains(JfrEventsTest.class.getName() + ".allocateFromAKnownMethod"), methods.toString());
        assertEquals(0, events.failures());
    }

    @Test
    void shouldLeaveAllocationsOffInARecordingThatOnlyAsksForTheSummary(@TempDir final Path dir) throws Exception
    {
        events = (JfrEvents)JfrEvents.connect(recorder);
        table.insert(ADDRESS, 8192, 1, 0, 0, Kind.MAPPED);
        final Path file = dir.resolve("summary.jfr");
        try (Recording recording = new Recording())
        {
            // NOTE: emitted when the recording's chunk ends, so once for sure, whatever the timing.
            recording.enable(OffHeapSummaryEvent.NAME).with("period", "endChunk");
            recording.enable(OffHeapUsageEvent.NAME).with("period", "endChunk");
            recording.start();
            events.run();
            assertFalse(events.publishing(), "the recording does not enable the allocation event");
            recording.stop();
            recording.dump(file);
        }

        final List<RecordedEvent> all = RecordingFile.readAllEvents(file);
        final List<RecordedEvent> summaries = all.stream()
            .filter(event -> OffHeapSummaryEvent.NAME.equals(event.getEventType().getName()))
            .collect(Collectors.toList());
        assertFalse(summaries.isEmpty(), "no summary in " + all.size() + " events");
        for (final RecordedEvent summary : summaries)
        {
            assertEquals(1, summary.getLong("allocations"));
            assertEquals(8192, summary.getLong("bytes"));
            assertEquals(0, summary.getLong("sampleBytes"));
        }
        final List<RecordedEvent> mapped = all.stream()
            .filter(event -> OffHeapUsageEvent.NAME.equals(event.getEventType().getName()))
            .filter(event -> "MAPPED".equals(event.getString("kind")))
            .collect(Collectors.toList());
        assertFalse(mapped.isEmpty(), "no MAPPED usage event");
        assertEquals(8192, mapped.get(0).getLong("bytes"));
        assertEquals(1, mapped.get(0).getLong("allocations"));
        assertTrue(all.stream().noneMatch(event -> OffHeapAllocationEvent.NAME.equals(event.getEventType().getName())));
    }

    @Test
    void shouldAskForARecordingOnlyWhenTheCommandLineStartsOne()
    {
        assertTrue(JfrGate.requested(List.of("-Xmx1g", "-XX:StartFlightRecording")));
        assertTrue(JfrGate.requested(List.of("-XX:StartFlightRecording=settings=profile")));
        assertTrue(JfrGate.requested(List.of("-XX:StartFlightRecording:filename=a.jfr")));
        assertFalse(JfrGate.requested(List.of("-XX:FlightRecorderOptions=stackdepth=128", "-Dx=-XX:Start")));
        assertFalse(JfrGate.requested(List.of()));
    }

    private void allocateFromAKnownMethod()
    {
        events.recorded(ADDRESS, 4096, Kind.DIRECT | Kind.NIO_TEMP);
    }
}
