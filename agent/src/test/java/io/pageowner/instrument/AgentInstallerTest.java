package io.pageowner.instrument;

import net.bytebuddy.dynamic.ClassFileLocator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up check of what each advice matches, from the running JDK's class files, without
 * loading or transforming anything.
 */
class AgentInstallerTest
{
    private static final int JDK = Runtime.version().feature();

    @Test
    void shouldMatchEveryAdviceMeantForThisJdk()
    {
        final AgentInstaller installer = new AgentInstaller(Instrumentations.all());
        installer.checkMatches(ClassFileLocator.ForClassLoader.ofBootLoader());
        assertEquals(List.of(), installer.unmatched(), "on JDK " + JDK + ": " + installer.matches());
        final Set<String> meant = new TreeSet<>();
        for (final AdviceSpec spec : Instrumentations.all())
        {
            if (spec.appliesTo(JDK))
            {
                meant.add(spec.name());
                assertTrue(installer.matches().get(spec.name()) >= 1, spec.name());
            }
        }
        assertEquals(meant, new TreeSet<>(installer.matches().keySet()));
    }

    @Test
    void shouldReportARenamedMethodByNameAndKeepTheOthers()
    {
        final List<AdviceSpec> specs = new ArrayList<>(UnsafeInstrumentation.specs());
        specs.add(new AdviceSpec(
            "Unsafe.allocateMemoryRenamed", UnsafeInstrumentation.UNSAFE, named("allocateMemoryRenamed"),
            UnsafeInstrumentation.AllocateMemoryAdvice.class));
        specs.add(new AdviceSpec(
            "Gone.method", "jdk.internal.misc.NoSuchClass", named("method"),
            UnsafeInstrumentation.AllocateMemoryAdvice.class));
        final AgentInstaller installer = new AgentInstaller(specs);
        installer.checkMatches(ClassFileLocator.ForClassLoader.ofBootLoader());
        assertEquals(List.of("Unsafe.allocateMemoryRenamed", "Gone.method"), installer.unmatched());
        assertEquals(1, installer.matches().get("Unsafe.allocateMemory"));
        assertEquals(1, installer.matches().get("Unsafe.freeMemory"));
        assertEquals(1, installer.matches().get("Unsafe.reallocateMemory"));
    }

    @Test
    void shouldInstallOnlyTheAdviceMeantForAJdkVersion()
    {
        final AgentInstaller on21 = new AgentInstaller(Instrumentations.all(), 21);
        assertTrue(on21.matches().containsKey("NativeMemorySegmentImpl.makeNativeSegment"));
        assertTrue(!on21.matches().containsKey("SegmentFactories.allocateNativeSegment"));
        assertEquals(List.of("SegmentFactories.allocateNativeSegment"), names(on21.skipped()));

        final AgentInstaller on25 = new AgentInstaller(Instrumentations.all(), 25);
        assertTrue(on25.matches().containsKey("SegmentFactories.allocateNativeSegment"));
        assertEquals(List.of("NativeMemorySegmentImpl.makeNativeSegment"), names(on25.skipped()));

        final AgentInstaller on17 = new AgentInstaller(Instrumentations.all(), 17);
        assertEquals(List.of("NativeMemorySegmentImpl.makeNativeSegment", "SegmentFactories.allocateNativeSegment"),
            names(on17.skipped()));
        assertEquals("21", on17.versions().get("NativeMemorySegmentImpl.makeNativeSegment"));
        assertEquals("22+", on17.versions().get("SegmentFactories.allocateNativeSegment"));
        assertEquals("17+", on17.versions().get("ByteBuffer.allocateDirect"));
        assertEquals(Instrumentations.all().size(), on17.versions().size());
    }

    @Test
    void shouldDescribeVersionRanges()
    {
        final AdviceSpec spec = UnsafeInstrumentation.specs().get(0);
        assertEquals("17+", spec.versions());
        final AdviceSpec range = new AdviceSpec("x", "y", named("z"), Object.class, 18, 20);
        assertEquals("18-20", range.versions());
        assertTrue(!range.appliesTo(17) && range.appliesTo(18) && range.appliesTo(20) && !range.appliesTo(21));
    }

    private static List<String> names(final List<AdviceSpec> specs)
    {
        final List<String> names = new ArrayList<>();
        for (final AdviceSpec spec : specs)
        {
            names.add(spec.name());
        }
        return names;
    }
}
