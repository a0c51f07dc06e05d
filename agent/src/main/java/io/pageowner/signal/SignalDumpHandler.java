package io.pageowner.signal;

import io.pageowner.log.AgentLog;
import jdk.internal.misc.Signal;

/**
 * Asks for a dump when the process receives a signal ({@code kill -USR1 <pid>} by default).
 * <p>
 * The handler only queues the request: the JDK runs Java signal handlers on a thread of their own,
 * and the dump runs on the agent's thread. The signal is taken only if nobody handles it yet: an
 * application (or another agent) that registered a handler first keeps it, and the agent says so.
 * The VM refuses signals it uses itself (QUIT, SEGV, ...); {@code USR2} and {@code HUP} are refused
 * earlier, by the options, because taking them silently breaks HotSpot's thread suspension and its
 * shutdown hooks. Registered through {@code jdk.internal.misc.Signal}, as Agrona's {@code SigInt}.
 */
public final class SignalDumpHandler implements Signal.Handler
{
    private final Runnable request;
    private final String name;

    private SignalDumpHandler(final String name, final Runnable request)
    {
        this.name = name;
        this.request = request;
    }

    /**
     * Registers the handler.
     *
     * @param name    of the signal without {@code SIG}, e.g. {@code USR1}.
     * @param request run on each signal; must only queue work.
     * @return true if the signal was taken.
     */
    public static boolean register(final String name, final Runnable request)
    {
        final Signal signal;
        try
        {
            signal = new Signal(name);
        }
        catch (final IllegalArgumentException ex)
        {
            AgentLog.warn("no dump signal: SIG" + name + " is not known here (" + ex.getMessage() + ")");
            return false;
        }
        final Signal.Handler previous;
        try
        {
            previous = Signal.handle(signal, new SignalDumpHandler(name, request));
        }
        catch (final IllegalArgumentException ex)
        {
            AgentLog.warn("no dump signal: the JVM refused SIG" + name + " (" + ex.getMessage() + ")");
            return false;
        }
        if (Signal.Handler.SIG_DFL != previous)
        {
            // NOTE: someone handles it already (or ignores it): give it back, untouched.
            Signal.handle(signal, previous);
            AgentLog.warn("SIG" + name + " is already handled in this JVM; page-owner left it alone and takes " +
                "no dump on that signal (choose another with signal=, or use JMX)");
            return false;
        }
        return true;
    }

    @Override
    public void handle(final Signal signal)
    {
        try
        {
            request.run();
        }
        catch (final Throwable ex)
        {
            AgentLog.warn("could not queue a dump for SIG" + name, ex);
        }
    }
}
