package io.pageowner.jfr;

import io.pageowner.dump.KindTotals;
import io.pageowner.dump.MemoryFigures;
import io.pageowner.log.AgentLog;
import io.pageowner.record.Kind;
import io.pageowner.record.RecordListener;
import io.pageowner.record.Recorder;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * page-owner's side of JFR, loaded only once a recording is asked for ({@link JfrGate}): it registers the events
 * when the flight recorder initialises, and keeps the recorders' listener set exactly while some running recording
 * enables {@link OffHeapAllocationEvent}, so that with no such recording the allocation path reads one null. It
 * follows recordings through {@link FlightRecorderListener}, and also on every tick of the agent thread, which sees
 * settings changed on a running recording as well.
 * <p>
 * Never throws into its callers: a failed commit is counted, the first one logged from the agent thread, and after
 * {@value #MAX_FAILURES} failures the allocation event is left off for good.
 */
final class JfrEvents implements RecordListener, FlightRecorderListener, Runnable
{
    /** The events' category, as JMC's event browser shows it. */
    static final String CATEGORY = "page-owner";
    /** Below {@link #CATEGORY}. */
    static final String SUBCATEGORY = "Off-Heap Memory";
    /** Failed commits after which the allocation event is no longer published. */
    static final long MAX_FAILURES = 1000;
    /** How long one scan of the table serves both periodic events: JFR runs hooks of one period back to back. */
    private static final long SCAN_REUSE_NANOS = 100_000_000L;

    private final Recorder recorder;
    private final String[] kindNames = new String[1 << Kind.BITS];
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private volatile EventType allocationType;
    private boolean publishing;
    private boolean failureLogged;
    private final Runnable summaryHook = this::summary;
    private final Runnable usageHook = this::usage;
    private final Object scanLock = new Object();
    private KindTotals lastTotals;
    private long lastScan;

    private JfrEvents(final Recorder recorder)
    {
        this.recorder = recorder;
        for (int kind = 0; kind < kindNames.length; kind++)
        {
            kindNames[kind] = Kind.names(kind);
        }
    }

    /**
     * Follows the flight recorder from now on: registers the events as soon as it is initialised (now, if it is).
     *
     * @param recorder the agent's recorder, with its pools' recorder if any.
     * @return what the agent thread runs on each tick.
     */
    static Runnable connect(final Recorder recorder)
    {
        final JfrEvents events = new JfrEvents(recorder);
        FlightRecorder.addListener(events);
        return events;
    }

    @Override
    public void recorderInitialized(final FlightRecorder flightRecorder)
    {
        // NOTE: on the thread that started the first recording (main, for -XX:StartFlightRecording), inside
        // FlightRecorder's own lock: registration takes no lock of ours, and its allocations are not the program's.
        try
        {
            recorder.asAgent(() ->
            {
                FlightRecorder.register(OffHeapAllocationEvent.class);
                FlightRecorder.register(OffHeapSummaryEvent.class);
                FlightRecorder.register(OffHeapUsageEvent.class);
                FlightRecorder.addPeriodicEvent(OffHeapSummaryEvent.class, summaryHook);
                FlightRecorder.addPeriodicEvent(OffHeapUsageEvent.class, usageHook);
                allocationType = EventType.getEventType(OffHeapAllocationEvent.class);
                return null;
            });
        }
        catch (final Exception | Error ex)
        {
            failed(ex);
        }
        sync();
    }

    @Override
    public void recordingStateChanged(final Recording recording)
    {
        sync();
    }

    /** The agent thread's tick: follows settings changed on a running recording; logs the first failure. */
    @Override
    public void run()
    {
        sync();
        final Throwable failure = firstFailure.get();
        if (null != failure && !failureLogged)
        {
            failureLogged = true;
            AgentLog.warn("a JFR event failed (" + failures.get() + " so far; counted, not thrown)", failure);
        }
    }

    @Override
    public void recorded(final long address, final long bytes, final int kind)
    {
        try
        {
            final OffHeapAllocationEvent event = new OffHeapAllocationEvent();
            if (event.isEnabled())
            {
                event.kind = kind >= 0 && kind < kindNames.length ? kindNames[kind] : Kind.names(kind);
                event.size = bytes;
                event.address = address;
                event.pooled = 0 != (kind & Kind.POOLED);
                event.commit();
            }
        }
        catch (final Throwable ex)
        {
            failed(ex);
        }
    }

    /**
     * Stops following the flight recorder: no more events from this recorder. The agent never does; a test that
     * closes the recorder's table must.
     */
    void disconnect()
    {
        FlightRecorder.removeListener(this);
        FlightRecorder.removePeriodicEvent(summaryHook);
        FlightRecorder.removePeriodicEvent(usageHook);
        synchronized (this)
        {
            allocationType = null;
            sync();
        }
    }

    /**
     * Whether the recorders tell this of each allocation now.
     *
     * @return true while a running recording enables {@link OffHeapAllocationEvent}.
     */
    synchronized boolean publishing()
    {
        return publishing;
    }

    /**
     * Failed commits and hooks so far.
     *
     * @return the count.
     */
    long failures()
    {
        return failures.get();
    }

    /**
     * Sets the recorders' listener if, and only if, a running recording enables the allocation event. Called from
     * JFR's callbacks and the agent thread; the lock orders them, so the last one's answer stays.
     */
    synchronized void sync()
    {
        final EventType type = allocationType;
        final boolean on = null != type && type.isEnabled() && failures.get() < MAX_FAILURES;
        if (on != publishing)
        {
            publishing = on;
            final RecordListener listener = on ? this : null;
            recorder.listen(listener);
            if (null != recorder.pools())
            {
                recorder.pools().listen(listener);
            }
        }
    }

    private void summary()
    {
        try
        {
            recorder.asAgent(() ->
            {
                final KindTotals totals = totals();
                final Map<String, Long> pools = MemoryFigures.jdkBufferPools();
                final OffHeapSummaryEvent event = new OffHeapSummaryEvent();
                event.allocations = totals.count();
                event.bytes = totals.totalBytes();
                event.untracked = recorder.counters().untracked();
                event.sampleBytes = recorder.sampleBytes();
                event.rss = MemoryFigures.residentBytes();
                event.directCount = pools.getOrDefault("direct.count", -1L);
                event.directMemoryUsed = pools.getOrDefault("direct.memoryUsed", -1L);
                event.mappedCount = pools.getOrDefault("mapped.count", -1L);
                event.mappedMemoryUsed = pools.getOrDefault("mapped.memoryUsed", -1L);
                event.commit();
                return null;
            });
        }
        catch (final Exception | Error ex)
        {
            failed(ex);
        }
    }

    private void usage()
    {
        try
        {
            recorder.asAgent(() ->
            {
                final KindTotals totals = totals();
                for (int bit = 0; bit < Kind.BITS; bit++)
                {
                    final OffHeapUsageEvent event = new OffHeapUsageEvent();
                    event.kind = Kind.name(bit);
                    event.allocations = totals.records(1 << bit);
                    event.bytes = totals.bytes(1 << bit);
                    event.commit();
                }
                return null;
            });
        }
        catch (final Exception | Error ex)
        {
            failed(ex);
        }
    }

    /** One scan of the live totals for the summary and the per-kind events of one period. */
    private KindTotals totals()
    {
        synchronized (scanLock)
        {
            final long now = System.nanoTime();
            if (null == lastTotals || now - lastScan > SCAN_REUSE_NANOS)
            {
                lastTotals = KindTotals.live(recorder);
                lastScan = now;
            }
            return lastTotals;
        }
    }

    private void failed(final Throwable ex)
    {
        failures.incrementAndGet();
        firstFailure.compareAndSet(null, ex);
    }
}
