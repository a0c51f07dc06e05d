package io.pageowner.cli;

/**
 * Why a command stopped: the one line printed on stderr and the exit status. The cause, if any, is
 * printed only with {@code -d}.
 */
final class CliException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final int exitStatus;

    /**
     * A failed command.
     *
     * @param exitStatus one of the {@code EXIT_} codes of {@link AttachCli}.
     * @param message    the line to print, without the program name.
     */
    CliException(final int exitStatus, final String message)
    {
        this(exitStatus, message, null);
    }

    /**
     * A failed command.
     *
     * @param exitStatus one of the {@code EXIT_} codes of {@link AttachCli}.
     * @param message    the line to print, without the program name.
     * @param cause      shown with {@code -d}, may be null.
     */
    CliException(final int exitStatus, final String message, final Throwable cause)
    {
        super(message, cause);
        this.exitStatus = exitStatus;
    }

    /**
     * The exit status the command ends with.
     *
     * @return one of the {@code EXIT_} codes of {@link AttachCli}.
     */
    int exitStatus()
    {
        return exitStatus;
    }
}
