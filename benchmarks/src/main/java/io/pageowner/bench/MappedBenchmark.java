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
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code FileChannel.map} of 1 MiB (untouched) unmapped at once with {@code invokeCleaner}: with the
 * agent on, the mapInternal and Unmapper advice, the record with its file, and its removal. The
 * mmap and munmap system calls dominate, so this shows the agent's cost next to a real one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xmn32m" })
public class MappedBenchmark
{
    /** Frames between the benchmark method and the mapping. */
    @Param({ "12" })
    public int depth;

    /** Bytes mapped. */
    @Param({ "1048576" })
    public int size;

    private Path file;
    private RandomAccessFile raf;
    private FileChannel channel;

    /**
     * Creates the file.
     *
     * @throws IOException if it cannot.
     */
    @Setup(Level.Trial)
    public void open() throws IOException
    {
        file = Files.createTempFile("page-owner-bench", ".bin");
        raf = new RandomAccessFile(file.toFile(), "rw");
        raf.setLength(size);
        channel = raf.getChannel();
    }

    /**
     * Removes the file.
     *
     * @throws IOException if it cannot.
     */
    @TearDown(Level.Trial)
    public void close() throws IOException
    {
        raf.close();
        Files.deleteIfExists(file);
    }

    /**
     * The pair.
     *
     * @return the capacity, so the work is not dead code.
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
        final MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        Unsafes.UNSAFE.invokeCleaner(buffer);
        return buffer.capacity();
    }
}
