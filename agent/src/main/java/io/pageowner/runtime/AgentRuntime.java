package io.pageowner.runtime;

import io.pageowner.depot.StackCapture;
import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.dump.DumpMode;
import io.pageowner.dump.MemoryFigures;
import io.pageowner.dump.PageOwnerFormat;
import io.pageowner.dump.PageOwnerWriter;
import io.pageowner.instrument.AdviceSpec;
import io.pageowner.instrument.AgentInstaller;
import io.pageowner.instrument.Instrumentations;
import io.pageowner.pool.PoolHooks;
import io.pageowner.record.PoolSinkAdapter;
import io.pageowner.record.Recorder;
import io.pageowner.record.SinkAdapter;
import io.pageowner.jmx.PageOwnerMBean;
import io.pageowner.log.AgentLog;
import io.pageowner.table.OwnerTable;
import io.pageowner.options.AgentOptions;
import jdk.internal.misc.PageOwnerHooks;

import java.lang.instrument.Instrumentation;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The agent proper, started by {@link AgentCore} once the hook classes exist. Start-up
 * order matters: options, hook classes, table and depots, the recorder (warmed up, so its classes
 * are loaded before any advice can call it), the advice, and last the control plane (signal,
 * exit and out-of-memory triggers, the MBean, registered before {@code main} runs, the agent thread).
 * Everything the agent allocates before the advice is installed is invisible to it, and everything after
 * is made with the guard held.
 */
public final class AgentRuntime
{
    /** Distinct stacks the depot keeps. */
    static final int MAX_STACKS = 1 << 16;
    /** Distinct (thread, name) pairs the thread depot keeps. */
    static final int MAX_THREADS = 1 << 20;

    private AgentRuntime()
    {
    }

    /**
     * Starts tracking.
     *
     * @param options the agent options, known to parse and to say {@code on}.
     * @param inst the JVM's instrumentation.
     * @throws Exception if the agent cannot start; nothing is installed then.
     */
    static void start(final AgentOptions options, final Instrumentation inst) throws Exception
    {
        if (null != PageOwnerHooks.class.getClassLoader())
        {
            throw new IllegalStateException("hooks class not in java.base");
        }
        if (null != PageOwnerHooks.sink())
        {
            AgentLog.warn("already running; options '" + options.text() + "' ignored");
            return;
        }

        final long pid = ProcessHandle.current().pid();
        final int pageShift = OwnerTable.pageShift(jdk.internal.misc.Unsafe.getUnsafe().pageSize());
        final OwnerTable table = new OwnerTable(options.maxRecords(), pageShift);
        final long zeroNanos = zeroNanos();
        final Recorder recorder = new Recorder(
            table,
            new StackDepot(MAX_STACKS),
            new ThreadDepot(MAX_THREADS),
            options.depth(),
            options.sampleBytes(),
            zeroNanos,
            AgentRuntime.class.getClassLoader(),
            PageOwnerHooks.class);
        // NOTE: before the advice can call it, so that no class of its is loaded inside Unsafe.allocateMemory;
        // 2^47 is above every user-space address of a 47-bit address space.
        recorder.warmUp(1L << 47);
        // NOTE: the pools' buffers lie inside chunks the main table already holds, so they get a table of their
        // own: no start address is shared with a chunk's record and no byte is in both tables' totals.
        final Recorder pools = new Recorder(
            new OwnerTable(options.maxRecords(), pageShift),
            recorder.stacks(),
            recorder.threads(),
            options.depth(),
            options.sampleBytes(),
            zeroNanos,
            AgentRuntime.class.getClassLoader(),
            PoolHooks.class);
        pools.warmUp(1L << 47);
        recorder.follow(pools);

        final AgentInstaller installer =
            new AgentInstaller(Instrumentations.all(), Instrumentations.pools(), Runtime.version().feature());
        installer.onPoolPackage(StackCapture::skipLeadingPackage);
        // NOTE: the JDK's pools now, before any advice: exactly what the agent can never attribute. The
        // agent's own memory is not in them (the table and depots are not buffers), nor is main's.
        recorder.counters().atStart(MemoryFigures.jdkBufferPools());
        PageOwnerHooks.install(new SinkAdapter(recorder));
        PoolHooks.install(new PoolSinkAdapter(pools, recorder));
        try
        {
            recorder.asAgent(() ->
            {
                installer.install(inst);
                return null;
            });
        }
        catch (final Exception | Error ex)
        {
            PageOwnerHooks.install(null);
            PoolHooks.install(null);
            installer.reset(inst);
            throw ex;
        }
        for (final String name : installer.unmatched())
        {
            AgentLog.warn("advice " + name + " matched no method on this JDK (" + Runtime.version() +
                "): that path is not tracked");
        }
        for (final AdviceSpec spec : installer.skipped())
        {
            AgentLog.debug("advice " + spec.name() + " not installed: it is meant for JDK " + spec.versions());
        }

        final DumpMode mode = recorder.sampleBytes() > 0 ?
            DumpMode.sampled(recorder.sampleBytes(), recorder.liveSizes()) : DumpMode.FULL;
        final PageOwnerFormat format =
            new PageOwnerFormat(recorder.stacks(), recorder.threads(), pid, recorder.mappedFiles(), mode);
        final PageOwnerWriter writer =
            new PageOwnerWriter(table, format, recorder.counters(), recorder.stacks(), recorder.depth(), zeroNanos);
        writer.pools(pools.table(), pools.liveSizes());
        final AgentControl control = new AgentControl(recorder, writer, options, pid, installer, inst);
        control.start(
            new PageOwnerMBean(recorder, control, format, installer, options.describe(), options.notifyBytes()));
        if (!"backtrace".equals(StackCapture.method()))
        {
            AgentLog.warn("stacks are captured with " + StackCapture.method() + ": slower");
        }
        AgentLog.info("tracking off-heap memory (" + options.describe() + "), stacks by " + StackCapture.method());
    }

    /**
     * The {@link System#nanoTime()} value at which the JVM started, so that timestamps read as ns
     * since JVM start, like the kernel's ns since boot.
     */
    private static long zeroNanos()
    {
        final long now = System.nanoTime();
        final long startMillis = ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli)
            .orElse(System.currentTimeMillis());
        final long sinceStart = Math.max(0, System.currentTimeMillis() - startMillis);
        return now - TimeUnit.MILLISECONDS.toNanos(sinceStart);
    }
}
