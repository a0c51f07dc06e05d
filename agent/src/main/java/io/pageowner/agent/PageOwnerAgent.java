package io.pageowner.agent;

import io.pageowner.options.AgentOptions;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.util.Arrays;

/**
 * The jar's entry points: {@code premain} and {@code agentmain} for the agent, {@code main} for the
 * command line.
 * <p>
 * This class is loaded by the application's class loader, so it does as little as it can and holds
 * no state: it parses the options, and only when they say {@code on} does it load the rest of the
 * agent in a class loader of its own (parent: the platform loader), so that the agent's classes,
 * Byte Buddy and Agrona never mix with the application's, and the {@code jdk.internal.misc} access
 * the agent needs is granted to that loader alone. Nothing here throws: a failure prints one line
 * and the application runs on without the agent.
 */
public final class PageOwnerAgent
{
    private static final String CORE_CLASS = "io.pageowner.runtime.AgentCore";

    private PageOwnerAgent()
    {
    }

    /**
     * Entry point for {@code -javaagent:page-owner.jar[=options]}.
     *
     * @param args the agent options.
     * @param inst the JVM's instrumentation.
     */
    public static void premain(final String args, final Instrumentation inst)
    {
        start(args, inst);
    }

    /**
     * Entry point for loading into a running JVM.
     *
     * @param args the agent options.
     * @param inst the JVM's instrumentation.
     */
    public static void agentmain(final String args, final Instrumentation inst)
    {
        start(args, inst);
    }

    private static synchronized void start(final String args, final Instrumentation inst)
    {
        try
        {
            final AgentOptions options = AgentOptions.parse(args);
            if (null != options.error())
            {
                System.err.println("[page-owner] " + options.error());
                return;
            }
            if (!"off".equals(options.logLevel()))
            {
                for (final String warning : options.warnings())
                {
                    System.err.println("[page-owner] " + warning);
                }
            }
            if (!options.enabled())
            {
                return;
            }

            final URL jar = PageOwnerAgent.class.getProtectionDomain().getCodeSource().getLocation();
            // NOTE: through a static method typed ClassLoader: with `new AgentLoader` here, the verifier would load
            // AgentLoader (to check it is a ClassLoader) whenever this class links, off or on.
            final ClassLoader loader = AgentLoader.create(jar);
            // NOTE: AgentCore opens java.base's internals to its loader itself, while a thread of its own reads what
            // start-up reads from files.
            final Class<?> core = Class.forName(CORE_CLASS, true, loader);
            core.getMethod("start", String.class, Instrumentation.class).invoke(null, args, inst);
        }
        catch (final InvocationTargetException ex)
        {
            System.err.println("[page-owner] could not start, the application runs without it: " + ex.getCause());
        }
        catch (final Throwable ex)
        {
            System.err.println("[page-owner] could not start, the application runs without it: " + ex);
        }
    }

    /**
     * The command line: {@code java -jar page-owner.jar <command> ...}.
     *
     * @param args the command and its arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(Cli.run(args, System.out, System.err));
    }

    static String[] tail(final String[] args)
    {
        return Arrays.copyOfRange(args, 1, args.length);
    }
}
