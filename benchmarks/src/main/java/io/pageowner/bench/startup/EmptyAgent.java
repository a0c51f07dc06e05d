package io.pageowner.bench.startup;

import java.lang.instrument.Instrumentation;

/**
 * A Java agent that does nothing: the floor any {@code -javaagent} pays.
 */
public final class EmptyAgent
{
    private EmptyAgent()
    {
    }

    /**
     * Does nothing.
     *
     * @param args ignored.
     * @param inst ignored.
     */
    public static void premain(final String args, final Instrumentation inst)
    {
        // NOTE: empty on purpose.
    }
}
