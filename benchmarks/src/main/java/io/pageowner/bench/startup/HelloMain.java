package io.pageowner.bench.startup;

import java.time.Instant;

/**
 * Hello world that says when its {@code main} began, in nanoseconds of the wall clock.
 */
public final class HelloMain
{
    private HelloMain()
    {
    }

    /**
     * Prints the time {@code main} began, then hello.
     *
     * @param args unused.
     */
    public static void main(final String[] args)
    {
        final Instant now = Instant.now();
        System.out.println("MAIN " + (now.getEpochSecond() * 1_000_000_000L + now.getNano()));
        System.out.println("hello");
    }
}
