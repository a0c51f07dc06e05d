package io.pageowner.instrument;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One advice class applied to the methods of one JDK type, on the JDK feature versions where that
 * method exists. JDK internals move between releases, so each spec says where it must match: on
 * those versions it is installed and a miss is reported; elsewhere it is not installed at all.
 *
 * @param name        short name for reports, e.g. {@code Unsafe.allocateMemory}.
 * @param typeName    the instrumented type.
 * @param methods     the methods it applies to.
 * @param adviceClass the {@code @Advice} class.
 * @param fromFeature first JDK feature version it must match on, e.g. 17.
 * @param toFeature   last JDK feature version it must match on, {@link Integer#MAX_VALUE} for all later ones.
 */
public record AdviceSpec(
    String name,
    String typeName,
    ElementMatcher<? super MethodDescription> methods,
    Class<?> adviceClass,
    int fromFeature,
    int toFeature)
{
    /** The oldest JDK the agent supports. */
    public static final int OLDEST_FEATURE = 17;

    /**
     * A spec that must match on every supported JDK.
     *
     * @param name        short name for reports.
     * @param typeName    the instrumented type.
     * @param methods     the methods it applies to.
     * @param adviceClass the {@code @Advice} class.
     */
    public AdviceSpec(
        final String name,
        final String typeName,
        final ElementMatcher<? super MethodDescription> methods,
        final Class<?> adviceClass)
    {
        this(name, typeName, methods, adviceClass, OLDEST_FEATURE, Integer.MAX_VALUE);
    }

    /**
     * Whether this spec is meant for a JDK.
     *
     * @param feature the JDK's feature version, e.g. 25.
     * @return true if it must match there.
     */
    public boolean appliesTo(final int feature)
    {
        return feature >= fromFeature && feature <= toFeature;
    }

    /**
     * The versions it must match on, for messages.
     *
     * @return e.g. {@code 17+} or {@code 21}.
     */
    public String versions()
    {
        if (Integer.MAX_VALUE == toFeature)
        {
            return fromFeature + "+";
        }
        return fromFeature == toFeature ? Integer.toString(fromFeature) : fromFeature + "-" + toFeature;
    }
}
