package io.pageowner.jmx;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageOwnerMBeanTest
{
    /** The thread names that served calls on the probe MBean. */
    public interface ProbeMXBean
    {
        String getServedBy();
    }

    /** Records the name of each thread that serves it. */
    public static final class Probe implements ProbeMXBean
    {
        final Map<String, Boolean> servedBy = new ConcurrentHashMap<>();

        @Override
        public String getServedBy()
        {
            final String name = Thread.currentThread().getName();
            servedBy.put(name, PageOwnerMBean.remoteCall(name));
            return name;
        }
    }

    @Test
    void shouldTellACallOverAJmxConnectionFromOneInProcess() throws Exception
    {
        final Probe probe = new Probe();
        final ObjectName name = new ObjectName("test:type=ServedBy");
        final javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        server.registerMBean(probe, name);
        final JMXConnectorServer connector = JMXConnectorServerFactory.newJMXConnectorServer(
            new JMXServiceURL("service:jmx:rmi://127.0.0.1"), null, server);
        connector.start();
        try (JMXConnector client = JMXConnectorFactory.connect(connector.getAddress()))
        {
            final MBeanServerConnection remote = client.getMBeanServerConnection();
            final String remoteThread = (String)remote.getAttribute(name, "ServedBy");
            final String localThread = (String)server.getAttribute(name, "ServedBy");

            assertTrue(probe.servedBy.get(remoteThread), remoteThread);
            assertFalse(probe.servedBy.get(localThread), localThread);
            assertEquals(Thread.currentThread().getName(), localThread);
        }
        finally
        {
            connector.stop();
            server.unregisterMBean(name);
        }
    }
}
