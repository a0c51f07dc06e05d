package io.pageowner.sample;

/** Placeholder until the sample service lands. */
public final class SampleService
{
    private SampleService()
    {
    }

    /**
     * Runs the sample.
     *
     * @param args unused.
     */
    public static void main(final String[] args)
    {
        System.out.println("sample");
    }
}
