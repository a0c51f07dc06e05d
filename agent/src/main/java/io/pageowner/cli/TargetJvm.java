package io.pageowner.cli;

import io.pageowner.analysis.ExitStatus;
import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import io.pageowner.options.AttachProperties;
import io.pageowner.dump.DumpPaths;
import io.pageowner.jmx.PageOwnerMXBean;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.JMException;
import javax.management.MBeanException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * One JVM this command is attached to, through the JDK's attach mechanism, and, once asked for,
 * a JMX connection to its platform MBean server. Starting the connection starts the target's local
 * JMX agent, as {@code jcmd <pid> ManagementAgent.start_local} does; it stays up after we leave.
 * <p>
 * This class (and its package) runs only in the command's JVM, never in the target.
 */
final class TargetJvm implements AutoCloseable
{
    /** The agent's MBean. */
    static final ObjectName PAGE_OWNER = objectName(PageOwnerMXBean.OBJECT_NAME);

    private static final String[] POOLS = { "direct", "mapped" };

    private final long pid;
    private final VirtualMachine vm;
    private Properties properties;
    private JMXConnector connector;
    private MBeanServerConnection connection;

    private TargetJvm(final long pid, final VirtualMachine vm)
    {
        this.pid = pid;
        this.vm = vm;
    }

    /**
     * Attaches to a JVM.
     *
     * @param process checked by {@link TargetProcess#check(long)}.
     * @return the attached JVM; close it.
     * @throws CliException if the attach mechanism refuses.
     */
    static TargetJvm attach(final TargetProcess process) throws CliException
    {
        final long pid = process.pid();
        try
        {
            return new TargetJvm(pid, AttachHandshake.attach(pid));
        }
        catch (final AttachNotSupportedException ex)
        {
            final String hint = String.valueOf(ex.getMessage()).contains("does not support the attach mechanism") ?
                " (started with -XX:+DisableAttachMechanism?)" :
                " (is it a HotSpot JVM of your user, responsive, started without -XX:+DisableAttachMechanism?)";
            throw new CliException(
                ExitStatus.FAILURE, "cannot attach to " + pid + ": " + ex.getMessage() + hint, ex);
        }
        catch (final IOException ex)
        {
            final String hint = String.valueOf(ex.getMessage()).contains("Connection refused") ?
                " (no attach listener answers on /tmp/.java_pid" + pid + "; if it is not this JVM's, remove it)" : "";
            throw new CliException(ExitStatus.FAILURE, "cannot attach to " + pid + ": " + message(ex) + hint, ex);
        }
    }

    /**
     * The process id.
     *
     * @return the pid.
     */
    long pid()
    {
        return pid;
    }

    /**
     * A system property of the target.
     *
     * @param key e.g. {@code java.version}.
     * @return the value, or an empty string.
     * @throws CliException if they cannot be read.
     */
    String property(final String key) throws CliException
    {
        if (null == properties)
        {
            try
            {
                properties = vm.getSystemProperties();
            }
            catch (final IOException ex)
            {
                throw failure("cannot read the system properties of " + pid + ": " + message(ex), ex);
            }
        }
        return properties.getProperty(key, "");
    }

    /**
     * The target's Java feature version.
     *
     * @return e.g. 17 or 25; 0 if it cannot be told.
     * @throws CliException if the properties cannot be read.
     */
    int featureVersion() throws CliException
    {
        return featureVersion(property("java.specification.version"));
    }

