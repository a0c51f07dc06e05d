package io.pageowner.it.apps;

import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jdk.jfr.consumer.RecordingStream;

/**
 * Allocates known blocks from known methods, for JfrIT, and writes what it made to a truth file: {@code ALLOC <kind>
 * <address> <size>} for each. {@code record} (run under {@code -XX:StartFlightRecording} with page-owner's settings):
 * three direct buffers and one {@code Unsafe} block from {@link #allocateKnownBlocks()}, then one file mapping held
 * until page-owner's periodic {@code io.pageowner.OffHeapUsage} has reported it, watched live on a
 * {@link RecordingStream} ({@code SEEN MAPPED <allocations> <bytes>}), so the recording holds such an event whatever
 * the machine's load. {@code plain} (no recording): the same allocations, the platform MBean server asked for (as the
 * agent's own thread builds it), a few of the agent thread's ticks, and nothing of JFR.
 */
public final class JfrProbe
{
    /** Sizes no JDK code allocates by chance. */
    static final int[] DIRECT_SIZES = { 100_003, 100_005, 100_007 };
    static final long UNSAFE_SIZE = 77_777;
    /** The mapping: three pages of 4 KiB from position 0, so its record starts at the buffer's address. */
    static final int MAPPED_SIZE = 3 * 4096;
    private static final List<String> TRUTH = new ArrayList<>();
    private static final List<ByteBuffer> HELD = new ArrayList<>();

    private JfrProbe()
    {
    }

    /**
     * Runs the probe.
     *
     * @param args the truth file, {@code record} or {@code plain}, and a scratch file for the mapping.
     * @throws Exception if anything fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path truth = Path.of(args[0]);
        final boolean record = "record".equals(args[1]);
        allocateKnownBlocks();
        if (record)
        {
            mapAndAwaitUsageEvent(Path.of(args[2]));
        }
        else
        {
            ManagementFactory.getPlatformMBeanServer();
            // NOTE: the agent thread ticks about once a second; a few ticks, each of which could have loaded JFR.
            Thread.sleep(3_000);
        }
        ProbeSupport.write(truth, TRUTH);
        System.out.println("HELD " + HELD.size());
    }

    /** The known direct buffers and Unsafe block: the allocation events' stacks must hold this method. */
    static void allocateKnownBlocks()
    {
        for (final int size : DIRECT_SIZES)
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(size);
            HELD.add(buffer);
            TRUTH.add("ALLOC DIRECT " + ProbeSupport.address(buffer) + " " + size);
        }
        final long address = ProbeSupport.UNSAFE.allocateMemory(UNSAFE_SIZE);
        TRUTH.add("ALLOC UNSAFE " + address + " " + UNSAFE_SIZE);
    }

    private static void mapAndAwaitUsageEvent(final Path file) throws Exception
    {
        final CountDownLatch seen = new CountDownLatch(1);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
            RecordingStream stream = new RecordingStream())
        {
            raf.setLength(MAPPED_SIZE);
            stream.enable("io.pageowner.OffHeapUsage").withPeriod(Duration.ofMillis(200));
            final MappedByteBuffer mapped = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, MAPPED_SIZE);
            HELD.add(mapped);
            TRUTH.add("ALLOC MAPPED " + ProbeSupport.address(mapped) + " " + MAPPED_SIZE);
            stream.onEvent("io.pageowner.OffHeapUsage", event ->
            {
                if ("MAPPED".equals(event.getString("kind")) && MAPPED_SIZE == event.getLong("bytes") &&
                    seen.getCount() > 0)
                {
                    TRUTH.add("SEEN MAPPED " + event.getLong("allocations") + " " + event.getLong("bytes"));
                    seen.countDown();
                }
            });
            stream.startAsync();
            if (!seen.await(60, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("no io.pageowner.OffHeapUsage event for the mapping in 60 s");
            }
        }
    }
}
