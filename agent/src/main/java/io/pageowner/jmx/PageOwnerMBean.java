package io.pageowner.jmx;

import io.pageowner.depot.StackCapture;
import io.pageowner.dump.KindTotals;
import io.pageowner.dump.MemoryFigures;
import io.pageowner.dump.PageOwnerFormat;
import io.pageowner.record.Recorder;
import io.pageowner.table.OwnerRecord;
import io.pageowner.weave.Weaving;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.AttributeChangeNotification;
import javax.management.DynamicMBean;
import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The implementation of {@link PageOwnerMXBean}. Every operation runs with the recorder's guard
 * held, so what it allocates off-heap is never recorded.
 * <p>
 * The live totals per kind, and in sampled mode every {@code Live*} figure, are summed by a scan
 * when asked for (the allocation path keeps no counter for them): of the owner table, or of sampled
 * mode's index of every live block, some 24 MiB at the default {@code max_records}. A client that
 * reads several attributes at once ({@code getAttributes}, as JConsole, VisualVM and JMX exporters
 * do) gets them all from one scan: register {@link #registrable()}.
 */
public final class PageOwnerMBean extends NotificationBroadcasterSupport implements PageOwnerMXBean
{
    /** How the JDK's RMI names the threads that serve JMX connections: {@code RMI TCP Connection(2)-127.0.0.1}. */
    static final String RMI_CONNECTION_THREAD = "RMI TCP Connection(";
    private final Recorder recorder;
    private final AgentOperations control;
    private final PageOwnerFormat format;
    private final Weaving installer;
    private final String options;
    private final long notifyBytes;
    private final AtomicLong sequence = new AtomicLong();
    // NOTE: an anonymous class, not this::scanTotals: a lambda bootstraps method handles at start.
    private final ScanBatch<KindTotals> totals = new ScanBatch<>(new Supplier<>()
    {
        @Override
        public KindTotals get()
        {
            return scanTotals();
        }
    });
    private boolean aboveThreshold;

    /**
     * Creates the MBean.
     *
     * @param recorder    the agent's recorder.
     * @param control     writes dumps.
     * @param format      formats single records.
     * @param installer   knows what the advice matched.
     * @param options     the options, as described for users.
     * @param notifyBytes live bytes above which a notification is sent, 0 for never.
     */
    public PageOwnerMBean(
        final Recorder recorder,
        final AgentOperations control,
        final PageOwnerFormat format,
        final Weaving installer,
        final String options,
        final long notifyBytes)
    {
        super(new MBeanNotificationInfo(
            new String[]{ LIVE_BYTES_NOTIFICATION },
            Notification.class.getName(),
            "live tracked off-heap bytes rose above notify_bytes"));
        this.recorder = recorder;
        this.control = control;
        this.format = format;
        this.installer = installer;
        this.options = options;
        this.notifyBytes = notifyBytes;
    }

    /**
     * Sends the live-bytes notification when the live tracked bytes rise above the threshold (once
     * per crossing; it re-arms when they fall below). Called about once a second by the agent thread.
     */
    public void checkLiveBytes()
    {
        if (notifyBytes <= 0)
        {
            return;
        }
        final long live = getLiveBytes();
        if (live > notifyBytes && !aboveThreshold)
        {
            aboveThreshold = true;
            final AttributeChangeNotification notification = new AttributeChangeNotification(
                this, sequence.incrementAndGet(), System.currentTimeMillis(),
                "live tracked off-heap bytes " + live + " rose above notify_bytes=" + notifyBytes,
                "LiveBytes", "long", notifyBytes, live);
            final Notification typed = new Notification(
                LIVE_BYTES_NOTIFICATION, PageOwnerMXBean.OBJECT_NAME, notification.getSequenceNumber(),
                notification.getTimeStamp(), notification.getMessage());
            typed.setUserData(live);
            sendNotification(typed);
        }
        else if (live <= notifyBytes)
        {
            aboveThreshold = false;
        }
    }

    @Override
    public boolean isEnabled()
    {
        return recorder.recording();
    }

    @Override
    public void setEnabled(final boolean enabled)
    {
        try
        {
            control.enable(enabled);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex.getMessage());
        }
    }

    @Override
    public String detach(final boolean clearTable)
    {
        return control.detach(clearTable);
    }

    @Override
    public boolean isDetached()
    {
        return control.detached();
    }

    @Override
    public long clear()
    {
        return recorder.clear();
    }

    @Override
    public String dumpStacks(final String path, final long threshold) throws IOException
    {
        try
        {
            return control.dumpStacks(path, threshold);
        }
        catch (final IOException ex)
        {
            throw new IOException(ex.getMessage());
        }
    }

    @Override
    public String baseline()
    {
        return control.baseline();
    }

    @Override
    public String diff(final String path) throws IOException
    {
        try
        {
            return control.diff(path);
        }
        catch (final IOException ex)
        {
            throw new IOException(ex.getMessage());
        }
    }

    @Override
    public long getDumpsWritten()
    {
        return control.dumpsWritten();
    }

    @Override
    public Map<String, Long> getBeforeStart()
    {
        return recorder.counters().atStart();
    }

    @Override
    public boolean isSignalHandled()
    {
        return control.signalTaken();
    }

    @Override
    public long getLiveAllocations()
    {
        return null == recorder.liveSizes() ? recorder.table().liveCount() : kindTotals().count();
    }

    @Override
    public long getSampleBytes()
    {
        return recorder.sampleBytes();
    }

    @Override
    public long getSampledRecords()
    {
        return recorder.table().liveCount();
    }

    @Override
    public long getLiveBytes()
    {
        return null == recorder.liveSizes() ? recorder.table().liveBytes() : kindTotals().totalBytes();
    }

    @Override
    public long getLivePages()
    {
        return null == recorder.liveSizes() ? recorder.table().livePages() : kindTotals().pages();
    }

    @Override
    public Map<String, Long> getLiveAllocationsByKind()
    {
        return asAgent(() -> kindTotals().recordsByName());
    }

    @Override
    public Map<String, Long> getLiveBytesByKind()
    {
        return asAgent(() -> kindTotals().bytesByName());
    }

    /**
     * What to register with the MBean server: this MBean, whose {@code getAttributes} sums the live
     * totals once for all the attributes asked for, however many of them need it, and which marks the NIO
     * temporary buffers of each JMX connection thread that serves a call as the tool's own
     * ({@link Recorder#servingTool()}).
     *
     * @return the MXBean, wrapped.
     */
    public DynamicMBean registrable()
    {
        // NOTE: the thread that serves a call read the request into an NIO temporary buffer it keeps.
        final Recorder recorder = this.recorder;
        return totals.registrable(this, PageOwnerMXBean.class, this, new Runnable()
        {
            // NOTE: a class, not a lambda: nothing on the registration path bootstraps invokedynamic.
            public void run()
            {
                if (remoteCall(Thread.currentThread().getName()))
                {
                    recorder.servingTool();
                }
            }
        });
    }

    /**
     * Whether a call on the MBean came over a JMX connection: RMI serves each on a thread of its own pool,
     * which read the request into an NIO temporary buffer. A thread of the application (or an exporter in it)
     * that calls the MBean in process is the application's, and its buffers stay its own.
     *
     * @param threadName of the thread serving the call.
     * @return true for RMI's connection threads.
     */
    static boolean remoteCall(final String threadName)
    {
        return threadName.startsWith(RMI_CONNECTION_THREAD);
    }

    /** Per-kind live totals: a scan of the table in full mode, of every live block in sampled mode. */
    private KindTotals kindTotals()
    {
        return totals.get();
    }

    private KindTotals scanTotals()
    {
        return KindTotals.live(recorder);
    }

    @Override
    public Map<String, Long> getJdkBufferPools()
    {
        return asAgent(MemoryFigures::jdkBufferPools);
    }

    @Override
    public Map<String, Long> getProcessMemory()
    {
        return asAgent(MemoryFigures::processMemory);
    }

    private Map<String, Long> asAgent(final Callable<Map<String, Long>> work)
    {
        try
        {
            return recorder.asAgent(work);
        }
        catch (final Exception ex)
        {
            return Map.of();
        }
    }

    @Override
    public long getUntracked()
    {
        return recorder.counters().untracked();
    }

    @Override
    public Map<String, Long> getUntrackedByReason()
    {
        return recorder.counters().untrackedByReason();
    }

    @Override
    public long getSuppressedErrors()
    {
        return recorder.counters().suppressedErrors();
    }

    @Override
    public int getDistinctStacks()
    {
        return recorder.stacks().size();
    }

    @Override
    public String getStackCapture()
    {
        return StackCapture.method();
    }

    @Override
    public Map<String, Integer> getAdviceMatches()
    {
        return installer.matches();
    }

    @Override
    public Map<String, String> getAdviceVersions()
    {
        return installer.versions();
    }

    @Override
    public String getOptions()
    {
        return options;
    }

    @Override
    public String dump(final String path) throws IOException
    {
        try
        {
            return control.dump(path);
        }
        catch (final IOException ex)
        {
            // NOTE: a JMX client may lack our classes, so only a plain IOException with the message crosses.
            throw new IOException(ex.getMessage());
        }
    }

    @Override
    public String ownerOf(final long address)
    {
        try
        {
            return recorder.asAgent(() ->
            {
                final OwnerRecord record = new OwnerRecord();
                final StringBuilder sb = new StringBuilder();
                // NOTE: a pooled buffer is the nearer owner of its bytes than the chunk that holds it.
                if (null != recorder.pools() && recorder.pools().table().ownerOf(address, record) ||
                    recorder.table().ownerOf(address, record))
                {
                    format.append(record, sb);
                }
                return sb.toString();
            });
        }
        catch (final Exception ex)
        {
            return "";
        }
    }

    @Override
    public String ownersOfPage(final long pageNumber)
    {
        try
        {
            return recorder.asAgent(() ->
            {
                final StringBuilder sb = new StringBuilder();
                recorder.table().forEachOwnerOfPage(
                    pageNumber, (final OwnerRecord record) -> format.append(record, sb));
                return sb.toString();
            });
        }
        catch (final Exception ex)
        {
            return "";
        }
    }
}
