package io.pageowner.log;

import java.io.PrintStream;

/**
 * The agent's own logging: single lines on stderr, prefixed {@code [page-owner]}. Deliberately
 * not slf4j or logback: the agent must never pick up, configure or clash with the application's
 * logging. Never call it from advice, the recorder's hot path or the table: save the error and log
 * it from the agent's thread.
 */
public final class AgentLog
{
    /** Nothing is logged. */
    public static final int OFF = 0;
    /** Problems the user should know about (the default). */
    public static final int WARN = 1;
    /** Start-up and dump summaries. */
    public static final int INFO = 2;
    /** Everything, with stack traces. */
    public static final int DEBUG = 3;

    private static volatile int level = WARN;
    private static final PrintStream ERR = System.err;

    private AgentLog()
    {
    }

    /**
     * Sets the level from its name.
     *
     * @param name off, warn, info or debug.
     */
    public static void level(final String name)
    {
        switch (name)
        {
            case "off":
                level = OFF;
                break;
            case "info":
                level = INFO;
                break;
            case "debug":
                level = DEBUG;
                break;
            default:
                level = WARN;
        }
    }

    /**
     * Whether debug output is on.
     *
     * @return true at debug level.
     */
    public static boolean debugEnabled()
    {
        return level >= DEBUG;
    }

    /**
     * Logs a warning.
     *
     * @param message to print.
     */
    public static void warn(final String message)
    {
        if (level >= WARN)
        {
            ERR.println("[page-owner] " + message);
        }
    }

    /**
     * Logs a warning with its cause; the stack trace only at debug level.
     *
     * @param message to print.
     * @param cause   of the problem.
     */
    public static void warn(final String message, final Throwable cause)
    {
        if (level >= WARN)
        {
            ERR.println("[page-owner] " + message + ": " + cause);
            if (level >= DEBUG)
            {
                cause.printStackTrace(ERR);
            }
        }
    }

    /**
     * Logs an informational line.
     *
     * @param message to print.
     */
    public static void info(final String message)
    {
        if (level >= INFO)
        {
            ERR.println("[page-owner] " + message);
        }
    }

    /**
     * Logs a debug line.
     *
     * @param message to print.
     */
    public static void debug(final String message)
    {
        if (level >= DEBUG)
        {
            ERR.println("[page-owner] " + message);
        }
    }
}
