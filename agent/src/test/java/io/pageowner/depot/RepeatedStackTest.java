package io.pageowner.depot;

import io.pageowner.depot.leading.PoolLike;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thread that captures the stack it captured last is told the id without a look-up ({@link BacktraceCapture}
 * remembers the last stack's raw frames), and never given that id for any other stack.
 */
class RepeatedStackTest
{
    private final StackDepot depot = new StackDepot(64);
    private final StackCapture capture = StackCapture.create(16, null, null);

    @Test
    void shouldKnowTheStackItCapturedLastWithoutTheDepot()
    {
        int first = -1;
        for (int i = 0; i < 3; i++)
        {
            capture.capture(new Throwable());
            // NOTE: the first capture is new to the capture; the later ones repeat it.
            assertEquals(0 == i ? -1 : first, capture.knownId(depot), "capture " + i);
            final int id = depot.intern(capture);
            capture.clear();
            first = 0 == i ? id : first;
            assertEquals(first, id);
        }
        assertEquals(1, depot.size());
    }

    @Test
    void shouldNeverTakeAnotherStackForTheLastOne()
    {
        // NOTE: every call from one line, so that the two sites' stacks differ only in siteA and siteB.
        final boolean[] order = { true, false, true, true, false, false };
        final int[] ids = new int[order.length];
        for (int i = 0; i < order.length; i++)
        {
            ids[i] = order[i] ? siteA() : siteB();
        }
        assertNotEquals(ids[0], ids[1]);
        for (int i = 2; i < order.length; i++)
        {
            assertEquals(order[i] ? ids[0] : ids[1], ids[i], "call " + i);
        }
        assertTrue(depot.frames(ids[0])[0].contains(".siteA("), depot.frames(ids[0])[0]);
        assertTrue(depot.frames(ids[1])[0].contains(".siteB("), depot.frames(ids[1])[0]);
        // NOTE: the same classes and methods one after the other, only the test's line (and bytecode index) differ.
        final int first = here();
        final int second = here();
        assertNotEquals(first, second);
        assertEquals(4, depot.size());
    }

    @Test
    void shouldTellAShallowerStackFromTheLastOne()
    {
        final StackCapture deep = StackCapture.create(256, null, null);
        final int[] levels = { 1, 2, 1, 1 };
        final int[] ids = new int[levels.length];
        for (int i = 0; i < levels.length; i++)
        {
            ids[i] = down(deep, levels[i]);
        }
        assertNotEquals(ids[0], ids[1]);
        assertEquals(ids[0], ids[2]);
        assertEquals(ids[0], ids[3]);
        assertEquals(depot.frames(ids[0]).length + 1, depot.frames(ids[1]).length);
    }

    @Test
    void shouldNotAnswerForAnotherDepot()
    {
        final StackDepot other = new StackDepot(64);
        // NOTE: a stack stored first in the other depot, so that the two depots give the next one different ids.
        other.intern(StackCapture.create(16, null, null).capture());
        final StackDepot[] targets = { depot, other, other, depot };
        final int[] ids = new int[targets.length];
        for (int i = 0; i < targets.length; i++)
        {
            ids[i] = siteIn(targets[i]);
        }
        assertNotEquals(ids[0], ids[1]);
        assertEquals(ids[1], ids[2]);
        assertEquals(ids[0], ids[3]);
        assertEquals(String.join("\n", depot.frames(ids[0])), String.join("\n", other.frames(ids[1])));
    }

    @Test
    void shouldLeaveOutAPoolAddedSinceTheLastStack()
    {
        final int[] ids = new int[3];
        for (int i = 0; i < ids.length; i++)
        {
            if (2 == i)
            {
                StackCapture.skipLeadingPackage(PoolLike.class.getPackageName());
            }
            ids[i] = depot.intern(capture.capture(PoolLike.throwable()));
            capture.clear();
        }
        assertEquals(ids[0], ids[1]);
        assertNotEquals(ids[1], ids[2]);
        assertTrue(depot.frames(ids[1])[0].startsWith(PoolLike.class.getName() + ".throwable("),
            depot.frames(ids[1])[0]);
        final String top = depot.frames(ids[2])[0];
        final String test = RepeatedStackTest.class.getName() + ".shouldLeaveOutAPoolAddedSinceTheLastStack(";
        assertTrue(top.startsWith(test), top);
    }

    private int siteA()
    {
        return depot.intern(capture.capture());
    }

    private int siteB()
    {
        return depot.intern(capture.capture());
    }

    private int siteIn(final StackDepot target)
    {
        return target.intern(capture.capture());
    }

    private int here()
    {
        return depot.intern(capture.capture());
    }

    private int down(final StackCapture own, final int levels)
    {
        if (levels > 0)
        {
            return down(own, levels - 1);
        }
        final int id = depot.intern(own.capture());
        own.clear();
        return id;
    }
}
