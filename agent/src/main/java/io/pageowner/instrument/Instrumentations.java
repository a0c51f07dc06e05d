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
     * @return Unsafe's malloc, realloc and free, then the kind markers, the mapping advice and the direct-memory
     *         exhaustion advice.
     */
    public static List<AdviceSpec> all()
    {
        final List<AdviceSpec> specs = new ArrayList<>();
        specs.addAll(UnsafeInstrumentation.specs());
        specs.addAll(DirectBufferInstrumentation.specs());
        specs.addAll(ArenaInstrumentation.specs());
        specs.addAll(MappedInstrumentation.specs());
        specs.addAll(BitsInstrumentation.specs());
        return List.copyOf(specs);
    }

    /**
     * Every pool of an application library whose buffers are recorded as {@code POOLED}.
     *
     * @return one spec per pool class.
     */
    public static List<PoolSpec> pools()
    {
        return List.of(
            new NettyPooledInstrumentation(),
            NettyChunkInstrumentation.pooledArena(),
            new NettyAdaptiveInstrumentation(),
            NettyChunkInstrumentation.adaptive("SizeClassChunkController"),
            NettyChunkInstrumentation.adaptive("BuddyChunkController"));
    }
}
