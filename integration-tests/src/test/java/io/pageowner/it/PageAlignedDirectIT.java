package io.pageowner.it;

import io.pageowner.it.apps.DirectProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Direct buffers under {@code -Dsun.nio.PageAlignDirectMemory=true}: the JDK mallocs capacity plus a
 * page and rounds the buffer's address up to the next page. Records must key on the malloc base
 * (which the Deallocator frees) and carry what was malloc'ed.
 */
class PageAlignedDirectIT
{
    private static Dump dump;
    private static Truth truth;

    @BeforeAll
    static void runProbe() throws Exception
    {
        final ForkedJvm.Probed run = ForkedJvm.main(DirectProbe.class)
            .agent("on")
            .jvmArgs("-XX:MaxDirectMemorySize=64m", "-Dsun.nio.PageAlignDirectMemory=true")
            .runProbe("direct-aligned", ForkedJvm.workDir().toString(), "aligned");
        dump = run.dump();
        truth = run.truth();
    }

    @Test
    void shouldKeyOnTheMallocBaseAndRecordCapacityPlusAPage()
    {
        final long page = truth.longs("PAGE")[0];
        DirectBufferIT.assertSites(dump, truth, "keepDirect", "cleanDirect", "dropDirect");
        for (final String[] live : truth.all("LIVE"))
        {
            final long bufferAddress = Long.parseLong(live[1]);
            final long capacity = Long.parseLong(live[2]);
            assertEquals(0, bufferAddress % page, "the JDK aligns the buffer: " + String.join(" ", live));
            Dump.Record owner = null;
            for (final Dump.Record record : dump.records())
            {
                if (record.address <= bufferAddress && bufferAddress < record.address + page &&
                    record.hasKind("DIRECT"))
                {
                    owner = record;
                }
            }
            assertNotNull(owner, "no record whose malloc base is within a page below " + String.join(" ", live));
            assertEquals(capacity + page, owner.bytes, owner.toString());
            assertTrue(owner.hasFrame("DirectProbe." + live[0] + "("), owner.toString());
        }
    }

    @Test
    void shouldAgreeWithTheJdkDirectBufferPool()
    {
        final long[] tracked = truth.longs("TRACKED");
        final long[] pool = truth.longs("POOL");
        assertEquals(pool[0], tracked[0], "DIRECT records vs the direct pool's count");
        assertEquals(pool[2], tracked[1], "DIRECT bytes vs the direct pool's memory used (capacity + a page each)");
        assertEquals(pool[1] + pool[0] * truth.longs("PAGE")[0], pool[2]);
        assertEquals("0", truth.value("SUPPRESSED"));
    }
}
