package io.pageowner.depot;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StackDepotTest
{
    private final StackDepot depot = new StackDepot(64);
    private final StackCapture capture = new StackCapture(16, null, null);

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
    void shouldKeepTheConfiguredDepth()
    {
        final StackCapture shallow = new StackCapture(3, null, null);
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
