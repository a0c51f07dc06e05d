package io.pageowner.depot;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A retransformed class gives its frames new keys (the constant-pool version is part of them), so each
 * detach and attach of the advice brings every stack back under new keys: the depot gives such a stack
 * the id of the stored stack that reads the same, and its ids grow with the distinct stacks only.
 */
class StackDepotAliasTest
{
    private static final String[] ALLOCATE = {
        "jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:635)", "com.example.Cache.load(Cache.java:42)" };
    private static final String[] FREE = {
        "jdk.internal.misc.Unsafe.allocateMemory(Unsafe.java:635)", "com.example.Cache.grow(Cache.java:57)" };

    @Test
    void shouldKeepOneIdPerStackTextThroughThirtyRetransformations()
    {
        final StackDepot depot = new StackDepot(64);
        final int allocate = depot.intern(new FakeCapture(ALLOCATE, 0));
        final int free = depot.intern(new FakeCapture(FREE, 0));
        assertNotEquals(allocate, free);
        for (int version = 1; version <= 30; version++)
        {
            assertEquals(allocate, depot.intern(new FakeCapture(ALLOCATE, version)), "version " + version);
            assertEquals(free, depot.intern(new FakeCapture(FREE, version)), "version " + version);
        }
        assertEquals(2, depot.size(), "distinct stacks");
        assertArrayEquals(ALLOCATE, depot.frames(allocate));
        assertArrayEquals(FREE, depot.frames(free));
    }

    @Test
    void shouldStillFindTheIdByTextOnceAliasesRunOut()
    {
        final StackDepot depot = new StackDepot(2);
        final int allocate = depot.intern(new FakeCapture(ALLOCATE, 0));
        for (int version = 1; version <= 10; version++)
        {
            assertEquals(allocate, depot.intern(new FakeCapture(ALLOCATE, version)), "version " + version);
        }
        assertEquals(1, depot.size());
        assertNotEquals(StackDepot.OVERFLOW_ID, depot.intern(new FakeCapture(FREE, 0)), "room for a new stack");
        assertEquals(2, depot.size());
    }

    /**
     * Frames of one class whose keys carry a version, as a retransformed class's do.
     */
    private static final class FakeCapture extends StackCapture
    {
        private final String[] lines;

        FakeCapture(final String[] lines, final int version)
        {
            super(lines.length, null, null);
            this.lines = lines;
            long h = 17;
            for (int i = 0; i < lines.length; i++)
            {
                classes[i] = StackDepotAliasTest.class;
                frameKeys[i] = ((long)version << 32) | lines[i].hashCode() & 0xFFFF_FFFFL;
                h = h * 31 + frameKeys[i];
            }
            count = lines.length;
            hash = h;
        }

        @Override
        public StackCapture capture()
        {
            return this;
        }

        @Override
        protected String[] lines()
        {
            return lines.clone();
        }
    }
}
