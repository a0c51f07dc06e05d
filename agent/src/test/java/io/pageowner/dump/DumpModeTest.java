package io.pageowner.dump;

import io.pageowner.table.LiveSizes;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DumpModeTest
{
    // NOTE: a LiveSizes is never freed, in the agent either; one for the whole class keeps the leak to 1 MiB.
    private static final LiveSizes LIVE_SIZES = new LiveSizes(1);

    @Test
    void shouldWeighNothingInFullMode()
    {
        assertFalse(DumpMode.FULL.isSampled());
        assertEquals(0, DumpMode.FULL.sampleBytes());
        assertEquals(1.0, DumpMode.FULL.weight(1));
        assertThrows(IllegalStateException.class, DumpMode.FULL::liveSizes);
    }

    @Test
    void shouldWeighEachRecordInSampledMode()
    {
        final DumpMode sampled = DumpMode.sampled(65536, LIVE_SIZES);
        assertTrue(sampled.isSampled());
        assertEquals(65536, sampled.sampleBytes());
        assertSame(LIVE_SIZES, sampled.liveSizes());
        assertEquals(PageOwnerFormat.weight(4096, 65536), sampled.weight(4096));
    }

    @Test
    void shouldRefuseASampledModeWithoutAnIntervalOrAnIndex()
    {
        assertThrows(IllegalArgumentException.class, () -> DumpMode.sampled(0, LIVE_SIZES));
        assertThrows(IllegalArgumentException.class, () -> DumpMode.sampled(65536, null));
    }
}
