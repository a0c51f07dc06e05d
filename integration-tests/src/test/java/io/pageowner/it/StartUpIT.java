package io.pageowner.it;

import io.pageowner.it.apps.StartProbe;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the agent has done by the time the application's {@code main} starts.
 */
class StartUpIT
{
    @Test
    void shouldRegisterTheMBeanBeforeMain() throws Exception
    {
        final Truth truth = ForkedJvm.main(StartProbe.class).agent("on").runProbe("start-mbean", "0").truth();

        assertEquals("true", truth.value("REGISTERED_AT_MAIN"), "main's first statement finds the MBean");
    }

    @Test
    void shouldNotCountTheAgentsOwnBuffersAsBeforeStart() throws Exception
    {
        final ForkedJvm.Probed run = ForkedJvm.main(StartProbe.class).agent("on").runProbe("start-idle", "0");

        final String beforeStart = run.truth().value("BEFORE_START");
        assertTrue(beforeStart.contains("direct.count=0,"), beforeStart);
        assertTrue(beforeStart.contains("direct.memoryUsed=0,"), beforeStart);
        assertEquals(List.of(), run.dump().records(), "an idle program has no records");
    }

    @Test
    void shouldNotCountBuffersMadeFirstThingInMainAsBeforeStart() throws Exception
    {
        final ForkedJvm.Probed run = ForkedJvm.main(StartProbe.class).agent("on").runProbe("start-alloc", "3");

        final String beforeStart = run.truth().value("BEFORE_START");
        assertTrue(beforeStart.contains("direct.count=0,"), beforeStart);
        assertTrue(beforeStart.contains("direct.memoryUsed=0,"), beforeStart);
        final Dump dump = run.dump();
        final List<Dump.Record> records = dump.having("DIRECT", "StartProbe.main(");
        assertEquals(3, records.size(), records.toString());
        for (final Dump.Record record : records)
        {
            assertEquals(StartProbe.BUFFER_BYTES, record.bytes, record.toString());
        }
        assertEquals(records, dump.records(), "nothing else is recorded");
    }

    @Test
    void shouldTrackOnceWhenTheAgentIsGivenTwice() throws Exception
    {
        // NOTE: a second -javaagent with the jar (a launcher script and JAVA_TOOL_OPTIONS both adding it): its start
        // opens java.base to a loader of its own and reads start-up's files, then finds the first running and stops.
        final ForkedJvm.Probed run = ForkedJvm.main(StartProbe.class)
            .agent("on")
            .jvmArgs("-javaagent:" + ForkedJvm.agentJar() + "=on,depth=4")
            .runProbe("start-alloc", "3");

        final String stderr = run.result().stderr();
        assertTrue(stderr.contains("[page-owner] already running; options 'on,depth=4' ignored"), stderr);
        final Dump dump = run.dump();
        final List<Dump.Record> records = dump.having("DIRECT", "StartProbe.main(");
        assertEquals(3, records.size(), "each buffer recorded once: " + records);
        assertEquals(records, dump.records(), "nothing else is recorded");
    }
}
