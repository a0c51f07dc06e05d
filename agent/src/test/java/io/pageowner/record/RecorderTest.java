package io.pageowner.record;

import io.pageowner.depot.StackCapture;
import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recorder in full mode, built as the agent builds it (a real table and depots) but called
 * directly, with no agent and no forked JVM: recording, the guard, pause, realloc, mappings, kinds,
 * counters and the hooks' {@code takeStack} flag.
 */
class RecorderTest
{
    /** Far apart, so that no two blocks share a page. */
    private static final long A = 1L << 32;
    private static final long B = 2L << 32;
    private static final long C = 3L << 32;

    private final OwnerTable table = new OwnerTable(1024, 12);
    private final StackDepot stacks = new StackDepot(1024);
    private final ThreadDepot threads = new ThreadDepot(64);
    private final Recorder recorder = new Recorder(table, stacks, threads, 32, 0, System.nanoTime(), null, null);
    private final Counters counters = recorder.counters();
    private final OwnerRecord record = new OwnerRecord();

    @AfterEach
    void closeTable()
    {
        table.close();
    }

    @Test
    void shouldRecordAnAllocationWithItsStackThreadAndKind()
    {
        recorder.allocated(A, 100, null);

        assertTrue(table.ownerOf(A, record));
        assertEquals(A, record.address());
        assertEquals(100, record.size());
        assertEquals(Kind.UNSAFE, record.kind());
        assertEquals(Thread.currentThread().getName(), threads.entry(record.threadRef()).name());
        final String[] frames = stacks.frames(record.stackId());
        assertTrue(Arrays.stream(frames).anyMatch(frame -> frame.contains("shouldRecordAnAllocationWithItsStack")),
            Arrays.toString(frames));
        assertEquals(1, table.liveCount());
    }

    @Test
    void shouldTellTheListenerOfEachBlockRecordedAndNothingElse()
    {
        final List<long[]> told = new ArrayList<>();
        recorder.allocated(A, 100, null);
        recorder.listen((address, bytes, kind) -> told.add(new long[]{ address, bytes, kind }));
        recorder.allocated(B, 200, null);
        recorder.pause(true);
        recorder.allocated(C, 300, null);
        recorder.pause(false);
        recorder.listen(null);
        recorder.allocated(C, 300, null);

        assertEquals(1, told.size(), "only B was recorded while listened to");
        assertEquals(List.of(B, 200L, (long)Kind.UNSAFE), Arrays.stream(told.get(0)).boxed().toList());
        assertEquals(0, counters.errors.get());
    }

    @Test
    void shouldTakeTheStackOfTheThrowableTheHookMade()
    {
        recorder.allocated(A, 100, madeByTheHook());

        assertTrue(table.ownerOf(A, record));
        final String[] frames = stacks.frames(record.stackId());
        assertTrue(Arrays.stream(frames).anyMatch(frame -> frame.contains("madeByTheHook")), Arrays.toString(frames));
    }

    @Test
    void shouldDropTheRecordOnFree()
    {
        recorder.allocated(A, 100, null);
        recorder.allocated(B, 200, null);

        recorder.freeing(A);

        assertFalse(table.ownerOf(A, record));
        assertTrue(table.ownerOf(B, record));
        assertEquals(0, counters.beforeStart.get());
    }

    @Test
    void shouldCountAFreeOfABlockNeverSeenAsBeforeStart()
    {
        recorder.freeing(A);

        assertEquals(1, counters.beforeStart.get());
        assertEquals(0, table.liveCount());
    }

    @Test
    void shouldCountAnAllocationUnderAgentWorkAsAgentOwnAndNotRecordIt() throws Exception
    {
        final long removed = recorder.asAgent(() ->
        {
            recorder.allocated(A, 100, null);
            recorder.mapped(B, 4096, 0);
            // NOTE: nested agent work keeps the guard when it ends.
            recorder.asAgent(() -> null);
            recorder.allocated(C, 100, null);
            return table.liveCount();
        });

        assertEquals(0, removed);
        assertEquals(3, counters.agentOwn.get());
        assertEquals(0, table.liveCount());
        recorder.allocated(A, 100, null);
        assertEquals(1, table.liveCount(), "the guard is given back when the agent work ends");
    }

