package io.pageowner.bench.startup;

/**
 * A program that says it is up and then waits to be ended: the running JVM {@code on <pid>} loads page-owner into.
 */
public final class WaitingMain
{
    private WaitingMain()
    {
    }

    /**
     * Prints {@code READY}, then sleeps until killed (at most ten minutes).
     *
     * @param args unused.
     * @throws InterruptedException if interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
