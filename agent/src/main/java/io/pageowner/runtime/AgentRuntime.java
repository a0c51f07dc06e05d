package io.pageowner.runtime;

import io.pageowner.depot.StackCapture;
import io.pageowner.depot.StackDepot;
import io.pageowner.depot.ThreadDepot;
import io.pageowner.dump.MemoryFigures;
import io.pageowner.instrument.ByteBuddyWeaver;
import io.pageowner.instrument.Instrumentations;
import io.pageowner.pool.PoolHooks;
import io.pageowner.record.PoolSinkAdapter;
import io.pageowner.record.Recorder;
import io.pageowner.record.SinkAdapter;
import io.pageowner.jfr.JfrGate;
import io.pageowner.log.AgentLog;
import io.pageowner.table.OwnerTable;
import io.pageowner.options.AgentOptions;
import io.pageowner.options.AttachProperties;
import io.pageowner.weave.AdviceInfo;
import io.pageowner.weave.Weaver;
import io.pageowner.weave.Weaving;
import jdk.internal.misc.PageOwnerHooks;
import jdk.internal.vm.VMSupport;

import java.lang.instrument.Instrumentation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
     * @param prelude the process's figures and the woven-class cache, being read meanwhile.
     * @throws Exception if the agent cannot start; nothing is installed then.
     */
    static void start(final AgentOptions options, final Instrumentation inst, final Prelude prelude) throws Exception
    {
        if (null != PageOwnerHooks.class.getClassLoader())
        {
            throw new IllegalStateException("hooks class not in java.base");
        }
        if (null != PageOwnerHooks.sink())
        {
            AgentLog.warn("already running; options '" + options.text() + "' ignored");
            // NOTE: its reads are not needed, but its thread ends before this start does, as in every start.
            try
            {
                prelude.await();
            }
            catch (final Exception ex)
            {
                AgentLog.debug("start-up's reads failed, and were not needed: " + ex);
            }
            return;
        }

        // NOTE: first, so that the thread that will register the MBean holds ManagementFactory's lock long before
        // start-up waits for it (see ManagementHold); not when ManagementFactory is loaded already (a late attach),
        // where the application may use it and start-up waits for the registration instead.
        final ManagementHold hold = loaded(inst.getAllLoadedClasses(), "java.lang.management.ManagementFactory") ?
            null : ManagementHold.take();
        try
        {
            start(options, inst, hold, prelude);
        }
        catch (final Exception | Error ex)
        {
            if (null != hold)
            {
                hold.release();
            }
            throw ex;
        }
    }

    private static void start(
        final AgentOptions options, final Instrumentation inst, final ManagementHold hold, final Prelude prelude)
        throws Exception
    {
        final int pageShift = OwnerTable.pageShift(jdk.internal.misc.Unsafe.getUnsafe().pageSize());
        final OwnerTable table = new OwnerTable(options.maxRecords(), pageShift);
        // NOTE: as late as start-up can: the reads ran while java.base was opened and this table made.
        final Prelude read = prelude.await();
        final long pid = read.self().pid;
        final long zeroNanos = read.zeroNanos();
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

        // NOTE: the weaver (Byte Buddy) is created only if the cache cannot answer, or when a pool's class
        // loads: a warm start of a program without Netty never loads it.
        final Weaving installer =
            new Weaving(new WeaverFactory(), read.cache(), new AgentGuard(recorder), new PoolPackages());
        // NOTE: a pool class loaded already (a late attach) may have buffers out that were never seen: then the
        // pools' sampled mode keeps its exact index rather than counting buffers as they come and go. Asked of the
        // advice (from the cache on a warm start: no Byte Buddy class, one pass over the loaded classes, where
        // building the pool specs per class took ~60 ms), before any sink is installed: on a cold start this
        // creates the weaver, whose allocations are no one's.
        // NOTE: listed here, not with the check for ManagementFactory above: in a late attach the application may
        // load a pool's class meanwhile.
        final Class<?>[] loadedAtStart = inst.getAllLoadedClasses();
        final boolean poolClassLoaded = installer.poolClassLoaded(loadedAtStart);
        // NOTE: the JDK's pools now, before any advice: exactly what the agent can never attribute. The
        // agent's own memory is not in them (the table and depots are not buffers), nor is main's.
        final Map<String, Long> jdkPools =
            MemoryFigures.jdkBufferPools(loaded(loadedAtStart, "sun.nio.ch.FileChannelImpl"));
        recorder.counters().atStart(jdkPools);
        PageOwnerHooks.install(new SinkAdapter(recorder));
        PoolHooks.install(new PoolSinkAdapter(pools, recorder, !poolClassLoaded));
        try
        {
            // NOTE: classes, not lambdas, on the start path: each lambda bootstraps method handles, milliseconds.
            recorder.asAgent(new Callable<Object>()
            {
                @Override
                public Object call() throws Exception
                {
                    installer.install(inst);
                    return null;
                }
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
        for (final AdviceInfo spec : installer.skipped())
        {
            AgentLog.debug("advice " + spec.name() + " not installed: it is meant for JDK " + spec.versions());
        }

        // NOTE: made at the first dump or MBean use, not here (3-5 ms of start-up).
        final DumpParts dumps = new DumpParts(recorder, pools, pid, zeroNanos);
        // NOTE: loads nothing of jdk.jfr unless the command line starts a recording.
        // NOTE: null, not an empty array, for a JVM started without any JVM option (java -cp app.jar Main):
        // List.of(null) threw there, and `on <pid>` could not start the agent in such a JVM.
        final String[] vmArgs = jdk.internal.misc.VM.getRuntimeArguments();
        final List<String> runtimeArgs = null == vmArgs ? List.of() : List.of(vmArgs);
        final JfrGate jfr = JfrGate.start(recorder, runtimeArgs);
        final AgentControl control = new AgentControl(recorder, dumps, options, pid, installer, inst, jfr);
        control.start(hold);
        // NOTE: last, once running: `on <pid>` reads these through the attach mechanism, without JMX (issue 19).
        AttachProperties.publish(VMSupport.getAgentProperties(), options.describe(), poolsOf(jdkPools), runtimeArgs);
        if (!"backtrace".equals(StackCapture.method()))
        {
            AgentLog.warn("stacks are captured with " + StackCapture.method() + ": slower");
        }
        AgentLog.info("tracking off-heap memory (" + options.describe() + "), stacks by " + StackCapture.method());
    }

    /**
     * Creates the weaver when the cache cannot answer; a class, not a lambda (see {@link #start}).
     */
    private static final class WeaverFactory implements Supplier<Weaver>
    {
        @Override
        public Weaver get()
        {
            return weaver();
        }
    }

    /**
     * Runs weaving with the recorder's guard held, so that Byte Buddy's allocations are not recorded.
     */
    private static final class AgentGuard implements Weaving.Guard
    {
        private final Recorder recorder;

        AgentGuard(final Recorder recorder)
        {
            this.recorder = recorder;
        }

        @Override
        public byte[] call(final Callable<byte[]> work) throws Exception
        {
            return recorder.asAgent(work);
        }
    }

    private static Weaver weaver()
    {
        return new ByteBuddyWeaver(Instrumentations.all(), Instrumentations.pools(), Runtime.version().feature());
    }

    /**
     * Tells the stack capture the package of each pool class woven (from the cache or the weaver), whose leading
     * frames a pooled buffer's stack leaves out.
     */
    private static final class PoolPackages implements Consumer<String>
    {
        @Override
        public void accept(final String packageName)
        {
            StackCapture.skipLeadingPackage(packageName);
        }
    }

    private static Map<String, long[]> poolsOf(final Map<String, Long> figures)
    {
        final Map<String, long[]> pools = new LinkedHashMap<>();
        for (final String pool : new String[]{ "direct", "mapped" })
        {
            final Long count = figures.get(pool + ".count");
            final Long used = figures.get(pool + ".memoryUsed");
            if (null != count && null != used)
            {
                pools.put(pool, new long[]{ count, used });
            }
        }
        return pools;
    }

    private static boolean loaded(final Class<?>[] classes, final String name)
    {
        for (final Class<?> type : classes)
        {
            if (name.equals(type.getName()) && null == type.getClassLoader())
            {
                return true;
            }
        }
        return false;
    }
}