    @Test
    void shouldCountAnAllocationMadeWhileAnEventHoldsTheGuardAsAgentOwn()
    {
        recorder.onDirectMemoryExhausted(() -> recorder.allocated(A, 100, null));

        recorder.directMemoryExhausted();

        assertEquals(1, counters.agentOwn.get());
        assertFalse(table.ownerOf(A, record));
        recorder.allocated(B, 100, null);
        assertTrue(table.ownerOf(B, record), "the event gives the guard back");
    }

    @Test
    void shouldHoldTheGuardForGoodOnAnAgentThread() throws InterruptedException
    {
        final Thread agentThread = new Thread(() ->
        {
            recorder.enterAgentThread();
            recorder.allocated(A, 100, null);
            recorder.allocated(B, 100, null);
        });
        agentThread.start();
        agentThread.join();

        assertEquals(2, counters.agentOwn.get());
        assertEquals(0, table.liveCount());
    }

    @Test
    void shouldCountWhileOffWhenPausedAndStillDropOnFree()
    {
        recorder.allocated(A, 100, null);
        recorder.pause(true);
        assertFalse(recorder.recording());

        recorder.allocated(B, 300, null);
        recorder.allocated(C, 50, null);
        recorder.freeing(A);

        assertEquals(2, counters.whileOff.get());
        assertEquals(350, counters.whileOffBytes.get());
        assertEquals(0, table.liveCount(), "frees still drop records while paused");

        recorder.pause(false);
        assertTrue(recorder.recording());
        recorder.allocated(B, 300, null);
        assertTrue(table.ownerOf(B, record));
    }

    @Test
    void shouldMoveTheRecordOnRealloc()
    {
        recorder.allocated(A, 100, null);

        recorder.reallocating(A, 200);
        assertFalse(table.ownerOf(A, record), "the old record is stashed while the realloc runs");
        recorder.reallocated(A, 200, B);

        assertFalse(table.ownerOf(A, record));
        assertTrue(table.ownerOf(B, record));
        assertEquals(200, record.size());
        assertEquals(Kind.REALLOC, record.kind());
        assertEquals(0, counters.beforeStart.get());
    }

    @Test
    void shouldPutTheOldRecordBackWhenReallocFails()
    {
        recorder.allocated(A, 100, null);
        assertTrue(table.ownerOf(A, record));
        final int stackId = record.stackId();

        recorder.reallocating(A, 1L << 40);
        recorder.reallocated(A, 1L << 40, 0);

        assertTrue(table.ownerOf(A, record));
        assertEquals(100, record.size());
        assertEquals(Kind.UNSAFE, record.kind());
        assertEquals(stackId, record.stackId());
        assertEquals(1, table.liveCount());
    }

    @Test
    void shouldCountAReallocOfABlockNeverSeenAsBeforeStart()
    {
        recorder.reallocating(A, 200);
        recorder.reallocated(A, 200, B);

        assertEquals(1, counters.beforeStart.get());
        assertTrue(table.ownerOf(B, record));
        assertEquals(Kind.REALLOC, record.kind());
    }

    @Test
    void shouldRecordAMappingWithItsFileAndOffset()
    {
        recorder.mapping("/data/segment.bin", 10_000);
        recorder.mapped(A, 4096 + 1808, 1808);
        recorder.mappingDone();

        assertTrue(table.ownerOf(A, record));
        assertEquals(Kind.MAPPED, record.kind());
        assertEquals(4096 + 1808, record.size());
        final MappedFiles.Mapping mapping = recorder.mappedFiles().get(A);
        assertEquals("/data/segment.bin", mapping.path());
        assertEquals(10_000 - 1808, mapping.offset());

        recorder.unmapping(A);

        assertFalse(table.ownerOf(A, record));
        assertNull(recorder.mappedFiles().get(A));
    }

