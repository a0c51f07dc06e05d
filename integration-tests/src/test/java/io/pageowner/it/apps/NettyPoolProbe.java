package io.pageowner.it.apps;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's {@code PooledByteBufAllocator}, whichever copy is on the class path (4.1, 4.2, or a shaded one, named by
 * its package prefix), reached through method handles so that one probe runs on all of them and no reflection
 * frame sits between the probe's methods and Netty's.
 * <p>
 * Arguments: dump file, truth file, package prefix ({@code -} for none), N kept, M churned, the size asked, and
 * {@code adaptive} for Netty 4.2's {@code AdaptiveByteBufAllocator} instead of {@code PooledByteBufAllocator}.
 * {@link #keepBuffers} acquires N buffers and keeps them; {@link #churnBuffers} acquires and releases M;
 * {@link #leakBuffer} acquires one and drops it unreleased until the GC has collected it. The first dump
 * ({@code .dump}) follows; then the N are released and a second dump ({@code .dump.after}) is written.
 * Ground truth: {@code KEPT address share} per kept buffer (its
 * {@code maxFastWritableBytes}, the share of the chunk it holds), {@code LEAKED address}, {@code PINNED} (Netty's
 * own figure of the bytes its live buffers pin, before and after the release), {@code USED} (its chunks' bytes).
 */
public final class NettyPoolProbe
{
    private static MethodHandle directBuffer;
    private static MethodHandle release;
    private static MethodHandle nioBuffer;
    private static MethodHandle capacity;
    private static final ByteBuffer[] DEEP_DIRECT = new ByteBuffer[1];

    private NettyPoolProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args dump, truth, prefix, n, m, size.
     * @throws Throwable if Netty or the agent fails.
     */
    public static void main(final String[] args) throws Throwable
    {
        final Path dump = Path.of(args[0]);
        final Path truthFile = Path.of(args[1]);
        final String prefix = "-".equals(args[2]) ? "" : args[2];
        final int n = Integer.parseInt(args[3]);
        final int m = Integer.parseInt(args[4]);
        final int size = Integer.parseInt(args[5]);
        final boolean adaptive = args.length > 6 && "adaptive".equals(args[6]);

        final MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        final Class<?> pooled = Class.forName(prefix + "io.netty.buffer.PooledByteBufAllocator");
        final Class<?> allocatorClass =
            adaptive ? Class.forName(prefix + "io.netty.buffer.AdaptiveByteBufAllocator") : pooled;
        final Class<?> allocatorType = Class.forName(prefix + "io.netty.buffer.ByteBufAllocator");
        final Class<?> bufType = Class.forName(prefix + "io.netty.buffer.ByteBuf");
        final Object allocator =
            lookup.findConstructor(allocatorClass, MethodType.methodType(void.class, boolean.class)).invoke(true);
        directBuffer = lookup.findVirtual(allocatorType, "directBuffer", MethodType.methodType(bufType, int.class))
            .asType(MethodType.methodType(Object.class, Object.class, int.class));
        release = lookup.findVirtual(bufType, "release", MethodType.methodType(boolean.class))
            .asType(MethodType.methodType(boolean.class, Object.class));
        nioBuffer = lookup.findVirtual(bufType, "nioBuffer", MethodType.methodType(ByteBuffer.class))
            .asType(MethodType.methodType(ByteBuffer.class, Object.class));
        capacity = lookup.findVirtual(bufType, "maxFastWritableBytes", MethodType.methodType(int.class))
            .asType(MethodType.methodType(int.class, Object.class));
        final MethodHandle pinned = adaptive ? MethodHandles.dropArguments(MethodHandles.constant(long.class, -1L), 0,
            Object.class) : lookup.findVirtual(pooled, "pinnedDirectMemory", MethodType.methodType(long.class))
            .asType(MethodType.methodType(long.class, Object.class));

        final Class<?> metricType = Class.forName(prefix + "io.netty.buffer.PooledByteBufAllocatorMetric");
        final MethodHandle used = adaptive
            ? lookup.findVirtual(allocatorClass, "usedDirectMemory", MethodType.methodType(long.class))
            : MethodHandles.filterReturnValue(
                lookup.findVirtual(pooled, "metric", MethodType.methodType(metricType)),
                lookup.findVirtual(metricType, "usedDirectMemory", MethodType.methodType(long.class)));

        ProbeSupport.awaitMBean();
        final List<String> truth = new ArrayList<>();
        final List<Object> kept = new ArrayList<>();
        keepBuffers(allocator, n, size, kept);
        for (final Object buf : kept)
        {
            truth.add("KEPT " + ProbeSupport.address((ByteBuffer)nioBuffer.invokeExact(buf)) + " " +
                (int)capacity.invokeExact(buf));
        }
        churnBuffers(allocator, m, size);
        truth.add("LEAKED " + leakBuffer(allocator, size));
        final Object deep = deepAcquire(allocator, 100, size * 4, truth);
        final Object unpooledAllocator = lookup.findStaticGetter(
            Class.forName(prefix + "io.netty.buffer.UnpooledByteBufAllocator"), "DEFAULT",
            Class.forName(prefix + "io.netty.buffer.UnpooledByteBufAllocator")).invoke();
        final Object unpooled = keepUnpooled(unpooledAllocator, size * 5);
        truth.add("UNPOOLED " + ProbeSupport.address((ByteBuffer)nioBuffer.invokeExact(unpooled)));
        final long pinnedBefore = (long)pinned.invokeExact(allocator);
        truth.add("USED " + (long)used.invoke(allocator));
        truth.add("SUMMARY " + ProbeSupport.dump(dump));
        truth.add("MBEAN_KINDS " + ProbeSupport.mapAttribute("LiveBytesByKind").get("POOLED"));
        for (final Object buf : kept)
        {
            if (!(boolean)release.invokeExact(buf))
            {
                throw new IllegalStateException("a kept buffer was not freed by its release");
            }
        }
        if (!(boolean)release.invokeExact(deep))
        {
            throw new IllegalStateException("the deep buffer was not freed by its release");
        }
        truth.add("PINNED " + pinnedBefore + " " + (long)pinned.invokeExact(allocator));
        ProbeSupport.dump(Path.of(dump + ".after"));
        ProbeSupport.write(truthFile, truth);
    }

    /**
     * Acquires buffers and keeps them: their owner.
     */
    static void keepBuffers(final Object allocator, final int n, final int size, final List<Object> kept)
        throws Throwable
    {
        for (int i = 0; i < n; i++)
        {
            kept.add((Object)directBuffer.invokeExact(allocator, size));
        }
    }

    /**
     * Acquires buffers and releases each at once: it owns nothing afterwards.
     */
    static void churnBuffers(final Object allocator, final int m, final int size) throws Throwable
    {
        for (int i = 0; i < m; i++)
        {
            final Object buf = (Object)directBuffer.invokeExact(allocator, size * 2);
            if (!(boolean)release.invokeExact(buf))
            {
                throw new IllegalStateException("a churned buffer was not freed by its release");
            }
        }
    }

    /**
     * Acquires one buffer of Netty's unpooled allocator: a chunk of its own, the JDK's record, no {@code POOLED} one.
     *
     * @return the buffer.
     */
    static Object keepUnpooled(final Object allocator, final int size) throws Throwable
    {
        return (Object)directBuffer.invokeExact(allocator, size);
    }

    /**
     * Recurses {@code frames} deep (a framework-like stack), then acquires one pooled buffer and one
     * {@code ByteBuffer.allocateDirect} and keeps both until the first dump.
     *
     * @return the pooled buffer.
     */
    static Object deepAcquire(final Object allocator, final int frames, final int size, final List<String> truth)
        throws Throwable
    {
        if (frames > 0)
        {
            return deepAcquire(allocator, frames - 1, size, truth);
        }
        final Object buf = (Object)directBuffer.invokeExact(allocator, size);
        truth.add("DEEP " + ProbeSupport.address((ByteBuffer)nioBuffer.invokeExact(buf)));
        DEEP_DIRECT[0] = ByteBuffer.allocateDirect(size);
        truth.add("DEEP_DIRECT " + ProbeSupport.address(DEEP_DIRECT[0]));
        return buf;
    }

    /**
     * Acquires a buffer and drops it without release, then waits until the GC has collected the buffer object:
     * its memory stays with the pool, and the record with this method.
     *
     * @return the buffer's address.
     */
    static long leakBuffer(final Object allocator, final int size) throws Throwable
    {
        Object buf = (Object)directBuffer.invokeExact(allocator, size * 3);
        final long address = ProbeSupport.address((ByteBuffer)nioBuffer.invokeExact(buf));
        final WeakReference<Object> ref = new WeakReference<>(buf);
        buf = null;
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (null != ref.get())
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the leaked buffer was never collected");
            }
            System.gc();
            Thread.sleep(10);
        }
        return address;
    }
}
