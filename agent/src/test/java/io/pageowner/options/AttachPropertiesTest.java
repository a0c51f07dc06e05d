package io.pageowner.options;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttachPropertiesTest
{
    @Test
    void shouldCarryOptionsPoolsAndTheFlagAsTheCommandLineSetIt()
    {
        final Map<String, long[]> pools = new LinkedHashMap<>();
        pools.put("direct", new long[]{ 3, 1 << 20 });
        pools.put("mapped", new long[]{ 0, 0 });
        final Properties properties = new Properties();
        AttachProperties.publish(properties, "on,depth=16", pools,
            List.of("-Xmx1g", "-XX:-EnableDynamicAgentLoading", "-XX:+EnableDynamicAgentLoading"));

        assertEquals("on,depth=16", properties.getProperty(AttachProperties.OPTIONS));
        assertEquals("true", properties.getProperty(AttachProperties.DYNAMIC_AGENT_LOADING), "the last one wins");
        final Map<String, long[]> read = AttachProperties.pools(properties.getProperty(AttachProperties.POOLS));
        assertEquals(List.of("direct", "mapped"), List.copyOf(read.keySet()));
        assertArrayEquals(new long[]{ 3, 1 << 20 }, read.get("direct"));
        assertArrayEquals(new long[]{ 0, 0 }, read.get("mapped"));
    }

    @Test
    void shouldLeaveTheFlagOutWhenTheCommandLineDidNotSetIt()
    {
        final Properties properties = new Properties();
        AttachProperties.publish(properties, "on", Map.of(), List.of());
        assertNull(properties.getProperty(AttachProperties.DYNAMIC_AGENT_LOADING));
        assertTrue(AttachProperties.pools(properties.getProperty(AttachProperties.POOLS)).isEmpty());
    }

    @Test
    void shouldSkipPoolsThatDoNotRead()
    {
        final Map<String, long[]> read = AttachProperties.pools("direct 1 x;mapped 2 4096;odd");
        assertEquals(List.of("mapped"), List.copyOf(read.keySet()));
        assertTrue(AttachProperties.pools(null).isEmpty());
    }
}
