package io.pageowner.analysis;

import io.pageowner.analysis.group.SortKey;
import io.pageowner.analysis.output.CollapsedWeight;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SortOptionsTest
{
    @Test
    void shouldDefaultToTimesDescending() throws UsageException
    {
        final SortOptions options = SortOptions.parse(new String[]{ "in", "out" });
        assertArrayEquals(new SortKey[]{ SortKey.TIMES }, options.sortKeys());
        assertArrayEquals(new int[]{ -1 }, options.sortSigns());
        assertEquals(0, options.cull());
        assertFalse(options.keepTimestamps());
        assertEquals("in", options.input());
        assertEquals("out", options.output());
    }

    @Test
    void shouldAcceptCullArgumentInBothForms() throws UsageException
    {
        final SortOptions joined = SortOptions.parse(new String[]{ "--cull=st,pid", "in", "out" });
        final SortOptions separate = SortOptions.parse(new String[]{ "--cull", "st,pid", "in", "out" });
        assertEquals(joined.cull(), separate.cull());
        assertTrue(joined.culls(SortKey.STACKTRACE));
        assertTrue(joined.culls(SortKey.PID));
        assertFalse(joined.culls(SortKey.NAME));
    }

    @Test
    void shouldAcceptEveryCullKeyAndShortForm() throws UsageException
    {
        final SortOptions options = SortOptions.parse(
            new String[]{ "--cull=p,tg,n,st,ator,mod", "--cull", "kind,frame", "in", "out" });
        for (final SortKey key : new SortKey[]{ SortKey.PID, SortKey.TGID, SortKey.NAME, SortKey.STACKTRACE,
            SortKey.ALLOCATOR, SortKey.MODULE, SortKey.KIND, SortKey.FRAME })
        {
            assertTrue(options.culls(key), key.name());
        }
    }

    @Test
    void shouldRejectCullKeysTheKernelRejects()
    {
        for (final String bad : new String[]{ "comm", "f", "free", "txt", "at", "", "st,", "PID" })
        {
            final UsageException ex = assertThrows(UsageException.class,
                () -> SortOptions.parse(new String[]{ "--cull=" + bad, "in", "out" }), bad);
            assertEquals("wrong argument after --cull option:" + bad, ex.getMessage());
            assertFalse(ex.showUsage());
        }
    }

    @Test
    void shouldParseSortSpecWithSigns() throws UsageException
    {
        final SortOptions options = SortOptions.parse(new String[]{ "--sort=-pid,+at,T,tg,-bytes", "in", "out" });
        assertArrayEquals(
            new SortKey[]{ SortKey.PID, SortKey.ALLOC_TS, SortKey.TXT, SortKey.TGID, SortKey.BYTES },
            options.sortKeys());
        assertArrayEquals(new int[]{ -1, 1, 1, 1, -1 }, options.sortSigns());
        assertFalse(options.keepTimestamps(), "ts digits are kept only when alloc_ts is the first key");
        assertTrue(options.showBytes());
    }

    @Test
    void shouldKeepTimestampsWhenAllocTsComesFirst() throws UsageException
    {
        assertTrue(SortOptions.parse(new String[]{ "--sort=at,pid", "in", "out" }).keepTimestamps());
        assertTrue(SortOptions.parse(new String[]{ "-a", "in", "out" }).keepTimestamps());
    }

    @Test
    void shouldRejectBadSortSpec()
    {
        for (final String bad : new String[]{ "", "pid,", "+-pid", "times,foo", "Pid" })
        {
            final UsageException ex = assertThrows(UsageException.class,
                () -> SortOptions.parse(new String[]{ "--sort", bad, "in", "out" }), bad);
            assertEquals("wrong argument after --sort option:" + bad, ex.getMessage());
        }
    }

    @Test
    void shouldLetSingleSortOptionReplaceSort() throws UsageException
    {
        final SortOptions options = SortOptions.parse(new String[]{ "--sort=pid", "-m", "in", "out" });
        assertArrayEquals(new SortKey[]{ SortKey.PAGES }, options.sortKeys());
        assertArrayEquals(new int[]{ -1 }, options.sortSigns());
        final SortOptions after = SortOptions.parse(new String[]{ "-m", "--sort=pid", "in", "out" });
        assertArrayEquals(new SortKey[]{ SortKey.PAGES }, after.sortKeys(), "applied after all options");
    }

    @Test
    void shouldKeepSortGivenBeforeCull() throws UsageException
    {
        final SortOptions options = SortOptions.parse(new String[]{ "--sort=n", "--cull=pid", "in", "out" });
        assertArrayEquals(new SortKey[]{ SortKey.NAME }, options.sortKeys());
    }

    @Test
    void shouldRejectTwoSortOptions()
    {
        final UsageException ex = assertThrows(UsageException.class,
            () -> SortOptions.parse(new String[]{ "-m", "-p", "in", "out" }));
        assertTrue(ex.showUsage());
        assertThrows(UsageException.class, () -> SortOptions.parse(new String[]{ "-mp", "in", "out" }));
        assertThrows(UsageException.class, () -> SortOptions.parse(new String[]{ "-b", "-t", "in", "out" }));
    }

    @Test
    void shouldAllowRepeatedSameSortOptionAndDebug() throws UsageException
    {
        final SortOptions options = SortOptions.parse(new String[]{ "-mm", "-d", "-dm", "in", "out" });
        assertArrayEquals(new SortKey[]{ SortKey.PAGES }, options.sortKeys());
        assertTrue(options.debug());
    }

    @Test
    void shouldPermuteOptionsAfterOperandsLikeGetopt() throws UsageException
    {
        final SortOptions options = SortOptions.parse(new String[]{ "in", "-P", "out", "--cull", "tgid" });
        assertArrayEquals(new SortKey[]{ SortKey.TGID }, options.sortKeys());
        assertTrue(options.culls(SortKey.TGID));
        assertEquals("in", options.input());
        assertEquals("out", options.output());
    }

    @Test
    void shouldTreatEverythingAfterDoubleDashAsOperands() throws UsageException
    {
        final SortOptions options = SortOptions.parse(new String[]{ "-m", "--", "-in", "-out" });
        assertEquals("-in", options.input());
        assertEquals("-out", options.output());
    }

    @Test
    void shouldTreatLoneDashAsOperand() throws UsageException
    {
        final SortOptions options = SortOptions.parse(new String[]{ "-", "-" });
        assertEquals("-", options.input());
        assertEquals("-", options.output());
    }

    @Test
    void shouldAcceptUnambiguousLongOptionPrefixes() throws UsageException
    {
        final SortOptions options = SortOptions.parse(new String[]{ "--cu=st", "--so", "pid", "--na=x", "in", "out" });
        assertTrue(options.culls(SortKey.STACKTRACE));
        assertArrayEquals(new SortKey[]{ SortKey.PID }, options.sortKeys());
        assertArrayEquals(new String[]{ "x" }, options.names());
    }

    @Test
    void shouldRejectAmbiguousUnknownAndMalformedLongOptions()
    {
        assertTrue(assertThrows(UsageException.class,
            () -> SortOptions.parse(new String[]{ "--s=pid", "in", "out" })).getMessage().contains("ambiguous"));
        assertEquals("unrecognized option '--frobnicate'", assertThrows(UsageException.class,
            () -> SortOptions.parse(new String[]{ "--frobnicate", "in", "out" })).getMessage());
        assertEquals("option '--pid' requires an argument", assertThrows(UsageException.class,
            () -> SortOptions.parse(new String[]{ "in", "out", "--pid" })).getMessage());
        assertEquals("option '--help' doesn't allow an argument", assertThrows(UsageException.class,
            () -> SortOptions.parse(new String[]{ "--help=1", "in", "out" })).getMessage());
        assertEquals("invalid option -- 'x'", assertThrows(UsageException.class,
            () -> SortOptions.parse(new String[]{ "-mx", "in", "out" })).getMessage());
    }

    @Test
    void shouldNeedTwoOperands()
    {
        final UsageException none = assertThrows(UsageException.class, () -> SortOptions.parse(new String[]{}));
        assertNull(none.getMessage());
        assertTrue(none.showUsage());
        assertThrows(UsageException.class, () -> SortOptions.parse(new String[]{ "in" }));
        assertThrows(UsageException.class, () -> SortOptions.parse(new String[]{ "in", "out", "more" }));
    }

    @Test
    void shouldStopAtHelp() throws UsageException
    {
        assertTrue(SortOptions.parse(new String[]{ "-h" }).help());
        assertTrue(SortOptions.parse(new String[]{ "--help", "-m", "-p" }).help());
        assertTrue(SortOptions.parse(new String[]{ "-mh" }).help());
        assertThrows(UsageException.class, () -> SortOptions.parse(new String[]{ "-x", "-h" }));
    }

    @Test
    void shouldParsePidListsWithStrtolRules() throws UsageException
    {
        final SortOptions options = SortOptions.parse(
            new String[]{ "--pid= 1,+2,-3,4294967297", "--tgid", "48213", "in", "out" });
        assertArrayEquals(new int[]{ 1, 2, -3, 1 }, options.pids(), "a pid_t is 32 bits, as after strtol");
        assertArrayEquals(new int[]{ 48213 }, options.tgids());
    }

    @Test
    void shouldRejectBadPidLists()
    {
        for (final String bad : new String[]{ "", "1,", ",1", "1,,2", "12a", "0x10", "1 ", "99999999999999999999" })
        {
            assertEquals("wrong/invalid pid in from the command line:" + bad, assertThrows(UsageException.class,
                () -> SortOptions.parse(new String[]{ "--pid=" + bad, "in", "out" }), bad).getMessage());
        }
        assertEquals("wrong/invalid tgid in from the command line:x", assertThrows(UsageException.class,
            () -> SortOptions.parse(new String[]{ "--tgid", "x", "in", "out" })).getMessage());
    }

    @Test
    void shouldSplitNamesOnCommasOnly() throws UsageException
    {
        final SortOptions options = SortOptions.parse(new String[]{ "--name=Netty (epoll) 1,,main", "in", "out" });
        assertArrayEquals(new String[]{ "Netty (epoll) 1", "", "main" }, options.names());
        assertTrue(options.shows(SortKey.NAME));
    }

    @Test
    void shouldMatchNamesAsTheirUtf8Bytes() throws UsageException
    {
        final SortOptions options = SortOptions.parse(new String[]{ "--name=\u00e9t\u00e9", "in", "out" });
        assertEquals("\u00c3\u00a9t\u00c3\u00a9", options.names()[0]);
    }

    @Test
    void shouldParseOurOptions() throws UsageException
    {
        final SortOptions options = SortOptions.parse(new String[]{
            "--format=html", "--weight", "pages", "--strict", "--show-bytes", "--kind=direct,MAPPED", "in", "out" });
        assertEquals(SortOptions.Format.HTML, options.format());
        assertEquals(CollapsedWeight.PAGES, options.weight());
        assertTrue(options.strict());
        assertTrue(options.showBytes());
        assertArrayEquals(new String[]{ "direct", "MAPPED" }, options.kinds());
        assertTrue(options.shows(SortKey.KIND));

        assertThrows(UsageException.class, () -> SortOptions.parse(new String[]{ "--format=pdf", "in", "out" }));
        assertThrows(UsageException.class, () -> SortOptions.parse(new String[]{ "--weight=kg", "in", "out" }));
        assertThrows(UsageException.class, () -> SortOptions.parse(new String[]{ "--kind=,", "in", "out" }));
        final UsageException bogus = assertThrows(UsageException.class,
            () -> SortOptions.parse(new String[]{ "--kind=direct,bogus", "in", "out" }));
        assertTrue(bogus.getMessage().startsWith("unknown kind 'bogus' after --kind: the kinds are UNSAFE, DIRECT"),
            bogus.getMessage());
        assertArrayEquals(new String[]{ "nio_temp", "__GFP_COMP" },
            SortOptions.parse(new String[]{ "--kind=nio_temp,__GFP_COMP", "in", "out" }).kinds());
    }

    @Test
    void shouldKeepTheStackOfAPprofSampleWhateverTheCull() throws UsageException
    {
        final SortOptions options = SortOptions.parse(new String[]{ "--format", "pprof", "--cull=kind", "in", "out" });
        assertEquals(SortOptions.Format.PPROF, options.format());
        assertTrue(options.culls(SortKey.KIND));
        assertTrue(options.culls(SortKey.STACKTRACE), "a sample needs the stack of its records");
        assertEquals(0, SortOptions.parse(new String[]{ "--format=pprof", "in", "out" }).cull(),
            "without --cull a group is one whole text, stack included");
    }

    @Test
    void shouldParseUnweighted() throws UsageException
    {
        assertFalse(SortOptions.parse(new String[]{ "in", "out" }).unweighted());
        assertTrue(SortOptions.parse(new String[]{ "--unweighted", "in", "out" }).unweighted());
        assertTrue(SortOptions.parse(new String[]{ "--unw", "-m", "in", "out" }).unweighted());
        assertThrows(UsageException.class, () -> SortOptions.parse(new String[]{ "--unweighted=yes", "in", "out" }));
    }

    @Test
    void shouldSortBytesDescendingWithB() throws UsageException
    {
        final SortOptions options = SortOptions.parse(new String[]{ "-b", "in", "out" });
        assertArrayEquals(new SortKey[]{ SortKey.BYTES }, options.sortKeys());
        assertArrayEquals(new int[]{ -1 }, options.sortSigns());
        assertTrue(options.showBytes());
    }
}
