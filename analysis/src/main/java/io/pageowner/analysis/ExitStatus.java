package io.pageowner.analysis;

/**
 * The exit statuses of {@code java -jar page-owner.jar}, the same for every command: the analysis
 * commands ({@code sort}) and those that work on a running JVM ({@code dump}, {@code on}, {@code off},
 * {@code status}, {@code list}). Defined once, here, in the module every command can see.
 */
public final class ExitStatus
{
    /** Done. */
    public static final int OK = 0;
    /** Wrong command line: an unknown command or option, a missing or malformed argument. */
    public static final int USAGE = 1;
    /** Failed: no such process, cannot attach, load, read or write, a damaged input under {@code --strict}. */
    public static final int FAILURE = 2;
    /** The commands on a running JVM: page-owner is not loaded in it ({@code dump}, {@code off}, {@code status}). */
    public static final int NOT_LOADED = 3;

    private ExitStatus()
    {
    }
}
