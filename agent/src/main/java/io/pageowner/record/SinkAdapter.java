package io.pageowner.record;

import jdk.internal.misc.PageOwnerSink;

/**
 * The only subclass of the boot sink, {@link PageOwnerSink}, which exists only inside a running
 * agent (defined into {@code java.base} at start): it forwards each event to the {@link Recorder},
 * a plain class that unit tests can build, and owns the {@code takeStack} flag the hooks read.
 * <p>
 * Being the one subclass loaded, and final, it keeps every hook's call monomorphic, and the recorder
 * is final too, so the forward inlines to nothing.
 */
public final class SinkAdapter extends PageOwnerSink implements StackFlag
{
    private final Recorder recorder;

    /**
     * Creates the adapter and lets the recorder set its {@code takeStack} flag from now on.
     *
     * @param recorder to forward to.
     */
    public SinkAdapter(final Recorder recorder)
    {
        this.recorder = recorder;
        recorder.attach(this);
    }

    /**
     * Sets whether the hooks take each allocation's stack; called by the recorder under its lock.
     *
     * @param take true to have the hooks make a throwable for each allocation's stack.
     */
    @Override
    public void takeStack(final boolean take)
    {
        takeStack = take;
    }

    @Override
    public void allocated(final long address, final long bytes)
    {
        recorder.allocated(address, bytes, null);
    }

    @Override
    public void allocated(final long address, final long bytes, final Throwable stack)
    {
        recorder.allocated(address, bytes, stack);
    }

    @Override
    public void freeing(final long address)
    {
        recorder.freeing(address);
    }

    @Override
    public void reallocating(final long address, final long bytes)
    {
        recorder.reallocating(address, bytes);
    }

    @Override
    public void reallocated(final long address, final long bytes, final long newAddress)
    {
        recorder.reallocated(address, bytes, newAddress);
    }

    @Override
    public int kindEnter(final int kind)
    {
        return recorder.kindEnter(kind);
    }

    @Override
    public void kindExit(final int saved)
    {
        recorder.kindExit(saved);
    }

    @Override
    public void mapping(final String path, final long position)
    {
        recorder.mapping(path, position);
    }

    @Override
    public void mappingDone()
    {
        recorder.mappingDone();
    }

    @Override
    public void mapped(final long address, final long size, final int pagePosition)
    {
        recorder.mapped(address, size, pagePosition);
    }

    @Override
    public void unmapping(final long address)
    {
        recorder.unmapping(address);
    }

    @Override
    public void suppressed(final Throwable throwable)
    {
        recorder.suppressed(throwable);
    }

    @Override
    public void directMemoryExhausted()
    {
        recorder.directMemoryExhausted();
    }
}
