package io.pageowner.record;

/**
 * Where the {@link Recorder} sets what its adapter's hot path reads instead of asking it: whether the hooks take
 * each allocation's stack themselves (the {@link SinkAdapter}'s and {@link PoolSinkAdapter}'s {@code takeStack}),
 * and whether recording is paused (which the pools' adapter folds into the one field its cheap path reads). An
 * interface so that the recorder never names the boot sink, and a unit test can watch the flags without one.
 */
interface StackFlag
{
    /**
     * Sets the flag.
     *
     * @param take true to have the hooks make a throwable for each allocation's stack.
     */
    void takeStack(boolean take);

    /**
     * Tells the adapter whether recording is paused, after {@link #takeStack(boolean)} and under the same lock, so
     * that the pools' adapter can fold the pause into the one field its cheap path reads.
     *
     * @param paused true while paused.
     */
    default void paused(final boolean paused)
    {
    }
}
