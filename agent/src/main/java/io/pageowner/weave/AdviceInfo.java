package io.pageowner.weave;

/**
 * What the reports say of one advice, without its Byte Buddy parts: its name, the type it applies to,
 * the JDK versions it is meant for and how many methods it matched in this JDK's class files.
 *
 * @param name     short name for reports, e.g. {@code Unsafe.allocateMemory}.
 * @param typeName the instrumented type.
 * @param versions the JDK versions it must match on, e.g. {@code 17+} or {@code 21}.
 * @param applies  whether it is meant for the running JDK (installed).
 * @param matched  methods it matched in the running JDK's class files (0 when it does not apply).
 */
public record AdviceInfo(String name, String typeName, String versions, boolean applies, int matched)
{
}
