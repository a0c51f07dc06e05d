package io.pageowner.jfr;

import io.pageowner.log.AgentLog;
import io.pageowner.record.Recorder;

import java.util.List;

/**
 * Decides when page-owner's JFR side ({@link JfrEvents}) loads, and names no {@code jdk.jfr} type, so that a run
 * with no recording loads nothing of {@code jdk.jfr}: at start only if the command line asks for a recording
 * ({@code -XX:StartFlightRecording}; the JVM starts it after {@code premain}, before {@code main}, and the events
 * are registered then), else from the agent thread's tick once the flight recorder has made its repository (a
 * recording started later, by {@code jcmd JFR.start}, JMC or the program), which sets the system property
 * {@value #REPOSITORY_PROPERTY}: a property read a tick, no class loaded.
 * <p>
 * Without the {@code jdk.jfr} module (a jlinked runtime) it logs one line and does nothing more. Never throws.
 */
public final class JfrGate
{
    /** Set by the flight recorder when its first recording starts. */
    static final String REPOSITORY_PROPERTY = "jdk.jfr.repository";
    /** The option that starts a recording with the JVM. */
    static final String START_OPTION = "-XX:StartFlightRecording";

    private final Recorder recorder;
    private final boolean available;
    private Runnable events;
    private boolean gaveUp;

    private JfrGate(final Recorder recorder, final boolean available)
    {
        this.recorder = recorder;
        this.available = available;
    }

    /**
     * Creates the gate at start, and connects to the flight recorder at once if the command line starts a recording.
     *
     * @param recorder the agent's recorder (its pools' recorder is followed through it).
     * @param jvmArgs  the JVM's arguments.
     * @return the gate, for the agent thread's ticks.
     */
    public static JfrGate start(final Recorder recorder, final List<String> jvmArgs)
    {
        final boolean available = ModuleLayer.boot().findModule("jdk.jfr").isPresent();
        final JfrGate gate = new JfrGate(recorder, available);
        if (!available)
        {
            AgentLog.info("no module jdk.jfr in this runtime: no JFR events");
        }
        else if (requested(jvmArgs))
        {
            gate.connect();
        }
        return gate;
    }

    /**
     * The agent thread's tick: connects once a recording has started, then lets the events follow the recordings.
     */
    public void tick()
    {
        if (!available || gaveUp)
        {
            return;
        }
        if (null == events)
        {
            if (null == System.getProperty(REPOSITORY_PROPERTY))
            {
                return;
            }
            connect();
        }
        if (null != events)
        {
            events.run();
        }
    }

    /**
     * Whether the JVM's arguments start a recording.
     *
     * @param jvmArgs the JVM's arguments.
     * @return true if one is {@code -XX:StartFlightRecording}, with or without settings.
     */
    static boolean requested(final List<String> jvmArgs)
    {
        for (final String arg : jvmArgs)
        {
            if (arg.equals(START_OPTION) || arg.startsWith(START_OPTION + "=") || arg.startsWith(START_OPTION + ":"))
            {
                return true;
            }
        }
        return false;
    }

    private void connect()
    {
        try
        {
            // NOTE: typed Runnable, so that verifying this class does not load JfrEvents (and jdk.jfr with it).
            events = recorder.asAgent(() -> JfrEvents.connect(recorder));
            AgentLog.debug("following the flight recorder: JFR events io.pageowner.*");
        }
        catch (final Exception | LinkageError ex)
        {
            gaveUp = true;
            AgentLog.warn("JFR events unavailable", ex);
        }
    }
}
