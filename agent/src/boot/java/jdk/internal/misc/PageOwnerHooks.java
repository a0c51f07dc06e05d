/*
 * Part of page-owner. Compiled into java.base (--patch-module) and defined there at run time by
 * io.pageowner.runtime.BootHooks; never loaded from the class path.
 */
package jdk.internal.misc;

/**
 * The static entry points that page-owner's advice, inlined into {@code jdk.internal.misc.Unsafe}
 * and other {@code java.base} classes, calls. It lives in {@code java.base} itself so that the
 * advice can see it without appending anything to the boot class path (which would print a CDS
 * warning and turn off class data sharing for the application's classes).
 * <p>
 * Until {@link #install(PageOwnerSink)} is called every hook is a null check and a return.
 */
public final class PageOwnerHooks
{
    private static volatile PageOwnerSink sink;
    private static volatile long suppressedBeforeSink;

    private PageOwnerHooks()
    {
    }

    /**
     * Sets (or, with null, clears) where events go.
     *
     * @param newSink to forward to, or null to drop events.
     */
    public static void install(final PageOwnerSink newSink)
    {
        sink = newSink;
    }

    /**
     * The current sink.
     *
     * @return the sink, or null.
     */
    public static PageOwnerSink sink()
    {
        return sink;
    }

    /**
     * Exit of {@code allocateMemory}. In full mode the allocating stack is taken here, as a
     * {@code Throwable} (see {@link PageOwnerSink#takeStack}).
     *
     * @param address returned.
     * @param bytes   requested.
     */
    public static void allocated(final long address, final long bytes)
    {
        final PageOwnerSink s = sink;
        if (null != s && 0 != address)
        {
            if (s.takeStack)
            {
                s.allocated(address, bytes, new Throwable());
            }
            else
            {
                s.allocated(address, bytes);
            }
        }
    }

    /**
     * Whether the exit advice of {@code allocateMemory} is to make the allocation's {@code Throwable} itself and
     * pass it to {@link #allocated(long, long, Throwable)}: made in the advice, inlined into
     * {@code Unsafe.allocateMemory}, the throwable's walk starts at that frame, where any exact capture starts,
     * and not one frame deeper in this class (some 25-30 ns of walking per allocation).
     *
     * @return true while the sink asks for each allocation's stack (see {@link PageOwnerSink#takeStack}).
     */
    public static boolean takesStack()
    {
        final PageOwnerSink s = sink;
        return null != s && s.takeStack;
    }

    /**
     * Exit of {@code allocateMemory} when {@link #takesStack()} said yes.
     *
     * @param address returned, never 0.
     * @param bytes   requested.
     * @param stack   made by the advice for the allocation's stack.
     */
    public static void allocated(final long address, final long bytes, final Throwable stack)
    {
        final PageOwnerSink s = sink;
        if (null != s)
        {
            s.allocated(address, bytes, stack);
        }
    }

    /**
     * Entry of {@code freeMemory}.
     *
     * @param address being freed.
     */
    public static void freeing(final long address)
    {
        final PageOwnerSink s = sink;
        if (null != s && 0 != address)
        {
            s.freeing(address);
        }
    }

    /**
     * Entry of {@code reallocateMemory}.
     *
     * @param address being resized.
     * @param bytes   requested.
     */
    public static void reallocating(final long address, final long bytes)
    {
        final PageOwnerSink s = sink;
        if (null != s)
        {
            s.reallocating(address, bytes);
        }
    }

    /**
     * Exit of {@code reallocateMemory}, normal or by a throwable.
     *
     * @param address    passed in.
     * @param bytes      requested.
     * @param newAddress returned, 0 when it threw.
     */
    public static void reallocated(final long address, final long bytes, final long newAddress)
    {
        final PageOwnerSink s = sink;
        if (null != s)
        {
            s.reallocated(address, bytes, newAddress);
        }
    }

    /**
     * Exit of {@code Bits.reserveMemory} by a throwable.
     *
     * @param thrown what it threw.
     */
    public static void reserveMemoryFailed(final Throwable thrown)
    {
        final PageOwnerSink s = sink;
        if (null != s && thrown instanceof OutOfMemoryError)
        {
            s.directMemoryExhausted();
        }
    }

    /**
     * Entry of a JDK method whose allocation has a known kind ({@code ByteBuffer.allocateDirect},
     * the FFM native segment factory, NIO's temporary buffer cache): marks the current thread, so
     * that the {@code allocateMemory} it makes is recorded with that kind.
     *
     * @param kind bits to add to the thread's marker.
     * @return the marker to restore on exit, normal or by a throwable.
     */
    public static int kindEnter(final int kind)
    {
        final PageOwnerSink s = sink;
        return null != s ? s.kindEnter(kind) : 0;
    }

    /**
     * Exit, normal or by a throwable, of a method that called {@link #kindEnter(int)}.
     *
     * @param saved what {@link #kindEnter(int)} returned.
     */
    public static void kindExit(final int saved)
    {
        final PageOwnerSink s = sink;
        if (null != s)
        {
            s.kindExit(saved);
        }
    }

    /**
     * Entry of {@code FileChannelImpl.mapInternal}: what is about to be mapped. The one hook that
     * takes a reference: the channel's path, a field the JDK already holds, so nothing is allocated.
     *
     * @param path     of the channel's file, may be null.
     * @param position requested in the file.
     */
    public static void mapping(final String path, final long position)
    {
        final PageOwnerSink s = sink;
        if (null != s)
        {
            s.mapping(path, position);
        }
    }

    /**
     * Exit, normal or by a throwable, of {@code FileChannelImpl.mapInternal}.
     */
    public static void mappingDone()
    {
        final PageOwnerSink s = sink;
        if (null != s)
        {
            s.mappingDone();
        }
    }

    /**
     * Exit of the {@code FileChannelImpl$Unmapper} constructor: a region was mapped.
     *
     * @param address      page-aligned start of the mapping.
     * @param size         bytes mapped, from that start: the requested size plus the page offset.
     * @param pagePosition the page offset: requested position minus the mapping's file offset.
     */
    public static void mapped(final long address, final long size, final int pagePosition)
    {
        final PageOwnerSink s = sink;
        if (null != s && 0 != address)
        {
            s.mapped(address, size, pagePosition);
        }
    }

    /**
     * Entry of {@code FileChannelImpl$Unmapper.unmap()}: a region is about to be unmapped.
     *
     * @param address page-aligned start of the mapping; 0 (JDK 17, already unmapped) is ignored.
     */
    public static void unmapping(final long address)
    {
        final PageOwnerSink s = sink;
        if (null != s && 0 != address)
        {
            s.unmapping(address);
        }
    }

    /**
     * Called by the advice's exception handler: an advice threw and the throwable was swallowed.
     *
     * @param throwable that was swallowed.
     */
    public static void suppressed(final Throwable throwable)
    {
        final PageOwnerSink s = sink;
        if (null != s)
        {
            try
            {
                s.suppressed(throwable);
            }
            catch (final Throwable ignore)
            {
                // NOTE: the advice's handler must never throw into the application.
            }
        }
        else
        {
            suppressedBeforeSink++;
        }
    }

    /**
     * Suppressed throwables seen while no sink was installed.
     *
     * @return the count.
     */
    public static long suppressedBeforeSink()
    {
        return suppressedBeforeSink;
    }
}
