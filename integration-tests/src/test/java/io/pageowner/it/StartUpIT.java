package io.pageowner.it;

import io.pageowner.it.apps.StartProbe;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
