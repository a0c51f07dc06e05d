package io.pageowner.instrument;

import jdk.internal.misc.PageOwnerHooks;
import net.bytebuddy.asm.Advice;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Advice for file mappings, which are not malloc and never pass through Unsafe.
 * <p>
 * Every way to map a file ({@code FileChannel.map} returning a {@code MappedByteBuffer}, 21+'s
 * {@code map(mode, position, size, arena)} returning a {@code MemorySegment}, 17's incubator
 * {@code mapInternal}) goes through the private
 * {@code FileChannelImpl.mapInternal(MapMode, long, long, int, boolean)}, which mmaps and then
 * builds a {@code FileChannelImpl$Unmapper} holding the page-aligned address and the mapped size
 * (requested size plus the page offset). Every way to unmap (the buffer's Cleaner, explicit or
 * after GC; the arena's close) ends in {@code Unmapper.unmap()}. The same signatures on 17, 21 and
 * 25.
 * <p>
 * {@code mapInternal}'s entry stashes the channel's {@code path} field and the requested position
 * in the thread's state; the {@code Unmapper} constructor, on the same thread, records the mapping
 * with them. {@code unmap()} on 17 runs a second time with address 0 (skipped); on 21 and 25 it has
 * no guard, and a second call would find no record (counted as untracked, never subtracted twice).
 */
public final class MappedInstrumentation
{
    /** The file channel. */
    public static final String FILE_CHANNEL = "sun.nio.ch.FileChannelImpl";
    /** The object that owns a mapping. */
    public static final String UNMAPPER = "sun.nio.ch.FileChannelImpl$Unmapper";

    private MappedInstrumentation()
    {
    }

    /**
     * The advice this class contributes.
     *
     * @return one spec per advised method.
     */
    public static List<AdviceSpec> specs()
    {
        return List.of(
            new AdviceSpec(
                "FileChannelImpl.mapInternal", FILE_CHANNEL,
                named("mapInternal").and(takesArguments(5)),
                MapInternalAdvice.class),
            new AdviceSpec(
                "FileChannelImpl$Unmapper.<init>", UNMAPPER,
                isConstructor().and(takesArguments(5)),
                UnmapperConstructorAdvice.class),
            new AdviceSpec(
                "FileChannelImpl$Unmapper.unmap", UNMAPPER,
                named("unmap").and(takesArguments(0)),
                UnmapAdvice.class));
    }

    /**
     * {@code private Unmapper mapInternal(MapMode mode, long position, long size, int prot, boolean
     * isSync)}: stashes the file and position for the constructor advice, and clears them on exit,
     * normal or not (a failed or empty mapping builds no Unmapper).
     */
    public static final class MapInternalAdvice
    {
        private MapInternalAdvice()
        {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("path") final String path, @Advice.Argument(1) final long position)
        {
            PageOwnerHooks.mapping(path, position);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit()
        {
            PageOwnerHooks.mappingDone();
        }
    }

    /**
     * {@code private Unmapper(long address, long size, long cap, FileDescriptor fd, int
     * pagePosition)}: records the mapping when the constructor returns (exit advice on a constructor
     * cannot run on a throw; then nothing is recorded, and nothing will be unmapped either).
     */
    public static final class UnmapperConstructorAdvice
    {
        private UnmapperConstructorAdvice()
        {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(
            @Advice.Argument(0) final long address,
            @Advice.Argument(1) final long size,
            @Advice.Argument(4) final int pagePosition)
        {
            PageOwnerHooks.mapped(address, size, pagePosition);
        }
    }

    /**
     * {@code public void unmap()}: drops the record before the region is unmapped.
     */
    public static final class UnmapAdvice
    {
        private UnmapAdvice()
        {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("address") final long address)
        {
            PageOwnerHooks.unmapping(address);
        }
    }
}
