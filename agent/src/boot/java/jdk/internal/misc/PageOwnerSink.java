/*
 * Part of page-owner. Compiled into java.base (--patch-module) and defined there at run time by
 * io.pageowner.runtime.BootHooks; never loaded from the class path.
 */
package jdk.internal.misc;

/**
 * What {@link PageOwnerHooks} forwards the JDK's off-heap events to. The agent's recorder, loaded
 * by the agent's own class loader, extends it. Every method must return normally: the caller is
 * inlined advice running inside {@code Unsafe}.
 */
public abstract class PageOwnerSink
{
    /**
     * True while every allocation is to be recorded with its stack, read from a {@code Throwable}'s
     * backtrace: the advice of {@code Unsafe.allocateMemory} (through {@link PageOwnerHooks#takesStack()}),
     * or else {@link PageOwnerHooks#allocated(long, long)}, then makes that throwable itself and passes it to
     * {@link #allocated(long, long, Throwable)}. The VM walks every frame on the stack when it fills a
     * throwable in (about 30 ns each), so a throwable made in the advice, in {@code Unsafe.allocateMemory}'s own
     * frame, pays for neither the hooks' frame nor the sink's.
     */
    protected volatile boolean takeStack;

    /**
     * Constructor for subclasses.
     */
    protected PageOwnerSink()
    {
    }

    /**
     * A block was allocated.
     *
     * @param address of the block, never 0.
     * @param bytes   requested by the caller.
     */
    public abstract void allocated(long address, long bytes);

    /**
     * A block was allocated, and {@link #takeStack} asked for its stack.
     *
     * @param address of the block, never 0.
     * @param bytes   requested by the caller.
     * @param stack   a throwable made by the hook, whose backtrace is the allocating stack.
     */
    public abstract void allocated(long address, long bytes, Throwable stack);

    /**
     * A block is about to be freed.
     *
     * @param address of the block, never 0.
     */
    public abstract void freeing(long address);

    /**
     * {@code reallocateMemory(address, bytes)} is about to run.
     *
     * @param address of the block being resized, may be 0.
     * @param bytes   requested size.
     */
    public abstract void reallocating(long address, long bytes);

    /**
     * {@code reallocateMemory(address, bytes)} returned or threw.
     *
     * @param address    the block passed in.
     * @param bytes      requested size.
     * @param newAddress the block returned, or 0 if the call threw or freed.
     */
    public abstract void reallocated(long address, long bytes, long newAddress);

    /**
     * The current thread enters a method whose allocation has a known kind.
     *
     * @param kind bits to add to the thread's marker.
     * @return the marker before, to restore with {@link #kindExit(int)}.
     */
    public abstract int kindEnter(int kind);

    /**
     * The current thread leaves a method that called {@link #kindEnter(int)}, normally or not.
     *
     * @param saved the marker to restore.
     */
    public abstract void kindExit(int saved);

    /**
     * The current thread is about to map part of a file.
     *
     * @param path     of the file, may be null.
     * @param position requested in the file.
     */
    public abstract void mapping(String path, long position);

    /**
     * The current thread is done mapping, normally or not.
     */
    public abstract void mappingDone();

    /**
     * A region was mapped.
     *
     * @param address      page-aligned start, never 0.
     * @param size         bytes mapped from that start.
     * @param pagePosition requested position minus the mapping's file offset.
     */
    public abstract void mapped(long address, long size, int pagePosition);

    /**
     * A region is about to be unmapped.
     *
     * @param address page-aligned start, never 0.
     */
    public abstract void unmapping(long address);

    /**
     * Advice code threw and the throwable was suppressed.
     *
     * @param throwable that was suppressed.
     */
    public abstract void suppressed(Throwable throwable);

    /**
     * {@code java.nio.Bits.reserveMemory} is about to throw {@code OutOfMemoryError}: direct memory
     * ran out. Called on the failing thread, before the error reaches the application.
     */
    public abstract void directMemoryExhausted();
}
