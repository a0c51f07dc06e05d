package io.pageowner.analysis;

/**
 * A wrong command line: the sorter prints the message (and the usage if asked) and exits with status 1, as the
 * kernel's {@code page_owner_sort} does.
 */
final class UsageException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final boolean showUsage;

    /**
     * A command line error.
     *
     * @param message   to print, or null to print only the usage.
     * @param showUsage whether the usage text follows the message.
     */
    UsageException(final String message, final boolean showUsage)
    {
        super(message);
        this.showUsage = showUsage;
    }

    /**
     * Whether the usage text follows the message.
     *
     * @return whether the usage text follows the message.
     */
    boolean showUsage()
    {
        return showUsage;
    }
}
