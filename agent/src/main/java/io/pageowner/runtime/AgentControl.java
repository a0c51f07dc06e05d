package io.pageowner.runtime;

import io.pageowner.dump.CgroupMemory;
import io.pageowner.dump.DumpPaths;
import io.pageowner.dump.MemoryFigures;
import io.pageowner.dump.PageOwnerWriter;
import io.pageowner.dump.StackBaseline;
import io.pageowner.record.RecordClock;
import io.pageowner.record.Recorder;
import io.pageowner.jfr.JfrGate;
import io.pageowner.jmx.AgentOperations;
import io.pageowner.jmx.PageOwnerMBean;
import io.pageowner.jmx.PageOwnerMXBean;
import io.pageowner.log.AgentLog;
import io.pageowner.signal.SignalDumpHandler;
import io.pageowner.options.AgentOptions;
import io.pageowner.options.RssSize;
import io.pageowner.weave.Weaving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.management.ObjectName;

/**
 * The agent's control plane: every way a dump is triggered (JMX, a signal, a period, JVM exit,
 * direct memory running out) goes through here, and one lock makes dumps run one at a time, so two
 * triggers never interleave a file. Asynchronous triggers (signals, periods) run on the agent's own
 * daemon thread {@code page-owner}, which also watches the live-bytes threshold. The MBean is in the
 * platform MBean server whenever anyone can look for it (see {@link #start}). Every failure is logged with
 * the path and the reason; tracking goes on.
 */
public final class AgentControl implements AgentOperations
{
    private static final long OOM_DUMP_MIN_GAP_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long TICK_MILLIS = 1000;
    /** How often resident memory is read while {@code rss_dump} is set: a fast climb passes a threshold in ms. */
    private static final long RSS_POLL_MILLIS = 200;
    /** How long start-up waits for the MBean; a custom MBeanServerBuilder could take longer, or hang. */
    static final long REGISTER_TIMEOUT_SECONDS = 30;

    private final Recorder recorder;
    private final DumpParts dumps;
    private final AgentOptions options;
    private final long pid;
    private final ReentrantLock dumpLock = new ReentrantLock();
    /** The stacks' totals at the last {@link #baseline()}, or null: costs memory by stacks, not records. */
    private volatile StackBaseline baseline;
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final AtomicBoolean signalDumpQueued = new AtomicBoolean();
    private final AtomicLong lastOomDump = new AtomicLong(System.nanoTime() - OOM_DUMP_MIN_GAP_NANOS);
    private final PeriodicDumps periodicDumps = new PeriodicDumps(this);
    private final AtomicLong dumpsWritten = new AtomicLong();
    private final Weaving installer;
    private final Instrumentation inst;
    private final JfrGate jfr;
    /** Null until the registering thread has made it. */
    private volatile PageOwnerMBean mbean;
    private volatile boolean signalTaken;
    private volatile boolean detached;
    private RssWatch rssWatch;

    AgentControl(
        final Recorder recorder,
        final DumpParts dumps,
        final AgentOptions options,
        final long pid,
        final Weaving installer,
        final Instrumentation inst,
        final JfrGate jfr)
    {
        this.recorder = recorder;
        this.dumps = dumps;
        this.options = options;
        this.pid = pid;
        this.installer = installer;
        this.inst = inst;
        this.jfr = jfr;
    }

    /**
     * Turns tracking on or off. Off pauses recording with the advice left in place, so frees keep the
     * table true; after {@link #detach(boolean)}, on installs the advice again.
     *
     * @param enabled true to track.
     * @throws IOException if the advice cannot be installed again.
     */
    @Override
    public synchronized void enable(final boolean enabled) throws IOException
    {
        if (enabled && detached)
        {
            recorder.reattaching();
            asAgent(() ->
            {
                try
                {
                    installer.install(inst);
                }
                catch (final Exception ex)
                {
                    throw new IOException("could not install the advice again: " + ex, ex);
                }
                return null;
            });
            detached = false;
        }
        recorder.pause(!enabled);
    }

    /**
     * Removes the advice from every JDK class (the JVM then runs its original code: zero cost), and
     * keeps the table as a snapshot or clears it. A kept table no longer sees frees.
     *
     * @param clearTable true to forget every record.
     * @return a one-line summary.
     */
    @Override
    public synchronized String detach(final boolean clearTable)
    {
        recorder.pause(true);
        final boolean reset = installer.reset(inst);
        detached = true;
        final long cleared = clearTable ? recorder.clear() : 0;
        return (reset ? "advice removed" : "no advice was installed") +
            (clearTable ?
                ", " + cleared + " records cleared" : ", table kept as a snapshot (frees are no longer seen)");
    }

