package io.pageowner.runtime;

import io.pageowner.log.AgentLog;
import io.pageowner.options.AgentOptions;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * The first class of the agent's own class loader: it opens what the agent needs of {@code java.base} to this
 * loader, defines the hook classes into java.base and only then hands over to {@link AgentRuntime}. It must not name
 * any hook type itself: the verifier would load {@code jdk.internal.misc.PageOwnerSink} while linking it, before it
 * exists. Nor may anything it runs before {@link #openJavaBase} touch {@code jdk.internal}: the options, the log and
 * the {@link Prelude}'s reads do not.
 */
public final class AgentCore
{
    private AgentCore()
    {
    }

    /**
     * Starts tracking.
     *
     * @param args the agent options, already known to parse and to say {@code on}.
     * @param inst the JVM's instrumentation.
     * @throws Exception if the agent cannot start; nothing is installed then.
     */
    public static void start(final String args, final Instrumentation inst) throws Exception
    {
        final AgentOptions options = AgentOptions.parse(args);
        AgentLog.level(options.logLevel());
        final Prelude prelude = Prelude.start(options);
        openJavaBase(inst);
        BootHooks.define();
        AgentRuntime.start(options, inst, prelude);
    }

    /**
     * Exports and opens to this loader what the agent uses of {@code java.base}: an agent jar's manifest cannot say
     * {@code Add-Exports} ({@code java.instrument} reads no such attribute), so this is the one way.
     * {@code jdk.internal.misc} for {@code Unsafe} and the hooks' package; {@code java.lang} opened so that stack
     * capture can read {@code Throwable}'s backtrace; {@code jdk.internal.vm} for the agent properties through which
     * {@code on <pid>} learns that the agent started; {@code jdk.internal.access} for the direct buffer pool, read at
     * start without loading {@code FileChannelImpl}.
     */
    private static void openJavaBase(final Instrumentation inst)
    {
        final Set<Module> agent = Set.of(AgentCore.class.getModule());
        inst.redefineModule(
            Object.class.getModule(),
            Set.of(),
            Map.of("jdk.internal.misc", agent, "jdk.internal.vm", agent, "jdk.internal.access", agent),
            Map.of("jdk.internal.misc", agent, "java.lang", agent),
            Set.of(),
            Map.of());
    }
}
