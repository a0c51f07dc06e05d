package io.pageowner.runtime;

import io.pageowner.options.AgentOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RssWatchTest
{
    private static final long MIB = 1 << 20;

    private final List<String> refusals = new ArrayList<>();

    @Test
    void shouldDumpOnceAtTheThresholdThenOnlyAfterEachStep()
    {
        final RssWatch watch = watch("on,rss_dump=300m,rss_step=100m", -1);
        assertFalse(watch.due(299 * MIB));
        assertTrue(watch.due(301 * MIB), "the threshold is reached");
        assertFalse(watch.due(301 * MIB), "no second dump at the same size");
        assertFalse(watch.due(400 * MIB), "not yet a step above the last dump");
        assertTrue(watch.due(401 * MIB), "a step above the last dump");
        assertFalse(watch.due(250 * MIB), "a fall never dumps");
        assertTrue(watch.due(600 * MIB));
        assertEquals(700 * MIB, watch.next());
    }

    @Test
    void shouldStepByATenthOfTheThresholdByDefault()
    {
        final RssWatch watch = watch("on,rss_dump=1g", -1);
        assertEquals(1024 * MIB, watch.threshold());
        assertEquals(1024 * MIB / 10, watch.step());
    }

    @Test
    void shouldTakeShareOfTheCgroupLimit()
    {
        final RssWatch watch = watch("on,rss_dump=80%,rss_step=5%", 2048 * MIB);
        assertEquals(2048 * MIB * 80 / 100, watch.threshold());
        assertEquals(2048 * MIB * 5 / 100, watch.step());
    }

    @Test
    void shouldRefuseASharePolicyWithoutALimitAndSaySo()
    {
        assertNull(watch("on,rss_dump=80%", -1));
        assertEquals(1, refusals.size());
        assertTrue(refusals.get(0).startsWith("rss_dump=80% needs a cgroup memory limit"), refusals.get(0));
        assertNull(watch("on,rss_dump=1g,rss_step=5%", -1), "a share for the step needs the limit too");
    }

    @Test
    void shouldWatchNothingWithoutTheOption()
    {
        assertNull(watch("on", 1 << 30));
        assertTrue(refusals.isEmpty());
    }

    private RssWatch watch(final String options, final long limit)
    {
        final AgentOptions parsed = AgentOptions.parse(options);
        assertNull(parsed.error(), parsed.error());
        return RssWatch.create(parsed.rssDump(), parsed.rssStep(), limit, refusals::add);
    }
}
