package io.pageowner.it;

import io.pageowner.it.apps.ArenaProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * FFM {@code Arena.allocate} end to end on JDK 22+ (FFM is final there) and on JDK 21 with
 * {@code --enable-preview} (a preview API there; JDK 17 has only the incubator, whose allocations are
 * recorded as {@code UNSAFE}): each arena type's live records with kind {@code ARENA}, after closes
 * and a GC.
 */
class ArenaIT
{
    private static Dump dump;
    private static Truth truth;

    @BeforeAll
    static void runProbe() throws Exception
    {
        assumeTrue(ForkedJvm.jdkVersion() >= 21, "FFM arenas need JDK 21+ (a preview API on 21)");
        final ForkedJvm forked = ForkedJvm.main(ArenaProbe.class).agent("on");
        if (ForkedJvm.jdkVersion() == 21)
        {
            forked.jvmArgs("--enable-preview");
        }
        final ForkedJvm.Probed run = forked.runProbe("arena");
        dump = run.dump();
        truth = run.truth();
    }

    @Test
    void shouldHoldEachArenaTypesLiveAllocations()
    {
        for (final String site : List.of(
            "allocateInConfinedArenas", "allocateInSharedArenas", "allocateInAutoArenas", "allocateInGlobalArena"))
        {
            final String[] expected = truth.value("SITE " + site).split(" ");
            final List<Dump.Record> records = dump.having(null, "ArenaProbe." + site + "(");
            assertEquals(Integer.parseInt(expected[0]), records.size(), site + ": " + records);
            for (final Dump.Record record : records)
            {
                assertEquals("ARENA", record.kinds, record.toString());
                assertEquals(0x8, record.mask);
                assertEquals(Long.parseLong(expected[1]), record.bytes, record.toString());
                assertEquals(((record.address + record.bytes - 1) >>> 12) - (record.address >>> 12) + 1, record.pages);
                assertTrue(
                    record.frames.get(0).startsWith("jdk.internal.misc.Unsafe.allocateMemory("), record.toString());
                assertTrue(record.hasFrame(factoryFrame()), record.toString());
            }
        }
    }

    @Test
    void shouldRecordWhatWasMallocedForAnAlignedSegment()
    {
        final long segment = truth.longs("ALIGNED")[0];
        assertEquals(0, segment % 4096);
        final List<Dump.Record> records = dump.having("ARENA", "ArenaProbe.allocatePageAligned(");
        assertEquals(1, records.size(), records.toString());
        final Dump.Record record = records.get(0);
        assertEquals(alignedMalloc(), record.bytes, record.toString());
        assertTrue(record.address <= segment && segment + 100 <= record.address + record.bytes, record.toString());
        assertNotNull(dump.at(record.address));
    }

    @Test
    void shouldTotalTheArenaKindAndSuppressNothing()
    {
        final long[] tracked = truth.longs("TRACKED");
        assertEquals(2 + 2 + 2 + 2 + 1, tracked[0]);
        assertEquals(2 * 1000 + 2 * 2000 + 2 * 3000 + 2 * 4000 + alignedMalloc(), tracked[1]);
        assertEquals("records " + tracked[0] + ", bytes " + tracked[1], dump.trailer("kind ARENA:"));
        assertEquals("0", truth.value("SUPPRESSED"));
    }

    /**
     * The JDK method that mallocs a native segment: {@code SegmentFactories} from 22, the preview's
     * {@code NativeMemorySegmentImpl} on 21.
     */
    private static String factoryFrame()
    {
        return ForkedJvm.jdkVersion() >= 22 ? "jdk.internal.foreign.SegmentFactories.allocateNativeSegment(" :
            "jdk.internal.foreign.NativeMemorySegmentImpl.makeNativeSegment(";
    }

    /**
     * What is malloced for 100 bytes aligned to 4096: from 22, 100 rounded up to 8 plus alignment - 16
     * (malloc's blocks are 16-byte aligned already); on 21, 100 plus alignment - 1.
     */
    private static long alignedMalloc()
    {
        return ForkedJvm.jdkVersion() >= 22 ? 104 + 4096 - 16 : 100 + 4096 - 1;
    }
}
