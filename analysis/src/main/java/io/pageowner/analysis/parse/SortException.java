package io.pageowner.analysis.parse;

/**
 * A failure that ends a sort run with a message naming the file (and line) and a non-zero exit status. The
 * output file is left as it was.
 */
public final class SortException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * A failure with its message.
     *
     * @param message naming the file and, where there is one, the line.
     */
    public SortException(final String message)
    {
        super(message);
    }

    /**
     * A failure caused by another exception.
     *
     * @param message naming the file and, where there is one, the line.
     * @param cause   of the failure.
     */
    public SortException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
