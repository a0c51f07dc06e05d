package io.pageowner.agent;

import java.lang.instrument.Instrumentation;

/** Placeholder entry point. */
public final class PageOwnerAgent
{
    private PageOwnerAgent()
    {
    }

    /**
     * Agent entry point.
     *
     * @param args agent options.
     * @param inst the JVM's instrumentation.
     */
    public static void premain(final String args, final Instrumentation inst)
    {
    }

    /**
     * Command line.
     *
     * @param args arguments.
     */
    public static void main(final String[] args)
    {
    }
}
