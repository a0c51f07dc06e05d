package io.pageowner.weave;

/**
 * What the reports say of one advice, without its Byte Buddy parts: its name, the type it applies to,
 * the JDK versions it is meant for and how many methods it matched in this JDK's class files; or, for a
 * pool of an application library (Netty's), the class name it is matched by (its own, or a shaded copy's
 * name ending with it), woven when the application loads it.
 *
 * @param name     short name for reports, e.g. {@code Unsafe.allocateMemory}.
 * @param typeName the instrumented type.
 * @param versions the JDK versions it must match on, e.g. {@code 17+} or {@code 21}; {@code any} for a pool.
 * @param applies  whether it is meant for the running JDK (installed).
 * @param matched  methods it matched in the running JDK's class files (0 when it does not apply, or a pool).
 * @param pool     whether it is a pool's class, matched by name when loaded and never taken from the cache:
 *                 weaving it has effects (the pool's package, a warning for an unknown version) that a
 *                 cached copy would skip.
 */
public record AdviceInfo(String name, String typeName, String versions, boolean applies, int matched, boolean pool)
{
    /**
     * A pool's class.
     *
     * @param name     short name for reports.
     * @param typeName the class's unshaded name.
     * @return the entry.
     */
    public static AdviceInfo pool(final String name, final String typeName)
    {
        return new AdviceInfo(name, typeName, "any", true, 0, true);
    }
}
