package io.pageowner.depot;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private int intern(final StackDepot target)
    {
        return target.intern(capture.capture());
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
