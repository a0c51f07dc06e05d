package io.pageowner.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static io.pageowner.bench.Frames.UNSAFE;

/**
 * {@code FileChannel.map} of a 1 MiB file, read-only and untouched, then unmapped at once through
 * {@code Unsafe.invokeCleaner}: an mmap + munmap pair from Java, made {@code depth} frames below the
 * benchmark method (about 20 frames in all).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { "-Xmn32m" })
public class MappedFileBenchmark
{
    /** Frames between the benchmark method and the mapping. */
    @Param({ "5" })
    public int depth;

    /** Bytes mapped. */
    @Param({ "1048576" })
    public int length;

    private Path file;
    private FileChannel channel;

    /**
     * Creates the file.
     *
     * @throws IOException if it cannot be made.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        file = Files.createTempFile("page-owner-bench", ".bin");
        Files.write(file, new byte[length]);
        channel = FileChannel.open(file, StandardOpenOption.READ);
    }

    /**
     * Closes and deletes the file.
     *
     * @throws IOException if it cannot be deleted.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        channel.close();
        Files.deleteIfExists(file);
        Frames.report("MappedFileBenchmark depth=" + depth);
    }

    /**
     * Maps and unmaps.
     *
     * @return the mapping's capacity, so the work is not dead code.
     * @throws IOException if the mapping fails.
     */
    @Benchmark
    public int mapAndUnmap() throws IOException
    {
        return descend(depth);
    }

    private int descend(final int remaining) throws IOException
    {
        if (remaining > 0)
        {
            return descend(remaining - 1) + 1;
        }
        if (Frames.PROBE)
        {
            // FileChannelImpl.map; the agent records mappings further in (map0 / mapInternal).
            Frames.probe(1);
        }
        final MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
        UNSAFE.invokeCleaner(buffer);
        return buffer.capacity();
    }
}
