package io.pageowner.runtime;

/**
 * What the control plane's threads, hooks and callbacks run, one class for all of them instead of a lambda
 * each: every lambda bootstraps method handles the first time it is made, milliseconds of start-up apiece.
 */
final class ControlTask implements Runnable
{
    static final int SIGNAL_DUMP = 0;
    static final int OOM_DUMP = 1;
    static final int EXIT_DUMP = 2;
    static final int REGISTER = 3;
    static final int RUN = 4;
    static final int CLOSE_PERIODIC = 5;
    /** Wakes the agent's thread, which writes the woven-class cache's new entries after every task. */
    static final int WAKE = 6;
    /** Nothing: what {@link #WAKE} hands the agent's thread. */
    static final int NOTHING = 7;

    private final AgentControl control;
    private final int what;

    ControlTask(final AgentControl control, final int what)
    {
        this.control = control;
        this.what = what;
    }

    @Override
    public void run()
    {
        switch (what)
        {
            case SIGNAL_DUMP:
                control.requestSignalDump();
                break;
            case OOM_DUMP:
                control.dumpBeforeOutOfMemory();
                break;
            case EXIT_DUMP:
                control.dumpAsync("exit");
                break;
            case REGISTER:
                control.registerMBean();
                break;
            case CLOSE_PERIODIC:
                control.closePeriodic();
                break;
            case WAKE:
                control.wake();
                break;
            case NOTHING:
                break;
            default:
                control.run();
                break;
        }
    }
}
