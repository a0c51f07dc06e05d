package io.pageowner.instrument;

import jdk.internal.misc.PageOwnerHooks;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Advice on {@code java.lang.management.ManagementFactory.getPlatformMBeanServer()}, the one place the
 * platform MBean server is made and handed out (to the application, JConsole's local agent, the attach
 * mechanism's {@code startLocalManagementAgent}, {@code -Dcom.sun.management.jmxremote}): the agent
 * registers its MBean there the first time the method returns. So the MBean is there for anyone who
 * can look for it, while start-up never pays for creating the server (about 200 ms, measured), and a
 * program that never uses JMX never gets one. The signature is the same on 17, 21 and 25.
 */
public final class ManagementInstrumentation
{
    /** The instrumented class. */
    public static final String MANAGEMENT_FACTORY = "java.lang.management.ManagementFactory";

    private ManagementInstrumentation()
    {
    }

    /**
     * The advice this class contributes.
     *
     * @return one spec.
     */
    public static List<AdviceSpec> specs()
    {
        return List.of(new AdviceSpec(
            "ManagementFactory.getPlatformMBeanServer", MANAGEMENT_FACTORY,
            named("getPlatformMBeanServer").and(takesArguments(0)).and(isStatic()),
            PlatformServerAdvice.class));
    }

    /**
     * {@code static synchronized MBeanServer getPlatformMBeanServer()}: hands the server to the agent.
     */
    public static final class PlatformServerAdvice
    {
        private PlatformServerAdvice()
        {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Return final Object server)
        {
            PageOwnerHooks.platformMBeanServer(server);
        }
    }
}