    @Test
    void shouldNotKeepTheFileOfAMappingMadeWhilePaused()
    {
        recorder.pause(true);
        recorder.mapping("/data/segment.bin", 0);
        recorder.mapped(A, 4096, 0);
        recorder.mappingDone();

        assertEquals(0, table.liveCount());
        assertNull(recorder.mappedFiles().get(A));
        assertEquals(1, counters.whileOff.get());
    }

    @Test
    void shouldLetOneAllocationUseUpTheKindMarker()
    {
        final int outer = recorder.kindEnter(Kind.DIRECT);
        recorder.allocated(A, 100, null);
        recorder.allocated(B, 100, null);
        recorder.kindExit(outer);

        assertTrue(table.ownerOf(A, record));
        assertEquals(Kind.DIRECT, record.kind());
        assertTrue(table.ownerOf(B, record));
        assertEquals(Kind.UNSAFE, record.kind(), "the marker is used up by the first allocation");
    }

    @Test
    void shouldRestoreTheOuterMarkerOnKindExit()
    {
        final int outer = recorder.kindEnter(Kind.DIRECT);
        final int inner = recorder.kindEnter(Kind.NIO_TEMP);
        recorder.kindExit(inner);
        recorder.allocated(A, 100, null);
        recorder.kindExit(outer);

        assertTrue(table.ownerOf(A, record));
        assertEquals(Kind.DIRECT, record.kind());
    }

    @Test
    void shouldMarkTheNioTemporaryBuffersOfAThreadThatServedTheToolAsItsOwn()
    {
        nioTemp(A, 8192);
        recorder.allocated(B, 100, null);
        assertTrue(table.ownerOf(A, record));
        final int stackId = record.stackId();
        final long timestamp = record.timestampNs();

        recorder.servingTool();

        assertTrue(table.ownerOf(A, record));
        assertEquals(Kind.DIRECT | Kind.NIO_TEMP | Kind.TOOL, record.kind());
        assertEquals(8192, record.size());
        assertEquals(stackId, record.stackId(), "the record is the same, only marked");
        assertEquals(timestamp, record.timestampNs());
        assertTrue(table.ownerOf(B, record));
        assertEquals(Kind.UNSAFE, record.kind(), "only NIO temporary buffers are marked");

        nioTemp(C, 16384);
        assertTrue(table.ownerOf(C, record));
        assertEquals(Kind.DIRECT | Kind.NIO_TEMP | Kind.TOOL, record.kind(), "and those it makes later");
        recorder.freeing(A);
        recorder.freeing(C);
        assertEquals(1, table.liveCount());
        assertEquals(0, counters.beforeStart.get());
        assertEquals(0, counters.suppressedErrors());
    }

    @Test
    void shouldNotMarkABlockThatAnotherThreadNowOwns() throws Exception
    {
        nioTemp(A, 8192);
        recorder.freeing(A);
        final Thread other = new Thread(() -> nioTemp(A, 8192), "other");
        other.start();
        other.join();

        recorder.servingTool();

        assertTrue(table.ownerOf(A, record));
        assertEquals(Kind.DIRECT | Kind.NIO_TEMP, record.kind());
        assertEquals("other", threads.entry(record.threadRef()).name());
    }

    @Test
    void shouldMarkEverythingTheJvmsAttachListenerAllocatesAsAToolsOwn() throws Exception
    {
        final Thread listener = new Thread(() ->
        {
            recorder.allocated(A, 2048, null);
            nioTemp(B, 8192);
        }, "Attach Listener");
        listener.setDaemon(true);
        listener.start();
        listener.join();
        final Thread namesake = new Thread(() -> recorder.allocated(C, 100, null), "Attach Listener");
        namesake.start();
        namesake.join();

        assertTrue(table.ownerOf(A, record));
        assertEquals(Kind.UNSAFE | Kind.TOOL, record.kind());
        assertTrue(table.ownerOf(B, record));
        assertEquals(Kind.DIRECT | Kind.NIO_TEMP | Kind.TOOL, record.kind());
        assertTrue(table.ownerOf(C, record));
        assertEquals(Kind.UNSAFE, record.kind(), "the JVM's attach listener is a daemon");
    }

