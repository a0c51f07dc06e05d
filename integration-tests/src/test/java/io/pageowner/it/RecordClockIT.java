package io.pageowner.it;

import io.pageowner.it.apps.ClockProbe;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full mode's ticking clock with the real jar: while a thread allocates fast, records take the time the
 * {@code page-owner-clock} thread publishes, and the stamps still agree with the dumps' times: a block kept before a
 * dump is in it and stamped no later than its time, a block kept after it returned is not, and is stamped after it.
 * (A dump takes longer than a tick here; that the dump's fence alone keeps a later record's stamp after the dump's
 * time is {@code RecordClockTest}'s, with a clock that ticks once in 30 s.)
 */
class RecordClockIT
{
    private static final Pattern TIME = Pattern.compile("ts (\\d+) ns");

    @Test
    void shouldStampBlocksKeptAfterADumpLaterThanItWhileTheClockTicks() throws Exception
    {
        final Path second = ForkedJvm.workDir().resolve("clock-probe-second.dump");
        Files.deleteIfExists(second);
        // NOTE: every gap counts as busy, so the clock ticks however slow the host is.
        final ForkedJvm.Probed run = ForkedJvm.main(ClockProbe.class).agent("on")
            .jvmArgs("-Dpageowner.clock.busyGapNanos=1000000000").runProbe("clock-probe", second.toString());
        final Truth truth = run.truth();
        assertEquals("true", truth.value("CLOCK"), "the churning thread started the clock");
        final Dump first = run.dump();
        final Dump later = Dump.parse(second);
        final long firstTime = time(first);
        final long laterTime = time(later);
        final List<String[]> before = truth.all("BEFORE");
        final List<String[]> after = truth.all("AFTER");
        assertEquals(200, before.size());
        assertEquals(200, after.size());
        for (final String[] line : before)
        {
            final long address = Long.parseLong(line[0]);
            final Dump.Record record = first.at(address);
            assertNotNull(record, "kept before the first dump: in it, " + address);
            assertTrue(record.ts <= firstTime, "stamped no later than the dump: " + record.ts + " > " + firstTime);
            assertTrue(record.hasFrame("ClockProbe.keepBefore"), record.toString());
        }
        for (final String[] line : after)
        {
            final long address = Long.parseLong(line[0]);
            assertNull(first.at(address), "kept after the first dump returned: not in it, " + address);
            final Dump.Record record = later.at(address);
            assertNotNull(record, "in the second dump, " + address);
            assertTrue(record.ts > firstTime,
                "stamped after the first dump's time although the clock ticks: " + record.ts + " <= " + firstTime);
            assertTrue(record.ts <= laterTime, "and no later than the second's: " + record.ts + " > " + laterTime);
            assertTrue(record.hasFrame("ClockProbe.keepAfter"), record.toString());
        }
    }

    private static long time(final Dump dump)
    {
        final Matcher matcher = TIME.matcher(dump.trailer("time:"));
        assertTrue(matcher.find(), dump.trailer("time:"));
        return Long.parseLong(matcher.group(1));
    }
}
