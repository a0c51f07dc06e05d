package io.pageowner.weave;

import java.lang.instrument.ClassFileTransformer;
import java.util.List;

/**
 * What makes woven bytes from original ones (Byte Buddy, in {@code instrument}). Created only when
 * the cache cannot answer, so a warm start never loads it.
 */
public interface Weaver
{
    /**
     * Every advice the agent has, checked against this JDK's class files without loading any class.
     *
     * @return one entry per advice, in a stable order.
     */
    List<AdviceInfo> advice();

    /**
     * A transformer that weaves the advice into the classes it applies to; not installed by itself.
     *
     * @return the transformer; it returns null for classes it leaves alone.
     */
    ClassFileTransformer transformer();

    /**
     * The class file of a JDK class as the runtime image holds it: the bytes the JVM hands a transformer
     * when it loads that class, so that a first start can weave them ahead for the later ones.
     *
     * @param typeName the class's binary name.
     * @return its bytes, or null if there is no such class file.
     */
    byte[] classFile(String typeName);

    /**
     * Errors the weaver met while transforming.
     *
     * @return the count.
     */
    long errors();

    /**
     * Why the weaver has just left a pool's class alone, if it did (a version whose fields or methods differ from
     * what the pool's advice needs), taken back so that each is told once: the caller warns with it, and keeps it
     * with the class's entry in the cache, so that a later start warns alike without the weaver.
     *
     * @param className the class's internal name, as the transformer was given it.
     * @param loader    the class's loader, as the transformer was given it.
     * @return the pool's name, a tab and what the class lacks; or null if it was woven, or is no pool's.
     */
    default String takePoolRejection(final String className, final ClassLoader loader)
    {
        return null;
    }
}