    /**
     * Whether the advice has been removed by {@link #detach(boolean)}.
     *
     * @return true if detached.
     */
    @Override
    public boolean detached()
    {
        return detached;
    }

    /**
     * Takes the dump signal, hooks direct-memory exhaustion and JVM exit, has the MBean registered in the
     * platform MBean server and starts the agent thread.
     * <p>
     * The MBean is in the platform MBean server for anyone who can look for it from the first statement of
     * {@code main}, without start-up waiting the ~200 ms a new server takes: a short-lived daemon thread takes
     * {@code ManagementFactory}'s class lock (the lock {@code getPlatformMBeanServer} is synchronized on),
     * start-up waits only until it holds it, and the thread then creates the server and registers the MBean
     * while {@code main} runs. A program that asks for the server meanwhile waits on that lock and finds the
     * MBean there; one that never asks does not wait at all. That thread, not an application thread, is the
     * one that reads the cgroup files (through NIO) a new server reads, so its temporary direct buffer ends
     * with it. When {@code ManagementFactory} was loaded before the agent (loaded into a running JVM), start-up
     * waits for the registration itself, as the server may already exist. Each wait is at most
     * {@value #REGISTER_TIMEOUT_SECONDS} s.
     *
     * The MBean itself is made on that thread too, once it holds the lock: its JMX base classes set up the
     * JDK's logging on first use, some 6 ms of start-up otherwise. The thread is started first thing in
     * start-up ({@link ManagementHold}), so it holds the lock long before it is asked to.
     *
     * @param hold  the thread holding {@code ManagementFactory}'s lock, or null when {@code ManagementFactory} was
     *              loaded before the agent started.
     */
    void start(final ManagementHold hold)
    {
        // NOTE: ControlTask and an anonymous Consumer, not lambdas: each lambda bootstraps method handles at start.
        if (!"none".equals(options.signal()))
        {
            signalTaken =
                SignalDumpHandler.register(options.signal(), new ControlTask(this, ControlTask.SIGNAL_DUMP));
        }
        if (options.oomDump())
        {
            recorder.onDirectMemoryExhausted(new ControlTask(this, ControlTask.OOM_DUMP));
        }
        if (options.intervalMillis() > 0)
        {
            Runtime.getRuntime().addShutdownHook(
                new Thread(new ControlTask(this, ControlTask.CLOSE_PERIODIC), "page-owner-periodic-close"));
        }
        if (options.dumpOnExit())
        {
            final Thread hook = new Thread(new ControlTask(this, ControlTask.EXIT_DUMP), "page-owner-exit-dump");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        // NOTE: the cgroup files (mountinfo can be long in a container) are read only when rss_dump= asks for them.
        if (RssSize.NONE != options.rssDump())
        {
            rssWatch = RssWatch.create(options.rssDump(), options.rssStep(), CgroupMemory.limit(), new Consumer<>()
            {
                @Override
                public void accept(final String refusal)
                {
                    AgentLog.warn(refusal);
                }
            });
        }
        if (null == hold)
        {
            final Thread registrar =
                new Thread(new ControlTask(this, ControlTask.REGISTER), "page-owner-jmx");
            registrar.setDaemon(true);
            registrar.start();
            awaitEnd(registrar);
        }
        else
        {
            hold.handOver(this);
            awaitHolding(hold);
        }
        final Thread thread = new Thread(new ControlTask(this, ControlTask.RUN), "page-owner");
        thread.setDaemon(true);
        thread.start();
        installer.onNewEntries(new ControlTask(this, ControlTask.WAKE));
    }

    /**
     * Whether the dump signal is ours.
     *
     * @return true if the handler was registered.
     */
    @Override
    public boolean signalTaken()
    {
        return signalTaken;
    }

    /**
     * Dumps written by any trigger since start.
     *
     * @return the count.
     */
    @Override
    public long dumpsWritten()
    {
        return dumpsWritten.get();
    }

    /**
     * Writes a dump now, on the calling thread (JMX), one dump at a time.
     *
     * @param path to write, a pattern as the {@code dump=} option's ({@code %p}, {@code %t}); null or
     *             blank for the {@code dump=} pattern.
     * @return the one-line summary.
     * @throws IOException naming the path and the reason.
     */
    @Override
    public String dump(final String path) throws IOException
    {
        final Path target = null == path || path.isBlank() ? defaultPath() : resolve(path);
        return writeDump(target);
    }

    /**
     * Writes the live-stacks view now, on the calling thread.
     *
     * @param path      to write, a pattern as the {@code dump=} option's ({@code %p}, {@code %t}).
     * @param threshold least pages for a stack to be shown.
     * @return a one-line summary.
     * @throws IOException naming the path and the reason.
     */
    @Override
    public String dumpStacks(final String path, final long threshold) throws IOException
    {
        final Path target = null == path || path.isBlank() ?
            DumpPaths.resolve(options.dumpPath() + ".stacks", pid, Instant.now()) : resolve(path);
        dumpLock.lock();
        try
        {
            final PageOwnerWriter.StacksSummary summary = asAgent(() -> dumps.writer().writeStacks(target, threshold));
            return "wrote " + target.toAbsolutePath() + ": stacks " + summary.stacks() + ", nr_base_pages " +
                summary.pages();
        }
        finally
        {
            dumpLock.unlock();
        }
    }

    @Override
    public String baseline()
    {
        dumpLock.lock();
        try
        {
            final StackBaseline taken = asAgent(() -> dumps.writer().baseline());
            baseline = taken;
            return "baseline of " + taken.stacks() + " stacks, " + taken.records() + " records, " + taken.bytes() +
                " bytes, at ts " + taken.asOfNs() + " ns";
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            dumpLock.unlock();
        }
    }

    @Override
    public String diff(final String path) throws IOException
    {
        final StackBaseline older = baseline;
        if (null == older)
        {
            throw new IllegalStateException("no baseline in " + pid + ": take one first (baseline() over JMX, or " +
                "java -jar page-owner.jar baseline " + pid + ")");
        }
        final Path target = null == path || path.isBlank() ?
            DumpPaths.resolve(options.dumpPath() + ".diff", pid, Instant.now()) : resolve(path);
        dumpLock.lock();
        try
        {
            final int changed = asAgent(() -> dumps.writer().writeGrowth(target, older));
            return "wrote " + target.toAbsolutePath() + ": " + changed + " stacks changed since the baseline at ts " +
                older.asOfNs() + " ns";
        }
        finally
        {
            dumpLock.unlock();
        }
    }

    private String writeDump(final Path target) throws IOException
    {
        dumpLock.lock();
        try
        {
            final PageOwnerWriter.Summary summary = asAgent(() -> dumps.writer().write(target));
            dumpsWritten.incrementAndGet();
            return "wrote " + target.toAbsolutePath() + ": " + summary.describe();
        }
        finally
        {
            dumpLock.unlock();
        }
    }

    private Path defaultPath()
    {
        return resolve(options.dumpPath());
    }

    private Path resolve(final String pattern)
    {
        return DumpPaths.resolve(pattern, pid, Instant.now());
    }

    void requestSignalDump()
    {
        // NOTE: coalesces a storm of signals into one queued dump; a dump already running finishes whole.
        if (signalDumpQueued.compareAndSet(false, true))
        {
            tasks.offer(() ->
            {
                signalDumpQueued.set(false);
                dumpAsync("signal SIG" + options.signal());
            });
        }
    }

    void dumpBeforeOutOfMemory()
    {
        final long now = System.nanoTime();
        final long last = lastOomDump.get();
        if (now - last >= OOM_DUMP_MIN_GAP_NANOS && lastOomDump.compareAndSet(last, now))
        {
            AgentLog.warn("direct buffer memory exhausted (-XX:MaxDirectMemorySize): writing a dump before the " +
                "OutOfMemoryError");
            dumpAsync("direct memory exhausted");
        }
    }

    /** A dump for a trigger that has no caller to report to: success and failure go to the log. */
    Path dumpAsync(final String trigger)
    {
        final Path target = defaultPath();
        try
        {
            final String summary = writeDump(target);
            AgentLog.warn(trigger + ": " + summary);
            return target;
        }
        catch (final IOException ex)
        {
            AgentLog.warn(trigger + ": " + ex.getMessage() + "; tracking goes on");
        }
        catch (final RuntimeException ex)
        {
            AgentLog.warn(trigger + ": dump failed; tracking goes on", ex);
        }
        return null;
    }

    private static void awaitEnd(final Thread registrar)
    {
        try
        {
            registrar.join(TimeUnit.SECONDS.toMillis(REGISTER_TIMEOUT_SECONDS));
            if (registrar.isAlive())
            {
                AgentLog.warn("the MBean " + PageOwnerMXBean.OBJECT_NAME + " is not registered after " +
                    REGISTER_TIMEOUT_SECONDS + " s; the application starts without waiting for it");
            }
        }
        catch (final InterruptedException ex)
        {
            // NOTE: the application's interrupt, not ours to swallow; the registration goes on by itself.
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitHolding(final ManagementHold hold)
    {
        try
        {
            if (!hold.awaitHolding())
            {
                AgentLog.warn("the MBean " + PageOwnerMXBean.OBJECT_NAME + " could not be prepared in " +
                    REGISTER_TIMEOUT_SECONDS + " s; the application starts without waiting for it");
            }
        }
        catch (final InterruptedException ex)
        {
            // NOTE: the application's interrupt, not ours to swallow; the registration goes on by itself.
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Registers the MBean when {@code ManagementFactory} was loaded before the agent: takes its class lock on this
     * thread and registers as {@link #registerHeld()}.
     */
    void registerMBean()
    {
        // NOTE: getPlatformMBeanServer is static synchronized: holding its class lock first means that
        // whoever asks for the server meanwhile waits for it, and for the MBean, instead of building it.
        synchronized (ManagementFactory.class)
        {
            registerHeld();
        }
    }

    /**
     * Makes the MBean and registers it in the platform MBean server, holding {@code ManagementFactory}'s class
     * lock ({@link ManagementHold} or {@link #registerMBean}); as the agent's own thread.
     */
    void registerHeld()
    {
        recorder.enterAgentThread();
        try
        {
            final PageOwnerMBean bean = new PageOwnerMBean(
                recorder, this, dumps.format(), installer, options.describe(), options.notifyBytes());
            mbean = bean;
            registerIn(ManagementFactory.getPlatformMBeanServer(), bean);
        }
        catch (final RuntimeException | Error ex)
        {
            AgentLog.warn("could not register the MBean " + PageOwnerMXBean.OBJECT_NAME, ex);
        }
    }

    /**
     * Registers the MBean in the platform MBean server.
     *
     * @param server the platform MBean server.
     * @param bean   the MBean.
     */
    private static void registerIn(final javax.management.MBeanServer server, final PageOwnerMBean bean)
    {
        try
        {
            server.registerMBean(bean.registrable(), new ObjectName(PageOwnerMXBean.OBJECT_NAME));
        }
        catch (final Exception ex)
        {
            AgentLog.warn("could not register the MBean " + PageOwnerMXBean.OBJECT_NAME, ex);
        }
    }

    void run()
    {
        recorder.enterAgentThread();
        if (0 == options.sampleBytes())
        {
            // NOTE: full mode's clock thread is made here, off start-up's path and outside any allocation.
            RecordClock.prepareShared();
        }
        final long interval = options.intervalMillis();
        long nextPeriodic = interval > 0 ? System.currentTimeMillis() + interval : Long.MAX_VALUE;
        while (true)
        {
            try
            {
                final long now = System.currentTimeMillis();
                final long tick = null == rssWatch ? TICK_MILLIS : RSS_POLL_MILLIS;
                final Runnable task = tasks.poll(Math.max(1, Math.min(tick, nextPeriodic - now)),
                    TimeUnit.MILLISECONDS);
                if (null != task)
                {
                    task.run();
                }
                if (System.currentTimeMillis() >= nextPeriodic)
                {
                    periodicDumps.dump(options.keep());
                    nextPeriodic = System.currentTimeMillis() + interval;
                }
                checkResidentMemory();
                final PageOwnerMBean bean = mbean;
                if (null != bean)
                {
                    bean.checkLiveBytes();
                }
                jfr.tick();
                installer.flushCache();
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            catch (final Throwable ex)
            {
                AgentLog.warn("agent thread", ex);
            }
        }
    }

    /**
     * Writes a dump when resident memory has reached {@code rss_dump}, or grown by {@code rss_step} since.
     */
    private void checkResidentMemory()
    {
        final RssWatch watch = rssWatch;
        if (null == watch)
        {
            return;
        }
        final long rss = MemoryFigures.residentBytes();
        final boolean first = watch.next() == watch.threshold();
        if (rss >= 0 && watch.due(rss))
        {
            dumpAsync("rss_dump: resident memory " + rss + " bytes, " + (first ?
                "at rss_dump=" + watch.threshold() : "grown by rss_step=" + watch.step() + " since the last"));
        }
    }

    /**
     * Has the agent's thread run a round now (it writes new cache entries after each task), from any thread.
     */
    void wake()
    {
        tasks.offer(new ControlTask(this, ControlTask.NOTHING));
    }

    /**
     * At the JVM's exit (a shutdown hook, only with {@code interval=}): see {@link PeriodicDumps#close()}.
     */
    void closePeriodic()
    {
        periodicDumps.close();
    }

    private <T> T asAgent(final IoWork<T> work) throws IOException
    {
        try
        {
            return recorder.asAgent(work::run);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IOException(ex);
        }
    }

    /** Dump work. */
    @FunctionalInterface
    private interface IoWork<T>
    {
        T run() throws IOException;
    }
}
