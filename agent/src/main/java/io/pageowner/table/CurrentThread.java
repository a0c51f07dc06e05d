package io.pageowner.table;


/**
 * The current thread's id, read from {@code Thread.tid} itself: {@code getId()} is not final (a
 * subclass may override it, and then two threads may answer alike) and is deprecated from 19, while
 * {@code threadId()} only exists from 19. The id keys per-thread caches and stripes on hot paths,
 * where a {@code ThreadLocal} lookup would cost a map probe and a weak-reference check.
 */
public final class CurrentThread
{
    /** What {@link #id()} returns on a JDK without the field. */
    public static final long UNKNOWN = -1;

    private static final long TID_OFFSET = tidOffset();

    private CurrentThread()
    {
    }

    /**
     * Whether thread ids can be read here.
     *
     * @return false if this JDK's {@code Thread} has no {@code tid} field.
     */
    public static boolean known()
    {
        return TID_OFFSET >= 0;
    }

    /**
     * The current thread's id.
     *
     * @return its id, unique among the JVM's threads (virtual ones included) and never reused, or
     *         {@link #UNKNOWN}.
     */
    public static long id()
    {
        return TID_OFFSET < 0 ? UNKNOWN : RawMemory.getLong(Thread.currentThread(), TID_OFFSET);
    }

    private static long tidOffset()
    {
        try
        {
            return RawMemory.objectFieldOffset(Thread.class, "tid");
        }
        catch (final Throwable ex)
        {
            return -1;
        }
    }
}
