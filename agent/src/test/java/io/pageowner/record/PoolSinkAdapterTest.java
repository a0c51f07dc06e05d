package io.pageowner.record;

import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.table.OwnerRecord;
import io.pageowner.table.OwnerTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pools' adapter: a buffer handed out of a direct chunk becomes a {@code POOLED} record at chunk + offset in
 * the pools' table (never the main one), with the acquiring stack; its release removes it; a heap chunk is
 * ignored; and the main recorder's pause and clear reach the pools' recorder.
 */
class PoolSinkAdapterTest
{
    private final OwnerTable mainTable = new OwnerTable(64, 12);
    private final OwnerTable poolTable = new OwnerTable(64, 12);
    private final StackDepot stacks = new StackDepot(64);
    private final ThreadDepot threads = new ThreadDepot(16);
    private final Recorder main = new Recorder(mainTable, stacks, threads, 16, 0, System.nanoTime(), null, null);
    private final Recorder pools = new Recorder(poolTable, stacks, threads, 16, 0, System.nanoTime(), null, null);
    private final PoolSinkAdapter adapter = new PoolSinkAdapter(pools, main);
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(8192);
    private final OwnerRecord record = new OwnerRecord();

    @AfterEach
    void close()
    {
        mainTable.close();
        poolTable.close();
    }

    @Test
    void shouldRecordAPooledBufferAtChunkPlusOffsetUntilItIsReleased()
    {
        main.follow(pools);
        final long base = adapter.base(chunk);
        assertTrue(0 != base);
        adapter.acquired(chunk, 4096, 1024, null);
        assertTrue(poolTable.ownerOf(base + 4096 + 100, record));
        assertEquals(base + 4096, record.address());
        assertEquals(1024, record.size());
        assertEquals(Kind.POOLED, record.kind());
        assertTrue(String.join(" ", stacks.frames(record.stackId())).contains("shouldRecordAPooledBufferAtChunkPlus"),
            String.join(" ", stacks.frames(record.stackId())));
        assertEquals(0, mainTable.liveCount(), "never in the main table");

        adapter.releasing(chunk, 4096, 1024);
        assertEquals(0, poolTable.liveCount());
    }

    @Test
    void shouldIgnoreHeapChunks()
    {
        adapter.acquired(new byte[8192], 0, 1024, null);
        assertEquals(0, poolTable.liveCount());
        assertEquals(0, adapter.base(ByteBuffer.allocate(16)));
    }

    @Test
    void shouldFollowTheMainRecordersPauseAndClear()
    {
        main.follow(pools);
        main.pause(true);
        adapter.acquired(chunk, 0, 512, null);
        assertEquals(0, poolTable.liveCount(), "paused with the main recorder");
        main.pause(false);
        adapter.acquired(chunk, 0, 512, null);
        adapter.acquired(chunk, 512, 512, null);
        assertEquals(2, poolTable.liveCount());
        assertEquals(2, main.clear());
        assertEquals(0, poolTable.liveCount());
        assertFalse(poolTable.ownerOf(adapter.base(chunk), record));
    }

    @Test
    void shouldMarkAPoolChunksAllocation()
    {
        final int saved = adapter.chunkEnter();
        main.allocated(0x7000_0000L, 4096, null);
        adapter.chunkExit(saved);
        assertTrue(mainTable.ownerOf(0x7000_0000L, record));
        assertEquals(Kind.UNSAFE | Kind.POOL_CHUNK, record.kind());
        main.allocated(0x7000_2000L, 4096, null);
        assertTrue(mainTable.ownerOf(0x7000_2000L, record));
        assertEquals(Kind.UNSAFE, record.kind(), "the marker ends with the chunk's method");
    }
}
