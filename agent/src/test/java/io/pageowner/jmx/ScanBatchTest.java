package io.pageowner.jmx;

import org.junit.jupiter.api.Test;

import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class ScanBatchTest
{
    private static final ObjectName NAME = name();

    /** Two figures from one costly scan, and one that needs none, as the page-owner MXBean has. */
    public interface GaugeMXBean
    {
        long getCount();

        long getBytes();

        String getName();
    }

    /** Counts up at each scan, so each read shows which scan it came from. */
    public static final class Gauge extends NotificationBroadcasterSupport implements GaugeMXBean
    {
        private final AtomicLong live = new AtomicLong();
        /** Calls seen by the registrable's hook, which runs before every read, write and operation. */
        final AtomicLong calls = new AtomicLong();
        final ScanBatch<long[]> batch = new ScanBatch<>(() -> new long[]{ live.incrementAndGet(), 100 * live.get() });

        @Override
        public long getCount()
        {
            return batch.get()[0];
        }

        @Override
        public long getBytes()
        {
            return batch.get()[1];
        }

        @Override
        public String getName()
        {
            return "gauge";
        }

        void called()
        {
            calls.incrementAndGet();
        }
    }

    private static ObjectName name()
    {
        try
        {
            return new ObjectName("test:type=Gauge");
        }
        catch (final javax.management.MalformedObjectNameException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void shouldServeAGetAttributesCallFromOneScanAndEachLoneReadFromItsOwn() throws Exception
    {
        final Gauge gauge = new Gauge();
        final MBeanServer server = MBeanServerFactory.newMBeanServer();
        server.registerMBean(gauge.batch.registrable(gauge, GaugeMXBean.class, gauge, gauge::called), NAME);

        final List<Attribute> all = server.getAttributes(NAME, new String[]{ "Count", "Bytes", "Name" }).asList();
        assertEquals(
            List.of(new Attribute("Count", 1L), new Attribute("Bytes", 100L), new Attribute("Name", "gauge")), all);
        assertEquals(1, gauge.batch.scans());

        assertEquals(2L, server.getAttribute(NAME, "Count"));
        assertEquals(300L, server.getAttribute(NAME, "Bytes"), "a lone read is never the last batch's");
        assertEquals(3, gauge.batch.scans());

        final List<Attribute> again = server.getAttributes(NAME, new String[]{ "Bytes", "Count" }).asList();
        assertEquals(List.of(new Attribute("Bytes", 400L), new Attribute("Count", 4L)), again);
        assertEquals(4, gauge.batch.scans());
        assertEquals(1, server.getAttributes(NAME, new String[]{ "Name" }).size(), "no scan when none is asked for");
        assertEquals(4, gauge.batch.scans());
        assertEquals(5, gauge.calls.get(), "the hook runs once per call, a batch being one call");
    }

    @Test
    void shouldStillBeAnMXBeanThatSendsItsNotifications() throws Exception
    {
        final Gauge gauge = new Gauge();
        final MBeanServer server = MBeanServerFactory.newMBeanServer();
        server.registerMBean(gauge.batch.registrable(gauge, GaugeMXBean.class, gauge, gauge::called), NAME);
        assertEquals("true", server.getMBeanInfo(NAME).getDescriptor().getFieldValue("mxbean"));

        final BlockingQueue<Notification> seen = new ArrayBlockingQueue<>(1);
        server.addNotificationListener(NAME, (notification, handback) -> seen.add(notification), null, null);
        gauge.sendNotification(new Notification("test.rose", NAME, 1));
        final Notification got = seen.poll(5, TimeUnit.SECONDS);
        assertNotNull(got);
        assertEquals("test.rose", got.getType());
    }
}
