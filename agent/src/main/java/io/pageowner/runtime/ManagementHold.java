package io.pageowner.runtime;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The thread that registers the MBean ({@code page-owner-jmx}), started first thing in {@code premain} when
 * {@code ManagementFactory} is not loaded yet: it takes {@code ManagementFactory}'s class lock (the lock
 * {@code getPlatformMBeanServer} is synchronized on) while the agent starts, and once the agent hands it the
 * control plane it makes the MBean, the platform MBean server and registers it, still holding the lock, while
 * {@code main} runs (see {@link AgentControl#start}). Started at the end of start-up instead, as it used to be,
 * start-up waited 3-5 ms for the new thread to run and load {@code ManagementFactory}; started first, that is
 * long done when start-up asks.
 * <p>
 * Nothing in the agent's start calls {@code getPlatformMBeanServer}, which would wait for the lock; should the
 * hand-over not come (start-up failed, or took more than {@value AgentControl#REGISTER_TIMEOUT_SECONDS} s), the
 * thread lets the lock go and ends.
 */
final class ManagementHold implements Runnable
{
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch handed = new CountDownLatch(1);
    private volatile AgentControl control;

    private ManagementHold()
    {
    }

    /**
     * Starts the thread, which takes the lock as soon as it runs.
     *
     * @return the hold, to hand the control plane to or to release.
     */
    static ManagementHold take()
    {
        final ManagementHold hold = new ManagementHold();
        final Thread thread = new Thread(hold, "page-owner-jmx");
        thread.setDaemon(true);
        thread.start();
        return hold;
    }

    @Override
    public void run()
    {
        synchronized (ManagementFactory.class)
        {
            holding.countDown();
            try
            {
                if (!handed.await(AgentControl.REGISTER_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                {
                    return;
                }
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            final AgentControl handedTo = control;
            if (null != handedTo)
            {
                handedTo.registerHeld();
            }
        }
    }

    /**
     * Hands the control plane over: the thread registers its MBean, holding the lock.
     *
     * @param to the started control plane.
     */
    void handOver(final AgentControl to)
    {
        control = to;
        handed.countDown();
    }

    /**
     * Lets the lock go without registering anything: start-up failed.
     */
    void release()
    {
        handed.countDown();
    }

    /**
     * Waits until the thread holds the lock.
     *
     * @return true if it does; false if it did not get it within the time limit.
     * @throws InterruptedException if this thread is interrupted meanwhile.
     */
    boolean awaitHolding() throws InterruptedException
    {
        return holding.await(AgentControl.REGISTER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
