package io.pageowner.table;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writers insert and remove at random over disjoint address ranges while readers scan and look up. Every field
 * of a record is derived from its address and size, so a read torn by a concurrent free and reuse of a slot
 * shows up as a record whose fields disagree.
 */
class OwnerTableConcurrencyTest
{
    private static final int PAGE_SHIFT = 12;
    private static final int WRITERS = 4;
    private static final int CANDIDATES = 512;
    private static final int PER_REGION = 32;
    private static final int SMALL_PER_REGION = 16;
    private static final long MIB = 1024 * 1024;
    private static final long REGION_LENGTH = 32 * MIB;
    private static final long RUN_NS = TimeUnit.MILLISECONDS.toNanos(2000);

    @Test
    @Timeout(60)
    void shouldStayConsistentUnderConcurrentInsertRemoveAndScan() throws InterruptedException
    {
        run(1024);
    }

    /**
     * A table of 64 slots for 2 048 candidates: full most of the time, with long chains in few shared buckets,
     * so inserts, removes and lookups keep meeting in the same bucket locks and the same reused slots.
     */
    @Test
    @Timeout(60)
    void shouldStayConsistentWithFewSharedBucketsAndFullTable() throws InterruptedException
    {
        run(64);
    }

    /**
     * Free lists are per stripe, by thread: slots freed by a consumer thread go on its stripe's list. A producer
     * that fills a table to its capacity, has every record removed by another thread and fills it again must get
     * every slot back from that other stripe: the table is not full while free slots sit on any list. (Each round's
     * producer is a new thread, so from the second round on its own list is empty and every slot is taken from
     * the last consumer's.)
     */
    @Test
    @Timeout(60)
    void shouldTakeSlotsFreedOnAnotherThreadsStripeBeforeCallingTheTableFull() throws InterruptedException
    {
        final int capacity = 1 << 12;
        try (OwnerTable table = new OwnerTable(capacity, PAGE_SHIFT))
        {
            final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            for (int round = 0; round < 3; round++)
            {
                final long size = 64 + round;
                final Thread producer = new Thread(guard(() ->
                {
                    for (int i = 0; i < capacity; i++)
                    {
                        final long address = (1L << 40) + (i * 128L);
                        assertTrue(table.insert(address, size, timestampOf(address, size), 1,
                            stackIdOf(address, size), kindOf(address, size)) >= 0, "insert " + i + " of a free table");
                    }
                    assertTrue(table.insert(1L << 41, size, 0, 1, 0, 0) < 0, "full at capacity");
                }, errors));
                producer.start();
                producer.join();
                assertEquals(capacity, table.liveCount());
                final Thread consumer = new Thread(guard(() ->
                {
                    for (int i = 0; i < capacity; i++)
                    {
                        assertTrue(table.remove((1L << 40) + (i * 128L), null), "remove " + i);
                    }
                }, errors));
                consumer.start();
                consumer.join();
                assertEquals(0, table.liveCount());
                assertEquals(0, table.liveBytes());
                assertTrue(errors.isEmpty(), () -> "round " + errors);
            }
        }
    }

