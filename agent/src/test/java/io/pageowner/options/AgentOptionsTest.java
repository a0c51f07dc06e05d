package io.pageowner.options;

import io.pageowner.table.OwnerTable;
import io.pageowner.table.OwnerTableDescriptor;
import org.junit.jupiter.api.Test;

import java.util.List;

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
        assertEquals("on,depth=32,dump=/tmp/x-%p.txt,max_records=4096,log=debug,signal=USR1,dump_on_exit=off," +
            "oom_dump=on,keep=10", options.describe());
    }

    @Test
    void shouldParseTheRssDumpThresholdAndStep()
    {
        final AgentOptions bytes = AgentOptions.parse("on,rss_dump=3g,rss_step=256m");
        assertNull(bytes.error());
        assertEquals(3L << 30, bytes.rssDump().bytes(-1));
        assertEquals(256L << 20, bytes.rssStep().bytes(-1));
        assertTrue(bytes.describe().endsWith(",rss_dump=3221225472,rss_step=268435456"), bytes.describe());
        final AgentOptions share = AgentOptions.parse("on,rss_dump=80%");
        assertTrue(share.rssDump().relative());
        assertEquals(800, share.rssDump().bytes(1000));
        assertEquals(RssSize.NONE, share.rssStep());
        assertEquals(RssSize.NONE, AgentOptions.parse("on").rssDump());
        for (final String bad : new String[]{ "rss_dump=0", "rss_dump=101%", "rss_dump=0%", "rss_dump=80 %",
            "rss_dump=", "rss_step=x", "rss_dump=-1g" })
        {
            final AgentOptions rejected = AgentOptions.parse("on," + bad);
            assertTrue(null != rejected.error() && rejected.error().contains("must be a size, e.g. 3g or 512m, " +
                "or a percentage of the cgroup memory limit from 1% to 100%"), bad + ": " + rejected.error());
            assertFalse(rejected.enabled());
        }
    }

    @Test
    void shouldTakeACacheDirectoryOrOff()
    {
        assertEquals("", AgentOptions.parse("on").cache(), "the default directory");
        assertEquals("off", AgentOptions.parse("on,cache=off").cache());
        final AgentOptions dir = AgentOptions.parse("on,cache=/var/cache/po");
        assertEquals("/var/cache/po", dir.cache());
        assertTrue(dir.describe().endsWith(",cache=/var/cache/po"), dir.describe());
        for (final String bad : new String[]{ "on,cache=", "on,cache=relative/dir" })
        {
            final String error = AgentOptions.parse(bad).error();
            assertTrue(null != error && error.contains("cache must be an absolute directory, or off"),
                bad + ": " + error);
        }
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
    void shouldParseTheLiveControlOptions()
    {
        final AgentOptions options =
            AgentOptions.parse("on,signal=SIGWINCH,dump_on_exit,oom_dump=off,interval=1500ms,keep=3,notify_bytes=2g");
        assertNull(options.error());
        assertEquals("WINCH", options.signal());
        assertTrue(options.dumpOnExit());
        assertFalse(options.oomDump());
        assertEquals(1500, options.intervalMillis());
        assertEquals(3, options.keep());
        assertEquals(2L << 30, options.notifyBytes());
        assertEquals("none", AgentOptions.parse("on,signal=none").signal());
        assertEquals(300_000, AgentOptions.parse("on,interval=5m").intervalMillis());
        assertEquals(30_000, AgentOptions.parse("on,interval=30").intervalMillis());
    }

    @Test
    void shouldRefuseSignalsThatBreakTheJvm()
    {
        assertRejected("on,signal=USR2", "'signal=USR2'", "HotSpot uses SIGUSR2");
        assertRejected("on,signal=HUP", "'signal=HUP'", "shutdown hooks");
        assertRejected("on,signal=QUIT", "'signal=QUIT'", "used by the JVM");
        assertRejected("on,signal=", "'signal='", "signal needs a name");
        assertRejected("on,signal=usr-1", "'signal=usr-1'", "not a signal name");
        assertRejected("on,interval=10ms", "'interval=10ms'", "at least 100ms");
        assertRejected("on,interval=soon", "'interval=soon'", "interval must be");
        assertRejected("on,keep=0", "'keep=0'", "keep must be");
        assertRejected("on,notify_bytes=lots", "'notify_bytes=lots'", "notify_bytes must be");
        assertRejected("on,oom_dump=maybe", "'oom_dump=maybe'", "oom_dump must be on or off");
    }

    @Test
    void shouldParseCountsWithSuffixes()
    {
        assertEquals(12, OptionValues.parseCount("12"));
        assertEquals(2048, OptionValues.parseCount("2k"));
        assertEquals(3 * 1024 * 1024, OptionValues.parseCount("3M"));
        assertEquals(-1, OptionValues.parseCount("k"));
        assertEquals(-1, OptionValues.parseCount("1x"));
        assertEquals(-1, OptionValues.parseCount(""));
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

    @Test
    void shouldParseTheSamplingInterval()
    {
        assertEquals(0, AgentOptions.parse("on").sampleBytes(), "full mode by default");
        assertEquals(524288, AgentOptions.parse("on,sample=512k").sampleBytes());
        assertEquals(2L << 20, AgentOptions.parse("on,sample=2m").sampleBytes());
        assertEquals(1L << 30, AgentOptions.parse("on,sample=1g").sampleBytes());
        assertEquals(1, AgentOptions.parse("on,sample=1").sampleBytes());
        assertEquals(0, AgentOptions.parse("on,sample=512k,sample=off").sampleBytes());
        assertEquals(0, AgentOptions.parse("on,sample=0").sampleBytes());
        assertTrue(AgentOptions.parse("on,sample=512k").describe().endsWith(",sample=524288"));
        assertFalse(AgentOptions.parse("on").describe().contains("sample"));
    }

    @Test
    void shouldRefuseABadSamplingInterval()
    {
        for (final String bad : new String[]{ "sample=", "sample=-1", "sample=fast", "sample=1.5m", "sample=2048g" })
        {
            final AgentOptions options = AgentOptions.parse("on," + bad);
            assertFalse(options.enabled(), bad);
            assertTrue(options.error().startsWith("bad agent option '" + bad + "' in 'on," + bad + "': sample must " +
                "be a mean interval in bytes from 1 to 1024g, e.g. 512k, or off for full mode."), options.error());
        }
    }

    @Test
    void shouldReportTheCapacityTheTableHolds()
    {
        assertEquals(16, AgentOptions.parse("on,max_records=1").maxRecords());
        assertEquals(32, AgentOptions.parse("on,max_records=17").maxRecords());
        assertEquals(1024, AgentOptions.parse("on,max_records=1k").maxRecords());
        assertEquals(AgentOptions.MAX_RECORDS_MAX, AgentOptions.parse("on,max_records=32m").maxRecords());
        assertEquals(OwnerTableDescriptor.MAX_CAPACITY, AgentOptions.MAX_RECORDS_MAX, "an accepted cap can start");
        assertRejected("on,max_records=33m", "'max_records=33m'", "max_records must be a whole number from 1 to " +
            "33554432");
        assertTrue(AgentOptions.parse("on,max_records=17").describe().contains(",max_records=32,"));
        assertEquals(List.of("max_records=17 holds 32 records: the table's capacity is a power of two, at least 16"),
            AgentOptions.parse("on,max_records=17").warnings());
        assertEquals(List.of(), AgentOptions.parse("on,max_records=64").warnings());
        for (final int asked : new int[]{ 1, 15, 16, 17, 1000, 1024, 1025, 3 << 20, AgentOptions.MAX_RECORDS_MAX })
        {
            try (OwnerTable table = new OwnerTable(asked, 12))
            {
                assertEquals(table.capacity(), AgentOptions.parse("on,max_records=" + asked).maxRecords(), "" + asked);
            }
        }
    }

    @Test
    void shouldTakeZeroAsFullModeAndSaySo()
    {
        for (final String zero : new String[]{ "0", "0k", "off" })
        {
            final AgentOptions options = AgentOptions.parse("on,sample=" + zero);
            assertNull(options.error(), zero);
            assertEquals(0, options.sampleBytes(), zero);
            assertEquals(AgentOptions.parse("on").describe(), options.describe(), zero);
        }
        assertTrue(AgentOptions.ACCEPTED.contains("off or 0 for full mode"), AgentOptions.ACCEPTED);
    }

    @Test
    void shouldGiveEverySwitchTheSameSyntax()
    {
        for (final String key : new String[]{ "dump_on_exit", "oom_dump" })
        {
            final String bare = AgentOptions.parse("on,oom_dump=off,dump_on_exit=off," + key).describe();
            assertTrue(bare.contains(key + "=on"), bare);
            assertTrue(AgentOptions.parse("on," + key + "=on").describe().contains(key + "=on"), key);
            assertTrue(AgentOptions.parse("on," + key + "=off").describe().contains(key + "=off"), key);
            for (final String bad : new String[]{ "yes", "no", "true", "false", "ON", "maybe", "" })
            {
                assertRejected("on," + key + "=" + bad, "'" + key + "=" + bad + "'", key + " must be on or off");
            }
        }
    }

    @Test
    void shouldWarnNamingBothWhenAnOptionIsGivenTwice()
    {
        final AgentOptions depth = AgentOptions.parse("on,depth=8,depth=32");
        assertNull(depth.error());
        assertEquals(32, depth.depth());
        assertEquals(List.of("agent option 'depth=32' overrides the earlier 'depth=8': the last one given is used"),
            depth.warnings());

        final AgentOptions onOff = AgentOptions.parse("on,off");
        assertFalse(onOff.enabled());
        assertEquals(List.of("agent option 'off' overrides the earlier 'on': the last one given is used"),
            onOff.warnings());

        assertEquals(List.of("agent option 'dump_on_exit=off' overrides the earlier 'dump_on_exit': the last one " +
            "given is used"), AgentOptions.parse("on,dump_on_exit,dump_on_exit=off").warnings());
        assertEquals(List.of(), AgentOptions.parse("on,depth=8,dump=x,sample=512k").warnings());
    }

    @Test
    void shouldSayThereIsNoSuchSignal()
    {
        assertRejected("on,signal=FOO", "'signal=FOO'", "there is no signal SIGFOO; use USR1, WINCH or URG");
        assertRejected("on,signal=SIGFOO", "'signal=SIGFOO'", "there is no signal SIGFOO");
        assertRejected("on,signal=SEGV", "'signal=SEGV'", "SIGSEGV is used by the JVM or cannot be caught");
        assertRejected("on,signal=KILL", "'signal=KILL'", "SIGKILL is used by the JVM or cannot be caught");
        assertFalse(AgentOptions.parse("on,signal=FOO").error().contains("used by the JVM"));
    }

    @Test
    void shouldCutAHugeBadTokenInTheMessage()
    {
        final String huge = "x".repeat(10_000);
        final AgentOptions options = AgentOptions.parse("on,depth=" + huge);
        final String error = options.error();
        assertFalse(options.enabled());
        assertTrue(error.length() < 2_000, error.length() + " characters: " + error);
        assertTrue(error.startsWith("bad agent option 'depth=" + "x".repeat(OptionValues.QUOTE_MAX - 6) +
            "...(10006 characters)' in 'on,depth=" + "x".repeat(OptionValues.QUOTE_MAX - 9) + "...(10009 characters)'"),
            error);
        assertTrue(error.contains("depth must be a whole number from 1 to 256"), error);
        assertTrue(AgentOptions.parse("on," + huge).error().length() < 2_000);
    }
}
