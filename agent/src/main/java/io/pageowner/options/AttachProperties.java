package io.pageowner.options;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What a started agent tells {@code java -jar page-owner.jar on <pid>} through the target JVM's agent properties
 * (the attach mechanism's {@code VirtualMachine.getAgentProperties()}; the application never sees them): its
 * options, the JDK's buffer pools when it started, and the {@code EnableDynamicAgentLoading} flag as the command
 * line set it. With these, {@code on} needs no JMX connection, whose management agent the target would first have
 * to start (most of a second). The options are written last, so their presence means the rest are there.
 */
public final class AttachProperties
{
    /** The agent's options as {@link AgentOptions#describe()} gives them. */
    public static final String OPTIONS = "io.pageowner.options";
    /** The JDK's buffer pools at start: {@code name count bytes} per pool, separated by {@code ;}. */
    public static final String POOLS = "io.pageowner.pools_at_start";
    /** {@code true} or {@code false} if the command line set {@code EnableDynamicAgentLoading}, else absent. */
    public static final String DYNAMIC_AGENT_LOADING = "io.pageowner.dynamic_agent_loading";

    private static final String FLAG = "EnableDynamicAgentLoading";

    private AttachProperties()
    {
    }

    /**
     * Writes the properties.
     *
     * @param into        the target's agent properties.
     * @param options     the agent's options, described.
     * @param pools       pool name to {count, bytes used}.
     * @param runtimeArgs the JVM's arguments, in order.
     */
    public static void publish(
        final Properties into,
        final String options,
        final Map<String, long[]> pools,
        final Iterable<String> runtimeArgs)
    {
        final StringBuilder text = new StringBuilder();
        for (final Map.Entry<String, long[]> pool : pools.entrySet())
        {
            text.append(text.length() > 0 ? ";" : "").append(pool.getKey()).append(' ')
                .append(pool.getValue()[0]).append(' ').append(pool.getValue()[1]);
        }
        into.setProperty(POOLS, text.toString());
        String flag = null;
        for (final String arg : runtimeArgs)
        {
            if (arg.equals("-XX:+" + FLAG))
            {
                flag = "true";
            }
            else if (arg.equals("-XX:-" + FLAG))
            {
                flag = "false";
            }
        }
        if (null != flag)
        {
            into.setProperty(DYNAMIC_AGENT_LOADING, flag);
        }
        into.setProperty(OPTIONS, options);
    }

    /**
     * The pools from {@link #POOLS}.
     *
     * @param text the property's value, or null.
     * @return pool name to {count, bytes used}; empty when absent or not readable.
     */
    public static Map<String, long[]> pools(final String text)
    {
        final Map<String, long[]> pools = new LinkedHashMap<>();
        if (null == text || text.isEmpty())
        {
            return pools;
        }
        for (final String pool : text.split(";"))
        {
            final String[] fields = pool.split(" ");
            if (3 == fields.length)
            {
                try
                {
                    pools.put(fields[0], new long[]{ Long.parseLong(fields[1]), Long.parseLong(fields[2]) });
                }
                catch (final NumberFormatException ex)
                {
                    // NOTE: informational only: a pool that does not read is left out.
                }
            }
        }
        return pools;
    }
}
