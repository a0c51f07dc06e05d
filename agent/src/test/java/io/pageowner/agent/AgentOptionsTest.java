package io.pageowner.agent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentOptionsTest
{
    @Test
    void shouldBeOffWithoutOptions()
    {
        for (final String args : new String[]{ null, "", "  ", "off", "on,off" })
        {
            final AgentOptions options = AgentOptions.parse(args);
            assertFalse(options.enabled(), String.valueOf(args));
            assertNull(options.error(), String.valueOf(args));
        }
    }

    @Test
    void shouldParseEveryKey()
    {
        final AgentOptions options = AgentOptions.parse(" on , depth=32,dump=/tmp/x-%p.txt,max_records=4k,log=DEBUG ");
        assertNull(options.error());
        assertTrue(options.enabled());
        assertEquals(32, options.depth());
        assertEquals("/tmp/x-%p.txt", options.dumpPath());
        assertEquals(4096, options.maxRecords());
        assertEquals("debug", options.logLevel());
        assertEquals("on,depth=32,dump=/tmp/x-%p.txt,max_records=4096,log=debug", options.describe());
    }

    @Test
    void shouldUseKernelDefaults()
    {
        final AgentOptions options = AgentOptions.parse("on");
        assertEquals(16, options.depth());
        assertEquals(1 << 20, options.maxRecords());
        assertEquals("page_owner-%p.txt", options.dumpPath());
    }

    @Test
    void shouldNameTheBadTokenAndStayOff()
    {
        assertRejected("on,depht=3", "'depht=3'", "unknown key 'depht'");
        assertRejected("on,depth=", "'depth='", "depth must be a whole number from 1 to 256");
        assertRejected("on,depth=257", "'depth=257'", "from 1 to 256");
        assertRejected("on,depth=-1", "'depth=-1'", "from 1 to 256");
        assertRejected("on,depth=1.5", "'depth=1.5'", "whole number");
        assertRejected("on,max_records=0", "'max_records=0'", "max_records must be");
        assertRejected("on,max_records=99999999999999", "'max_records=99999999999999'", "max_records must be");
        assertRejected("on,dump=", "'dump='", "dump needs a path");
        assertRejected("on,log=loud", "'log=loud'", "log must be off, warn, info or debug");
        assertRejected("yes", "'yes'", "unknown option 'yes'");
        assertRejected("on,,depth=3", "''", "empty option");
    }

    @Test
    void shouldParseCountsWithSuffixes()
    {
        assertEquals(12, AgentOptions.parseCount("12"));
        assertEquals(2048, AgentOptions.parseCount("2k"));
        assertEquals(3 * 1024 * 1024, AgentOptions.parseCount("3M"));
        assertEquals(-1, AgentOptions.parseCount("k"));
        assertEquals(-1, AgentOptions.parseCount("1x"));
        assertEquals(-1, AgentOptions.parseCount(""));
    }

    private static void assertRejected(final String args, final String token, final String why)
    {
        final AgentOptions options = AgentOptions.parse(args);
        assertFalse(options.enabled(), args);
        final String error = options.error();
        assertTrue(null != error && error.startsWith("bad agent option " + token), error);
        assertTrue(error.contains(why), error);
        assertTrue(error.contains("Accepted: " + AgentOptions.ACCEPTED), error);
        assertTrue(error.endsWith("page-owner stays off."), error);
    }
}
