package io.pageowner.depot.leading;

/**
 * A class in a package of its own, standing for a pool's internal frame in {@code RepeatedStackTest}.
 */
public final class PoolLike
{
    private PoolLike()
    {
    }

    /**
     * A throwable whose innermost frame is this class's.
     *
     * @return a new throwable.
     */
    public static Throwable throwable()
    {
        return new Throwable();
    }
}
