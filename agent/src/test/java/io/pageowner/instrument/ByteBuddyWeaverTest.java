package io.pageowner.instrument;

import io.pageowner.weave.AdviceInfo;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up check of what each advice matches, from the running JDK's class files, without
 * loading or transforming anything.
 */
class ByteBuddyWeaverTest
{
    private static final int JDK = Runtime.version().feature();

    @Test
    void shouldMatchEveryAdviceMeantForThisJdk()
    {
        final List<AdviceInfo> advice = new ByteBuddyWeaver(Instrumentations.all()).advice();
        assertEquals(List.of(), unmatched(advice), "on JDK " + JDK + ": " + advice);
        final Set<String> meant = new TreeSet<>();
        for (final AdviceSpec spec : Instrumentations.all())
        {
            if (spec.appliesTo(JDK))
            {
                meant.add(spec.name());
                assertTrue(matches(advice).get(spec.name()) >= 1, spec.name());
            }
        }
        assertEquals(meant, new TreeSet<>(matches(advice).keySet()));
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
        final List<AdviceInfo> advice =
            new ByteBuddyWeaver(specs).advice(ClassFileLocator.ForClassLoader.ofBootLoader());
        assertEquals(List.of("Unsafe.allocateMemoryRenamed", "Gone.method"), unmatched(advice));
        assertEquals(1, matches(advice).get("Unsafe.allocateMemory"));
        assertEquals(1, matches(advice).get("Unsafe.freeMemory"));
        assertEquals(1, matches(advice).get("Unsafe.reallocateMemory"));
    }

    @Test
    void shouldInstallOnlyTheAdviceMeantForAJdkVersion()
    {
        final List<AdviceInfo> on21 = new ByteBuddyWeaver(Instrumentations.all(), 21).advice();
        assertTrue(matches(on21).containsKey("NativeMemorySegmentImpl.makeNativeSegment"));
        assertTrue(!matches(on21).containsKey("SegmentFactories.allocateNativeSegment"));
        assertEquals(List.of("SegmentFactories.allocateNativeSegment"), skipped(on21));

        final List<AdviceInfo> on25 = new ByteBuddyWeaver(Instrumentations.all(), 25).advice();
        assertTrue(matches(on25).containsKey("SegmentFactories.allocateNativeSegment"));
        assertEquals(List.of("NativeMemorySegmentImpl.makeNativeSegment"), skipped(on25));

        final List<AdviceInfo> on17 = new ByteBuddyWeaver(Instrumentations.all(), 17).advice();
        assertEquals(List.of("NativeMemorySegmentImpl.makeNativeSegment", "SegmentFactories.allocateNativeSegment"),
            skipped(on17));
        final Map<String, String> versions = new LinkedHashMap<>();
        on17.forEach(info -> versions.put(info.name(), info.versions()));
        assertEquals("21", versions.get("NativeMemorySegmentImpl.makeNativeSegment"));
        assertEquals("22+", versions.get("SegmentFactories.allocateNativeSegment"));
        assertEquals("17+", versions.get("ByteBuffer.allocateDirect"));
        assertEquals(Instrumentations.all().size(), versions.size());
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

    private static Map<String, Integer> matches(final List<AdviceInfo> advice)
    {
        final Map<String, Integer> result = new LinkedHashMap<>();
        advice.stream().filter(AdviceInfo::applies).forEach(info -> result.put(info.name(), info.matched()));
        return result;
    }

    private static List<String> unmatched(final List<AdviceInfo> advice)
    {
        return advice.stream().filter(info -> info.applies() && 0 == info.matched()).map(AdviceInfo::name).toList();
    }

    private static List<String> skipped(final List<AdviceInfo> advice)
    {
        return advice.stream().filter(info -> !info.applies()).map(AdviceInfo::name).toList();
    }
}