    /**
     * The feature version in a {@code java.specification.version} value.
     *
     * @param specification e.g. {@code 25}, or {@code 1.8} before 9.
     * @return e.g. 25 or 8; 0 if it is not a version.
     */
    static int featureVersion(final String specification)
    {
        final String major = specification.startsWith("1.") ? specification.substring(2) : specification;
        final int dot = major.indexOf('.');
        try
        {
            return Integer.parseInt(dot < 0 ? major : major.substring(0, dot));
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }

    /**
     * The target for messages: its main class or jar, and its Java version.
     *
     * @return e.g. {@code com.example.Main, Java 25.0.3}.
     * @throws CliException if the properties cannot be read.
     */
    String describe() throws CliException
    {
        final String command = property("sun.java.command").trim();
        final int space = command.indexOf(' ');
        final String main = space < 0 ? command : command.substring(0, space);
        return (main.isEmpty() ? "" : main + ", ") + "Java " + property("java.version");
    }

    /**
     * One of the agent properties a started agent publishes ({@link AttachProperties}), read afresh through the
     * attach mechanism: no JMX connection, so the target need not start its management agent.
     *
     * @param key e.g. {@link AttachProperties#OPTIONS}.
     * @return the value, or null if absent or unreadable.
     */
    String agentProperty(final String key)
    {
        try
        {
            return vm.getAgentProperties().getProperty(key);
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    /**
     * Whether the agent's MBean is registered.
     *
     * @return true if page-owner is loaded and tracking or paused.
     * @throws CliException if JMX fails.
     */
    boolean agentLoaded() throws CliException
    {
        try
        {
            return jmx().isRegistered(PAGE_OWNER);
        }
        catch (final IOException ex)
        {
            throw failure("JMX connection to " + pid + " failed: " + message(ex), ex);
        }
    }

    /**
     * Loads page-owner's jar into the target as a Java agent, which calls its {@code agentmain}.
     *
     * @param jar     this command's jar, absolute.
     * @param options the agent options.
     * @throws CliException if the target refuses or the load fails.
     */
    void loadAgent(final Path jar, final String options) throws CliException
    {
        try
        {
            vm.loadAgent(jar.toString(), options);
        }
        catch (final AgentLoadException ex)
        {
            final String text = String.valueOf(ex.getMessage());
            final String hint = text.contains("EnableDynamicAgentLoading") ?
                ": it was started with -XX:-EnableDynamicAgentLoading; restart it with -javaagent:" + jar +
                    "=on (or without that flag)" :
                "";
            throw failure(pid + " refused to load page-owner: " + text + hint, ex);
        }
        catch (final AgentInitializationException ex)
        {
            throw failure("page-owner's agentmain failed in " + pid + " (return code " + ex.returnValue() +
                "): see that JVM's stderr", ex);
        }
        catch (final IOException ex)
        {
            throw failure("cannot load page-owner into " + pid + ": " + message(ex), ex);
        }
    }


    /**
     * Reads attributes of the agent's MBean. Those the agent lacks (an older jar) are left out;
     * {@code TabularData} (an MXBean's map) becomes a map sorted by key.
     *
     * @param names of the attributes.
     * @return name to value, in the order asked, for those present.
     * @throws CliException if JMX fails.
     */
    Map<String, Object> attributes(final String... names) throws CliException
    {
        return attributes(PAGE_OWNER, names);
    }

    /**
     * Sets the agent's {@code Enabled} attribute.
     *
     * @param enabled false pauses recording, true resumes it.
     * @throws CliException if the attribute cannot be set.
     */
    void setEnabled(final boolean enabled) throws CliException
    {
        try
        {
            jmx().setAttribute(PAGE_OWNER, new Attribute("Enabled", enabled));
        }
        catch (final IOException | JMException | RuntimeException ex)
        {
            final String text = message(unwrap(ex));
            final String why = text.toLowerCase(java.util.Locale.ROOT).contains("read-only") ?
                "the agent there has a read-only Enabled attribute (" + text + "): it is older than this command" :
                text;
            throw failure("cannot " + (enabled ? "resume" : "pause") + " tracking in " + pid + ": " + why, ex);
        }
    }

    /**
     * Asks the agent for a dump.
     *
     * @param path absolute and already expanded, or empty for the agent's {@code dump=} path.
     * @return the agent's one-line summary.
     * @throws CliException if the dump cannot be written.
     */
    String dump(final String path) throws CliException
    {
        try
        {
            // NOTE: the agent expands every path it is given; this one is expanded already (the user
            // was shown it), so its percent signs go as literals.
            final String pattern = null == path ? null : DumpPaths.literal(path);
            return String.valueOf(jmx().invoke(
                PAGE_OWNER, "dump", new Object[]{ pattern }, new String[]{ String.class.getName() }));
        }
        catch (final IOException | JMException | RuntimeException ex)
        {
            final Throwable cause = unwrap(ex);
            // NOTE: the agent's IOException already says "cannot write dump to <path>: <reason>".
            throw failure(cause instanceof IOException && ex instanceof MBeanException ?
                message(cause) + " (in " + pid + ")" :
                "dump in " + pid + " failed: " + message(cause), ex);
        }
    }

    /**
     * Asks the agent to keep a baseline of its stacks' live totals.
     *
     * @return the agent's one-line summary.
     * @throws CliException if the agent has no such operation or fails.
     */
    String baseline() throws CliException
    {
        try
        {
            return String.valueOf(jmx().invoke(PAGE_OWNER, "baseline", new Object[0], new String[0]));
        }
        catch (final IOException | JMException | RuntimeException ex)
        {
            throw failure("baseline in " + pid + " failed: " + message(unwrap(ex)), ex);
        }
    }

    /**
     * Asks the agent to write the growth since its baseline.
     *
     * @param path absolute and already expanded.
     * @return the agent's one-line summary.
     * @throws CliException if there is no baseline or the file cannot be written.
     */
    String diff(final String path) throws CliException
    {
        try
        {
            return String.valueOf(jmx().invoke(PAGE_OWNER, "diff", new Object[]{ DumpPaths.literal(path) },
                new String[]{ String.class.getName() }));
        }
        catch (final IOException | JMException | RuntimeException ex)
        {
            final Throwable cause = unwrap(ex);
            // NOTE: "no baseline in <pid>: take one first (...)" says it all.
            throw failure(cause instanceof IllegalStateException ? message(cause) :
                cause instanceof IOException && ex instanceof MBeanException ? message(cause) + " (in " + pid + ")" :
                "diff in " + pid + " failed: " + message(cause), ex);
        }
    }

    /**
     * The JVM's own totals of direct and mapped buffers, which include memory allocated before the
     * agent started (BufferPoolMXBean).
     *
     * @return pool name to {count, bytes used}; pools that cannot be read are left out.
     */
    Map<String, long[]> bufferPools()
    {
        final Map<String, long[]> pools = new LinkedHashMap<>();
        for (final String pool : POOLS)
        {
            try
            {
                final Map<String, Object> values =
                    attributes(objectName("java.nio:type=BufferPool,name=" + pool), "Count", "MemoryUsed");
                if (values.get("Count") instanceof Long && values.get("MemoryUsed") instanceof Long)
                {
                    pools.put(pool, new long[]{ (Long)values.get("Count"), (Long)values.get("MemoryUsed") });
                }
            }
            catch (final CliException ex)
            {
                // NOTE: informational only; a failed read leaves the pool out.
            }
        }
        return pools;
    }


    private Map<String, Object> attributes(final ObjectName name, final String... names) throws CliException
    {
        final AttributeList list;
        try
        {
            list = jmx().getAttributes(name, names);
        }
        catch (final IOException | JMException | RuntimeException ex)
        {
            throw failure("cannot read " + name + " in " + pid + ": " + message(unwrap(ex)), ex);
        }
        final Map<String, Object> found = new LinkedHashMap<>();
        for (final Attribute attribute : list.asList())
        {
            found.put(attribute.getName(), plain(attribute.getValue()));
        }
        final Map<String, Object> ordered = new LinkedHashMap<>();
        for (final String key : names)
        {
            if (found.containsKey(key))
            {
                ordered.put(key, found.get(key));
            }
        }
        return ordered;
    }

    private static Object plain(final Object value)
    {
        if (!(value instanceof TabularData))
        {
            return value;
        }
        final Map<String, Object> map = new TreeMap<>();
        for (final Object row : ((TabularData)value).values())
        {
            final CompositeData entry = (CompositeData)row;
            map.put(String.valueOf(entry.get("key")), entry.get("value"));
        }
        return map;
    }

    private MBeanServerConnection jmx() throws CliException
    {
        if (null == connection)
        {
            try
            {
                final String address = vm.startLocalManagementAgent();
                connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
                connection = connector.getMBeanServerConnection();
            }
            catch (final IOException | RuntimeException ex)
            {
                throw failure("cannot open a JMX connection to " + pid + ": " + message(ex), ex);
            }
        }
        return connection;
    }

    /**
     * Closes the JMX connection and detaches; the target runs on unchanged.
     */
    @Override
    public void close()
    {
        try
        {
            if (null != connector)
            {
                connector.close();
            }
        }
        catch (final IOException ex)
        {
            // NOTE: the target may have exited; nothing of ours is left to clean up.
        }
        try
        {
            vm.detach();
        }
        catch (final IOException ex)
        {
            // NOTE: as above.
        }
    }

    private static Throwable unwrap(final Throwable ex)
    {
        Throwable cause = ex;
        while ((cause instanceof MBeanException || cause instanceof RuntimeMBeanException ||
            cause instanceof javax.management.ReflectionException) && null != cause.getCause())
        {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String message(final Throwable ex)
    {
        final String text = ex.getMessage();
        return null == text || text.isBlank() ? ex.getClass().getName() : text;
    }

    private CliException failure(final String message, final Throwable cause)
    {
        return new CliException(ExitStatus.FAILURE, message, cause);
    }

    private static ObjectName objectName(final String name)
    {
        try
        {
            return new ObjectName(name);
        }
        catch (final MalformedObjectNameException ex)
        {
            throw new IllegalArgumentException(name, ex);
        }
    }
}
