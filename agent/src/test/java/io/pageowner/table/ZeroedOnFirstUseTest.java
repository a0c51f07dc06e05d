package io.pageowner.table;

import org.agrona.UnsafeApi;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZeroedOnFirstUseTest
{
    private static final int SHIFT = 12;

    @Test
    void shouldZeroARegionWhenFirstTouchedAndLeaveTheOthers()
    {
        final long length = (3L << SHIFT) + 100;
        final long address = UnsafeApi.allocateMemory(length);
        try
        {
            UnsafeApi.setMemory(address, length, (byte)0x5A);
            final ZeroedOnFirstUse memory = new ZeroedOnFirstUse(address, length, SHIFT);
            assertEquals(4, memory.regions());
            assertEquals(100, memory.regionLength(3));

            memory.touch((1L << SHIFT) + 8);
            assertTrue(memory.isReady(1));
            assertFalse(memory.isReady(0));
            assertFalse(memory.isReady(2));
            for (long offset = 0; offset < 1L << SHIFT; offset++)
            {
                assertEquals(0, UnsafeApi.getByte(address + (1L << SHIFT) + offset), "offset " + offset);
            }
            assertEquals(0x5A, UnsafeApi.getByte(address));
            assertEquals(0x5A, UnsafeApi.getByte(address + (2L << SHIFT)));

            // NOTE: written data survives a second touch: a region is zeroed once.
            UnsafeApi.putLong(address + (1L << SHIFT) + 8, 42);
            memory.touch((1L << SHIFT) + 16);
            assertEquals(42, UnsafeApi.getLong(address + (1L << SHIFT) + 8));

            memory.touch(length - 1);
            assertTrue(memory.isReady(3));
            assertEquals(0, UnsafeApi.getByte(address + length - 1));
            memory.retire();
            memory.touch(0);
            assertEquals(0x5A, UnsafeApi.getByte(address), "a retired region is never zeroed: its memory may be freed");
        }
        finally
        {
            UnsafeApi.freeMemory(address);
        }
    }

    @Test
    void shouldZeroOnceWhenManyThreadsTouchOneRegionAtOnce() throws Exception
    {
        final int regions = 64;
        final long length = (long)regions << SHIFT;
        final long address = UnsafeApi.allocateMemory(length);
        try
        {
            UnsafeApi.setMemory(address, length, (byte)0x7F);
            final ZeroedOnFirstUse memory = new ZeroedOnFirstUse(address, length, SHIFT);
            final int threads = 4;
            final CyclicBarrier start = new CyclicBarrier(threads);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<Thread> running = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int id = t;
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        start.await();
                        for (int region = 0; region < regions; region++)
                        {
                            final long slot = ((long)region << SHIFT) + 8L * id;
                            memory.touch(slot);
                            // NOTE: once touch returns the region is zero and stays as written: a second zeroing
                            // by a thread that came late would wipe this.
                            assertEquals(0, UnsafeApi.getLongVolatile(null, address + slot));
                            UnsafeApi.putLongVolatile(null, address + slot, id + 1);
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                });
                running.add(thread);
                thread.start();
            }
            for (final Thread thread : running)
            {
                thread.join(60_000);
            }
            assertNull(failure.get());
            for (int region = 0; region < regions; region++)
            {
                assertTrue(memory.isReady(region));
                for (int id = 0; id < threads; id++)
                {
                    assertEquals(id + 1, UnsafeApi.getLong(address + ((long)region << SHIFT) + 8L * id));
                }
            }
            memory.retire();
        }
        finally
        {
            UnsafeApi.freeMemory(address);
        }
    }
}
