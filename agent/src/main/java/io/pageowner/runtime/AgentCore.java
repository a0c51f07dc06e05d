package io.pageowner.runtime;

import io.pageowner.log.AgentLog;
import io.pageowner.options.AgentOptions;

import java.lang.instrument.Instrumentation;

/**
 * The first class of the agent's own class loader: it defines the hook classes into java.base and
 * only then hands over to {@link AgentRuntime}. It must not name any hook type itself: the verifier
 * would load {@code jdk.internal.misc.PageOwnerSink} while linking it, before it exists.
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
        BootHooks.define();
        AgentRuntime.start(options, inst);
    }
}
