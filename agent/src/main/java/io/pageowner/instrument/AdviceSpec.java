package io.pageowner.instrument;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One advice class applied to the methods of one JDK type.
 *
 * @param name       short name for reports, e.g. {@code Unsafe.allocateMemory}.
 * @param typeName   the instrumented type.
 * @param methods    the methods it applies to.
 * @param adviceClass the {@code @Advice} class.
 */
public record AdviceSpec(
    String name,
    String typeName,
    ElementMatcher<? super MethodDescription> methods,
    Class<?> adviceClass)
{
}
