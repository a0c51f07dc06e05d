package io.pageowner.it;

import io.pageowner.it.apps.IdleProbe;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent loaded without {@code on}, or with options it cannot parse, installs nothing, starts no
 * thread, and the application runs exactly as without it.
 */
class AgentOffIT
{
    // NOTE: io.pageowner.it and io.pageowner.sample are the application's (the probes take Unsafe from the
    // sample app's OffHeap), not the agent's.
    private static final Pattern AGENT_CLASS = Pattern.compile("\\[class,load\\] " +
        "(io\\.pageowner\\.(?!it\\.|sample\\.)\\S+|\\S*bytebuddy\\S*|\\S*agrona\\S*|" +
        "jdk\\.internal\\.misc\\.PageOwner\\S*)");

    @Test
    void shouldLoadNothingWithoutOptions() throws Exception
    {
        assertIdle(ForkedJvm.main(IdleProbe.class).agent(null).jvmArgs("-Xlog:class+load=info").run());
    }

    @Test
    void shouldLoadNothingWhenOff() throws Exception
    {
        assertIdle(ForkedJvm.main(IdleProbe.class).agent("off,depth=8").jvmArgs("-Xlog:class+load=info").run());
    }

    @Test
    void shouldNameTheBadTokenAndStayOff() throws Exception
    {
        for (final String[] bad : new String[][]{
            { "on,depht=8", "depht=8", "unknown key 'depht'" },
            { "on,depth=abc", "depth=abc", "depth must be a whole number" },
            { "on,depth=0", "depth=0", "depth must be a whole number" },
            { "on,max_records=-5", "max_records=-5", "max_records must be" },
            { "onn", "onn", "unknown option 'onn'" },
            { "on,,dump=x", "", "empty option" } })
        {
            final ForkedJvm.Result result = ForkedJvm.main(IdleProbe.class).agent(bad[0]).run().assertSuccess();
            final String[] lines = result.stderr().strip().split("\n");
            assertEquals(1, lines.length, "one line on stderr: " + result.stderr());
            assertTrue(lines[0].startsWith("[page-owner] bad agent option '" + bad[1] + "'"), lines[0]);
            assertTrue(lines[0].contains(bad[2]), lines[0]);
            assertTrue(lines[0].contains("Accepted: on, off, depth="), lines[0]);
            assertTrue(result.stdout().contains("HOOKS false"), result.stdout());
            assertTrue(result.stdout().contains("MBEAN false"), result.stdout());
            assertTrue(result.stdout().contains("RESULT 42"), result.stdout());
        }
    }

    @Test
    void shouldRegisterHooksAndMBeanWhenOn() throws Exception
    {
        final ForkedJvm.Result result = ForkedJvm.main(IdleProbe.class).agent("on").args("await").run().assertSuccess();
        assertTrue(result.stdout().contains("HOOKS true"), result.stdout());
        assertTrue(result.stdout().contains("MBEAN true"), result.stdout());
        assertTrue(result.stdout().contains("RESULT 42"), result.stdout());
        assertFalse(result.stdout().contains("Sharing is only supported"), "no CDS warning: " + result.stdout());
        assertFalse(result.stderr().contains("Sharing is only supported"), "no CDS warning: " + result.stderr());
        assertFalse(result.stderr().contains("WARNING"), "no JVM warning: " + result.stderr());
    }

    @Test
    void shouldWarnNamingBothWhenOnIsOverriddenByOff() throws Exception
    {
        final ForkedJvm.Result result = ForkedJvm.main(IdleProbe.class).agent("on,off").run().assertSuccess();
        assertTrue(result.stdout().contains("HOOKS false"), result.stdout());
        assertEquals("[page-owner] agent option 'off' overrides the earlier 'on': the last one given is used",
            result.stderr().strip());
    }

    private static void assertIdle(final ForkedJvm.Result result)
    {
        result.assertSuccess();
        assertTrue(result.stdout().contains("HOOKS false"), result.stdout());
        assertTrue(result.stdout().contains("MBEAN false"), result.stdout());
        assertTrue(result.stdout().contains("RESULT 42"), result.stdout());
        final String threads = result.stdout().lines().filter(l -> l.startsWith("THREADS ")).findFirst().orElseThrow();
        assertFalse(threads.contains("page-owner"), "no agent thread: " + threads);
        assertEquals("", result.stderr());
        final Matcher loaded = AGENT_CLASS.matcher(result.stdout());
        while (loaded.find())
        {
            final String name = loaded.group(1);
            assertTrue(name.equals("io.pageowner.agent.PageOwnerAgent") || name.startsWith("io.pageowner.options."),
                "an off agent loaded " + name);
        }
    }
}
