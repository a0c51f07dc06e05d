package io.pageowner.table;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CurrentThreadTest
{
    @Test
    @SuppressWarnings("deprecation")
    void shouldReadEachThreadsOwnIdEvenWhereGetIdIsOverridden() throws InterruptedException
    {
        assertTrue(CurrentThread.known(), "Thread.tid is readable on this JDK");
        assertEquals(Thread.currentThread().getId(), CurrentThread.id());

        final AtomicLong seen = new AtomicLong();
        final Thread liar = new Thread(() -> seen.set(CurrentThread.id()))
        {
            @Override
            public long getId()
            {
                return 1;
            }
        };
        liar.start();
        liar.join();
        assertNotEquals(1, seen.get(), "the field, not the overridable getter");
        assertNotEquals(CurrentThread.id(), seen.get());
        assertTrue(seen.get() > 0);
    }
}
