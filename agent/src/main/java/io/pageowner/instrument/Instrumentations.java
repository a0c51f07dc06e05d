package io.pageowner.instrument;

import java.util.ArrayList;
import java.util.List;

/**
 * Every advice the agent has, for every JDK it supports; {@link AgentInstaller} picks the ones meant
 * for the running JDK.
 */
public final class Instrumentations
{
    private Instrumentations()
    {
    }

    /**
     * All advice specs.
     *
     * @return Unsafe's malloc, realloc and free, then the kind markers, the mapping advice the direct-memory
     *         exhaustion advice and the platform MBean server's.
     */
    public static List<AdviceSpec> all()
    {
        final List<AdviceSpec> specs = new ArrayList<>();
        specs.addAll(UnsafeInstrumentation.specs());
        specs.addAll(DirectBufferInstrumentation.specs());
        specs.addAll(ArenaInstrumentation.specs());
        specs.addAll(MappedInstrumentation.specs());
        specs.addAll(BitsInstrumentation.specs());
        specs.addAll(ManagementInstrumentation.specs());
        return List.copyOf(specs);
    }
}