    /**
     * Four threads fill fresh slots at once across segment boundaries (6 segments of 8 192 slots for 48 000
     * records) while a scanner reads every slot below the high-water mark, including slots whose segment is
     * still being allocated; then they empty the table and fill it again from the free list.
     */
    @Test
    @Timeout(60)
    void shouldAllocateSegmentsOnceUnderConcurrentFirstUse() throws InterruptedException
    {
        final int perThread = 12_000;
        try (OwnerTable table = new OwnerTable(1 << 16, PAGE_SHIFT))
        {
            final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            for (int round = 0; round < 2; round++)
            {
                final long size = 40 + round;
                final CountDownLatch start = new CountDownLatch(1);
                final Thread[] fillers = new Thread[WRITERS];
                for (int t = 0; t < WRITERS; t++)
                {
                    final int thread = t;
                    fillers[t] = new Thread(guard(() ->
                    {
                        await(start);
                        final long base = (thread + 1L) << 40;
                        for (int i = 0; i < perThread; i++)
                        {
                            final long address = base + (i * 64L);
                            if (table.insert(address, size, timestampOf(address, size), thread,
                                stackIdOf(address, size), kindOf(address, size)) < 0)
                            {
                                throw new AssertionError("insert failed at " + i);
                            }
                        }
                    }, errors), "filler-" + t);
                    fillers[t].start();
                }
                final Scanner scanner = new Scanner(table, fillers);
                final Thread scannerThread = new Thread(guard(scanner, errors), "scanner");
                scannerThread.start();
                start.countDown();
                for (final Thread filler : fillers)
                {
                    filler.join();
                }
                scannerThread.join();

                assertTrue(errors.isEmpty(), () -> "errors: " + errors);
                assertEquals(0, scanner.torn, "torn records seen by forEach");
                assertEquals((long)WRITERS * perThread, table.liveCount());
                assertEquals(6, table.segmentsAllocated());
                final OwnerRecord record = new OwnerRecord();
                assertEquals((long)WRITERS * perThread, table.forEach(record, (r) ->
                {
                    assertTrue(consistent(r), () -> "torn: " + r);
                    assertEquals(size, r.size());
                }));
                for (int t = 0; t < WRITERS; t++)
                {
                    for (int i = 0; i < perThread; i++)
                    {
                        assertTrue(table.remove(((t + 1L) << 40) + (i * 64L), record));
                        assertTrue(consistent(record));
                    }
                }
                assertEquals(0, table.liveCount());
            }
            assertEquals(6, table.segmentsAllocated(), "the second round reuses the freed slots");
        }
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void run(final int capacity) throws InterruptedException
    {
        try (OwnerTable table = new OwnerTable(capacity, PAGE_SHIFT))
        {
            final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            final CountDownLatch start = new CountDownLatch(1);
            final Writer[] writers = new Writer[WRITERS];
            final Thread[] writerThreads = new Thread[WRITERS];
            for (int t = 0; t < WRITERS; t++)
            {
                writers[t] = new Writer(table, t, start);
                writerThreads[t] = new Thread(guard(writers[t], errors), "writer-" + t);
                writerThreads[t].start();
            }

            final Scanner scanner = new Scanner(table, writerThreads);
            final Thread scannerThread = new Thread(guard(scanner, errors), "scanner");
            final Prober prober = new Prober(table, writerThreads);
            final Thread proberThread = new Thread(guard(prober, errors), "prober");
            scannerThread.start();
            proberThread.start();
            start.countDown();

            for (final Thread thread : writerThreads)
            {
                thread.join();
            }
            scannerThread.join();
            proberThread.join();

            assertTrue(errors.isEmpty(), () -> "errors: " + errors);
            assertEquals(0, scanner.torn, "torn records seen by forEach");
            assertEquals(0, prober.torn, "torn records seen by ownerOf/forEachOwnerOfPage");
            assertTrue(scanner.scans > 0 && scanner.seen > 0, "scanner did no work");
            assertTrue(prober.found > 0, "prober found nothing");

            final Map<Long, Long> expected = new HashMap<>();
            long expectedStale = 0;
            long full = 0;
            for (final Writer writer : writers)
            {
                assertTrue(writer.operations > 1000, "writer did too little: " + writer.operations);
                expectedStale += writer.staleInserts;
                full += writer.fullInserts;
                for (int i = 0; i < CANDIDATES; i++)
                {
                    if (writer.liveSize[i] >= 0)
                    {
                        expected.put(writer.address(i), writer.liveSize[i]);
                    }
                }
            }
            assertTrue(full > 0, "the table never filled up");

            final Map<Long, Long> actual = new HashMap<>();
            final OwnerRecord record = new OwnerRecord();
            table.forEach(record, (r) ->
            {
                assertTrue(consistent(r), () -> "torn: " + r);
                assertEquals(null, actual.put(r.address(), r.size()), () -> "seen twice: " + r);
            });

            assertEquals(expected, actual);
            assertEquals(expected.size(), table.liveCount());
            assertEquals(expected.values().stream().mapToLong(Long::longValue).sum(), table.liveBytes());
            assertEquals(
                expected.entrySet().stream()
                    .mapToLong((e) -> OwnerRecord.pageCount(e.getKey(), e.getValue(), PAGE_SHIFT)).sum(),
                table.livePages());
            assertEquals(expectedStale, table.staleReplaced());

            for (final Map.Entry<Long, Long> e : expected.entrySet())
            {
                final long lastAddress = OwnerRecord.lastAddress(e.getKey(), e.getValue());
                assertTrue(table.ownerOf(lastAddress, record), () -> "no owner of the last byte of " + e);
                assertEquals(e.getKey(), record.address());
                assertFalse(table.ownerOf(lastAddress + 1, record) && record.address() == e.getKey());
            }

            for (final Map.Entry<Long, Long> e : expected.entrySet())
            {
                assertTrue(table.remove(e.getKey(), record));
                assertEquals(e.getValue(), record.size());
            }
            assertEquals(0, table.liveCount());
            assertEquals(0, table.liveBytes());
            assertEquals(0, table.livePages());
            assertEquals(0, table.forEach((r) -> {}));
        }
    }

    static long timestampOf(final long address, final long size)
    {
        return (address * 31) + size;
    }

    static int stackIdOf(final long address, final long size)
    {
        final long x = (address ^ (size * 0x9E3779B97F4A7C15L)) * 0xBF58476D1CE4E5B9L;

        return (int)(x ^ (x >>> 31));
    }

    static int kindOf(final long address, final long size)
    {
        return (int)((address >>> 4) ^ size) & 0xFFFF;
    }

    static int threadRefOf(final long address)
    {
        return (int)(address >>> 40) - 1;
    }

    static boolean consistent(final OwnerRecord r)
    {
        final long a = r.address();
        final long s = r.size();

        return r.timestampNs() == timestampOf(a, s) &&
            r.stackId() == stackIdOf(a, s) &&
            r.kind() == kindOf(a, s) &&
            r.threadRef() == threadRefOf(a) &&
            r.threadRef() >= 0 && r.threadRef() < WRITERS &&
            r.pageShift() == PAGE_SHIFT;
    }

    private static Runnable guard(final Runnable runnable, final ConcurrentLinkedQueue<Throwable> errors)
    {
        return () ->
        {
            try
            {
                runnable.run();
            }
            catch (final Throwable t)
            {
                errors.add(t);
            }
        };
    }

    private static boolean anyAlive(final Thread[] threads)
    {
        for (final Thread thread : threads)
        {
            if (thread.isAlive())
            {
                return true;
            }
        }

        return false;
    }

    static final class Writer implements Runnable
    {
        final OwnerTable table;
        final int thread;
        final CountDownLatch start;
        final long base;
        final long[] liveSize = new long[CANDIDATES];
        long operations;
        long staleInserts;
        long fullInserts;

        Writer(final OwnerTable table, final int thread, final CountDownLatch start)
        {
            this.table = table;
            this.thread = thread;
            this.start = start;
            this.base = (thread + 1L) << 40;
            java.util.Arrays.fill(liveSize, -1);
        }

        long address(final int candidate)
        {
            final long region = base + (candidate / PER_REGION) * REGION_LENGTH;
            final int index = candidate % PER_REGION;

            return index < SMALL_PER_REGION ?
                region + (index * 256L) + 16 :
                region + MIB + ((index - SMALL_PER_REGION) * MIB) + 16;
        }

        long randomSize(final SplittableRandom random, final int candidate)
        {
            final int index = candidate % PER_REGION;
            if (index < SMALL_PER_REGION)
            {
                return random.nextLong(0, 240);
            }
            if (index == PER_REGION - 1)
            {
                return random.nextLong(1, 12 * MIB);
            }

            return random.nextInt(4) == 0 ? random.nextLong(1, MIB - 64) : random.nextLong(1, 64 * 1024);
        }

        public void run()
        {
            final SplittableRandom random = new SplittableRandom(thread * 7919L + 17);
            // Odd writers count in their own tally and keep a freed slot, even ones use the shared stripes.
            final ThreadTally tally = 1 == (thread & 1) ? table.tally() : null;
            final OwnerRecord removed = new OwnerRecord();
            final OwnerRecord found = new OwnerRecord();
            try
            {
                start.await();
            }
            catch (final InterruptedException ex)
            {
                throw new IllegalStateException(ex);
            }

            final long deadline = System.nanoTime() + RUN_NS;
            while (System.nanoTime() < deadline)
            {
                for (int n = 0; n < 64; n++)
                {
                    final int candidate = random.nextInt(CANDIDATES);
                    final long address = address(candidate);
                    final boolean isLive = liveSize[candidate] >= 0;
                    if (isLive && random.nextInt(50) != 0)
                    {
                        if (!table.remove(address, removed, tally))
                        {
                            throw new AssertionError("lost record at 0x" + Long.toHexString(address));
                        }
                        if (!consistent(removed) || removed.address() != address ||
                            removed.size() != liveSize[candidate])
                        {
                            throw new AssertionError("removed wrong record: " + removed);
                        }
                        liveSize[candidate] = -1;
                    }
                    else
                    {
                        final long size = randomSize(random, candidate);
                        final int slot = table.insert(
                            address,
                            size,
                            timestampOf(address, size),
                            thread,
                            stackIdOf(address, size),
                            kindOf(address, size),
                            tally);
                        if (slot >= 0)
                        {
                            staleInserts += isLive ? 1 : 0;
                            liveSize[candidate] = size;
                        }
                        else
                        {
                            fullInserts++;
                            if (isLive)
                            {
                                // A full table may drop the new record after it already threw the stale one out.
                                if (table.ownerOf(address, found) && found.address() == address)
                                {
                                    if (found.size() != liveSize[candidate])
                                    {
                                        throw new AssertionError("unexpected record: " + found);
                                    }
                                }
                                else
                                {
                                    staleInserts++;
                                    liveSize[candidate] = -1;
                                }
                            }
                        }
                    }
                    operations++;
                }
            }
        }
    }

    static final class Scanner implements Runnable, OwnerTableReader.RecordConsumer
    {
        final OwnerTable table;
        final Thread[] writers;
        long scans;
        long seen;
        long torn;

        Scanner(final OwnerTable table, final Thread[] writers)
        {
            this.table = table;
            this.writers = writers;
        }

        public void run()
        {
            final OwnerRecord flyweight = new OwnerRecord();
            while (anyAlive(writers))
            {
                seen += table.forEach(flyweight, this);
                scans++;
            }
        }

        public void accept(final OwnerRecord record)
        {
            if (!consistent(record))
            {
                torn++;
            }
        }
    }

    static final class Prober implements Runnable, OwnerTableReader.RecordConsumer
    {
        final OwnerTable table;
        final Thread[] writers;
        long found;
        long torn;

        Prober(final OwnerTable table, final Thread[] writers)
        {
            this.table = table;
            this.writers = writers;
        }

        public void run()
        {
            final SplittableRandom random = new SplittableRandom(99);
            final OwnerRecord record = new OwnerRecord();
            final Writer addresses = new Writer(table, 0, new CountDownLatch(0));
            while (anyAlive(writers))
            {
                final long thread = random.nextInt(WRITERS);
                final long address = addresses.address(random.nextInt(CANDIDATES)) - addresses.base +
                    ((thread + 1) << 40) + random.nextLong(0, 64 * 1024);
                if (table.ownerOf(address, record))
                {
                    found++;
                    if (!consistent(record) || !record.contains(address))
                    {
                        torn++;
                    }
                }
                found += table.forEachOwnerOfPage(address >>> PAGE_SHIFT, record, this);
            }
        }

        public void accept(final OwnerRecord record)
        {
            if (!consistent(record))
            {
                torn++;
            }
        }
    }
}
