package io.pageowner.depot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StackDepotTest
{
    private final StackDepot depot = new StackDepot(64);
    private final StackCapture capture = StackCapture.create(16, null, null);

    @Test
    void shouldStoreEachStackOnce()
    {
        final int[] ids = new int[3];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = callSiteA();
        }
        final int first = ids[0];
        assertEquals(first, ids[1]);
        assertEquals(first, ids[2]);
        final int other = callSiteB();
        assertNotEquals(first, other);
        assertEquals(2, depot.size());
        final String[] frames = depot.frames(first);
        assertTrue(frames[0].startsWith("io.pageowner.depot.StackDepotTest.callSiteA(StackDepotTest.java:"), frames[0]);
        assertTrue(frames.length <= 16);
    }

    @Test
    void shouldTakeTheStackOfAThrowableMadeByTheCaller()
    {
        final Throwable made = madeHere();
        final int fromThrowable = depot.intern(capture.capture(made));
        capture.clear();
        final String[] frames = depot.frames(fromThrowable);
        assertTrue(frames[0].startsWith("io.pageowner.depot.StackDepotTest.madeHere(StackDepotTest.java:"), frames[0]);
        assertTrue(frames[1].startsWith(
            "io.pageowner.depot.StackDepotTest.shouldTakeTheStackOfAThrowableMadeByTheCaller(StackDepotTest.java:"),
            frames[1]);
        // NOTE: the same throwable again is the same stack; one made at another site is another.
        assertEquals(fromThrowable, depot.intern(capture.capture(made)));
        capture.clear();
        assertNotEquals(fromThrowable, callSiteA());
        assertTrue(StackCapture.readsThrowable());
    }

    @Test
    void shouldWalkItsOwnStackWhenItReadsNoThrowable()
    {
        final StackCapture walker = new WalkerCapture(16, null, null);
        final int id = depot.intern(walker.capture(madeHere()));
        walker.clear();
        final String[] frames = depot.frames(id);
        // NOTE: the capture's own frames are left out, so the walk starts at its caller, this test.
        assertTrue(frames[0].startsWith(
            "io.pageowner.depot.StackDepotTest.shouldWalkItsOwnStackWhenItReadsNoThrowable(StackDepotTest.java:"),
            frames[0]);
        assertFalse(String.join("\n", frames).contains("madeHere"), String.join("\n", frames));
    }

    @Test
    void shouldTellTwinMethodsApartEvenAtTheSameBytecodeIndex()
    {
        assertNotEquals(twin(1), twin("1"));
    }

    @Test
    void shouldReadTheBacktraceOnThisJdk()
    {
        assertTrue(BacktraceCapture.available(), String.valueOf(BacktraceCapture.unavailableReason()));
        assertTrue(capture instanceof BacktraceCapture);
    }

    @Test
    void shouldGiveTheSameFramesEitherWay()
    {
        final StackDepot walkerDepot = new StackDepot(8);
        final StackCapture walker = new WalkerCapture(16, null, null);
        final int[] ids = new int[2];
        for (int i = 0; i < 2; i++)
        {
            ids[i] = i == 0 ? depot.intern(capture.capture()) : walkerDepot.intern(walker.capture());
        }
        final String[] viaBacktrace = depot.frames(ids[0]);
        final String[] viaWalker = walkerDepot.frames(ids[1]);
        assertEquals(viaBacktrace.length, viaWalker.length);
        for (int i = 1; i < viaBacktrace.length; i++)
        {
            assertEquals(viaBacktrace[i], viaWalker[i]);
        }
        assertTrue(viaBacktrace[0].startsWith("io.pageowner.depot.StackDepotTest.shouldGiveTheSameFramesEitherWay("));
        assertTrue(viaWalker[0].startsWith("io.pageowner.depot.StackDepotTest.shouldGiveTheSameFramesEitherWay("));
    }

    @Test
    void shouldTellTwinMethodsApartWithTheWalkerToo()
    {
        final StackCapture walker = new WalkerCapture(16, null, null);
        assertNotEquals(walkerTwin(walker, 1), walkerTwin(walker, "1"));
    }

    private int walkerTwin(final StackCapture walker, final int ignored)
    {
        return depot.intern(walker.capture());
    }

    private int walkerTwin(final StackCapture walker, final String ignored)
    {
        return depot.intern(walker.capture());
    }

    @Test
    void shouldKeepTheConfiguredDepth()
    {
        final StackCapture shallow = StackCapture.create(3, null, null);
        final int id = depot.intern(shallow.capture());
        assertEquals(3, depot.frames(id).length);
    }

    @Test
    void shouldOverflowToTheFixedStack()
    {
        final StackDepot tiny = new StackDepot(1);
        final int first = tiny.intern(capture.capture());
        assertTrue(first >= 2);
        assertEquals(StackDepot.OVERFLOW_ID, intern(tiny));
        assertTrue(tiny.frames(StackDepot.OVERFLOW_ID)[0].contains("stack depot full"));
    }

    @Test
    void shouldStartSmallWhateverTheCapacity()
    {
        final StackDepot large = new StackDepot(1 << 16);
        assertEquals(256, large.slotCount());
        assertEquals(128, large.idCount());
        assertEquals(0, large.size());
        assertTrue(large.frames(StackDepot.OVERFLOW_ID)[0].contains("stack depot full"));
        assertTrue(large.frames(StackDepot.UNKNOWN_ID)[0].contains("no stack captured"));
        assertTrue(large.frames(5)[0].contains("unknown stack 5"));
        assertTrue(large.frames(1 << 20)[0].contains("unknown stack"));
    }

    /**
     * Four threads intern the same 1 000 distinct stacks, each in its own order, twice, while the
     * arrays grow from 256 slots and 128 ids: every thread must get one id per stack, the same ids
     * as the others, and every id must give that stack's frames.
     */
    @Test
    @Timeout(60)
    void shouldGrowAndAgreeOnIdsUnderConcurrentInterning() throws Exception
    {
        final StackDepot shared = new StackDepot(1 << 16);
        final int threads = 4;
        final int[][] ids = new int[threads][STACKS];
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final CyclicBarrier start = new CyclicBarrier(threads);
        final Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            final int thread = t;
            workers[t] = new Thread(() ->
            {
                try
                {
                    final StackCapture own = StackCapture.create(16, null, null);
                    start.await();
                    for (int round = 0; round < 2; round++)
                    {
                        for (int i = 0; i < STACKS; i++)
                        {
                            final int code = (i * COPRIME[thread] + 7 * thread) % STACKS;
                            final int id = fromStack(shared, own, code, 3);
                            if (0 == round)
                            {
                                ids[thread][code] = id;
                            }
                            else if (id != ids[thread][code])
                            {
                                throw new AssertionError("stack " + code + ": id " + id + ", was " + ids[thread][code]);
                            }
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    errors.add(ex);
                }
            }, "intern-" + t);
            workers[t].start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }

        assertTrue(errors.isEmpty(), () -> "errors: " + errors);
        for (int t = 1; t < threads; t++)
        {
            assertArrayEquals(ids[0], ids[t], "thread " + t);
        }
        final Set<Integer> distinct = new HashSet<>();
        final Set<String> stacks = new HashSet<>();
        for (final int id : ids[0])
        {
            assertTrue(id >= 2 && id < STACKS + 2, "id " + id);
            assertTrue(distinct.add(id));
            final String[] frames = shared.frames(id);
            assertFalse(frames[0].startsWith("<"), frames[0]);
            assertTrue(stacks.add(String.join("\n", frames)));
        }
        assertEquals(STACKS, shared.size());
        assertEquals(2048, shared.slotCount(), "load at most 1/2 for 1 000 stacks");
        assertEquals(1024, shared.idCount());
    }

    private static final int STACKS = 1000;
    // Multipliers prime to STACKS, so that each thread's order is a permutation of all the stacks.
    private static final int[] COPRIME = { 1, 3, 7, 9 };

    // The stack named by code: at each of levels levels, digit code % 10 picks one of ten call sites.
    private static int fromStack(final StackDepot target, final StackCapture own, final int code, final int levels)
    {
        if (0 == levels)
        {
            return target.intern(own.capture());
        }
        final int next = code / 10;
        final int l = levels - 1;
        switch (code % 10)
        {
            case 0:
                return fromStack(target, own, next, l);
            case 1:
                return fromStack(target, own, next, l);
            case 2:
                return fromStack(target, own, next, l);
            case 3:
                return fromStack(target, own, next, l);
            case 4:
                return fromStack(target, own, next, l);
            case 5:
                return fromStack(target, own, next, l);
            case 6:
                return fromStack(target, own, next, l);
            case 7:
                return fromStack(target, own, next, l);
            case 8:
                return fromStack(target, own, next, l);
            default:
                return fromStack(target, own, next, l);
        }
    }

    private int intern(final StackDepot target)
    {
        return target.intern(capture.capture());
    }

    private static Throwable madeHere()
    {
        return new Throwable();
    }

    private int callSiteA()
    {
        return depot.intern(capture.capture());
    }

    private int callSiteB()
    {
        return depot.intern(capture.capture());
    }

    private int twin(final int ignored)
    {
        return depot.intern(capture.capture());
    }

    private int twin(final String ignored)
    {
        return depot.intern(capture.capture());
    }
}
