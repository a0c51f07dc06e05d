package io.pageowner.jmx;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.InvalidAttributeValueException;
import javax.management.MBeanException;
import javax.management.ReflectionException;
import javax.management.DynamicMBean;
import javax.management.NotificationEmitter;
import javax.management.StandardEmitterMBean;

/**
 * A figure that costs a scan to work out, worked out once for all the attributes of one
 * {@code getAttributes} call: a client that polls several attributes at once (JConsole, VisualVM, a
 * JMX exporter) then costs one scan a poll, not one per attribute. Outside such a call every read
 * scans afresh, so a single {@code getAttribute} is never stale.
 *
 * @param <T> the figure.
 */
final class ScanBatch<T>
{
    private final Supplier<T> scan;
    private final AtomicLong scans = new AtomicLong();
    /** The figure of the call this thread is serving ([0] null until scanned), or null outside one. */
    private final ThreadLocal<Object[]> held = new ThreadLocal<>();

    /**
     * A figure.
     *
     * @param scan works it out.
     */
    ScanBatch(final Supplier<T> scan)
    {
        this.scan = scan;
    }

    /**
     * The figure: the one of the current batch if it has been worked out, else a new scan.
     *
     * @return the figure.
     */
    @SuppressWarnings("unchecked")
    T get()
    {
        final Object[] batch = held.get();
        if (null != batch && null != batch[0])
        {
            return (T)batch[0];
        }
        scans.incrementAndGet();
        final T figure = scan.get();
        if (null != batch)
        {
            batch[0] = figure;
        }
        return figure;
    }

    /**
     * Runs reads that share one scan.
     *
     * @param reads the reads.
     * @param <R>   what they give.
     * @return what they gave.
     */
    <R> R inOne(final Supplier<R> reads)
    {
        if (null != held.get())
        {
            return reads.get();
        }
        held.set(new Object[1]);
        try
        {
            return reads.get();
        }
        finally
        {
            held.remove();
        }
    }

    /**
     * Scans made so far.
     *
     * @return the count.
     */
    long scans()
    {
        return scans.get();
    }

    /**
     * An MXBean to register whose {@code getAttributes} reads all its attributes in one batch.
     *
     * @param implementation the MXBean.
     * @param mxbeanInterface its interface.
     * @param emitter        what sends its notifications.
     * @param onCall         run first on the caller's thread at every attribute read or write and operation.
     * @param <I>            the interface.
     * @return the MBean to register.
     */
    <I> DynamicMBean registrable(
        final I implementation,
        final Class<I> mxbeanInterface,
        final NotificationEmitter emitter,
        final Runnable onCall)
    {
        final ScanBatch<T> batch = this;
        return new StandardEmitterMBean(implementation, mxbeanInterface, true, emitter)
        {
            @Override
            public Object getAttribute(final String attribute)
                throws AttributeNotFoundException, MBeanException, ReflectionException
            {
                onCall.run();
                return super.getAttribute(attribute);
            }

            @Override
            public AttributeList getAttributes(final String[] attributes)
            {
                onCall.run();
                return batch.inOne(() -> super.getAttributes(attributes));
            }

            @Override
            public void setAttribute(final Attribute attribute)
                throws AttributeNotFoundException, InvalidAttributeValueException, MBeanException, ReflectionException
            {
                onCall.run();
                super.setAttribute(attribute);
            }

            @Override
            public AttributeList setAttributes(final AttributeList attributes)
            {
                onCall.run();
                return super.setAttributes(attributes);
            }

            @Override
            public Object invoke(final String operation, final Object[] params, final String[] signature)
                throws MBeanException, ReflectionException
            {
                onCall.run();
                return super.invoke(operation, params, signature);
            }
        };
    }
}