    private void nioTemp(final long address, final long bytes)
    {
        final int outer = recorder.kindEnter(Kind.NIO_TEMP);
        final int inner = recorder.kindEnter(Kind.DIRECT);
        recorder.allocated(address, bytes, null);
        recorder.kindExit(inner);
        recorder.kindExit(outer);
    }

    @Test
    void shouldCountAllocationsTheTableHasNoRoomFor()
    {
        try (OwnerTable small = new OwnerTable(OwnerTable.MIN_CAPACITY, 12))
        {
            final Recorder full = new Recorder(small, stacks, threads, 8, 0, System.nanoTime(), null, null);
            final int allocations = 4 * small.capacity();
            for (int i = 0; i < allocations; i++)
            {
                full.allocated((i + 1L) << 20, 10, null);
            }

            final Counters fullCounters = full.counters();
            assertTrue(fullCounters.tableFull.get() > 0);
            assertEquals(allocations, small.liveCount() + fullCounters.tableFull.get());
            assertEquals(10 * fullCounters.tableFull.get(), fullCounters.tableFullBytes.get());
            assertEquals(fullCounters.tableFull.get(), fullCounters.untracked());
        }
    }

    @Test
    void shouldStopRecordingAfterMaxErrors()
    {
        final List<Boolean> flags = new ArrayList<>();
        recorder.attach(flags::add);
        final AtomicLong runs = new AtomicLong();
        recorder.onDirectMemoryExhausted(() ->
        {
            runs.incrementAndGet();
            throw new IllegalStateException("listener failed");
        });

        for (int i = 0; i < Recorder.MAX_ERRORS - 1; i++)
        {
            recorder.directMemoryExhausted();
        }
        assertTrue(recorder.recording());
        recorder.directMemoryExhausted();

        assertEquals(Recorder.MAX_ERRORS, runs.get());
        assertEquals(Recorder.MAX_ERRORS, counters.errors.get());
        assertEquals("listener failed", counters.firstError().getMessage());
        assertFalse(recorder.recording());
        assertFalse(flags.get(flags.size() - 1), "the hooks stop taking stacks");
        recorder.allocated(A, 100, null);
        assertEquals(0, table.liveCount());
    }

    @Test
    void shouldCountSuppressedThrowables()
    {
        final IllegalStateException first = new IllegalStateException("advice");
        recorder.suppressed(first);
        recorder.suppressed(new IllegalStateException("again"));

        assertEquals(2, counters.suppressed.get());
        assertEquals(first, counters.firstError());
    }

    @Test
    void shouldTellTheHooksToTakeStacksOnlyWhileFullModeRecords()
    {
        final List<Boolean> flags = new ArrayList<>();
        recorder.attach(flags::add);
        assertEquals(List.of(StackCapture.readsThrowable()), flags);

        recorder.pause(true);
        recorder.pause(false);

        assertEquals(List.of(StackCapture.readsThrowable(), false, StackCapture.readsThrowable()), flags);
    }

    @Test
    void shouldForgetEveryRecordOnClear()
    {
        recorder.allocated(A, 100, null);
        recorder.allocated(B, 100, null);

        assertEquals(2, recorder.clear());

        assertEquals(0, table.liveCount());
        recorder.freeing(A);
        assertEquals(1, counters.beforeStart.get());
        assertEquals(0, counters.agentOwn.get());
    }

    @Test
    void shouldLeaveNothingBehindAfterWarmUp()
    {
        recorder.warmUp(1L << 47);

        assertEquals(0, table.liveCount());
        assertEquals(0, recorder.mappedFiles().size());
        assertEquals(0, counters.untracked());
        assertEquals(0, counters.beforeStart.get());
    }

    private static Throwable madeByTheHook()
    {
        return new Throwable();
    }
}
