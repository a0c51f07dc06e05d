package io.pageowner.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A target for {@code MetricsIT}, run beside Prometheus' jmx_exporter agent: it maps a file, makes a block with
 * {@code Unsafe.reallocateMemory} and three direct buffers, prints their sizes ({@code MAPPED <bytes>},
 * {@code REALLOC <bytes>}, {@code DIRECT <bytes>}) and {@code READY}, then obeys {@code free} on stdin (unmaps,
 * frees the block and drops the buffers, printing {@code DONE free} once the JDK's pools show it). It exits when
 * stdin closes, and after 180 s in any case.
 */
public final class MetricsProbe
{
    /** Mapped bytes: not a multiple of the page, from position 0. */
    static final int MAPPED_BYTES = 3 * 4096 + 100;
    static final long REALLOC_BYTES = 50_000;
    static final int DIRECT_BYTES = 1 << 20;
    static final List<ByteBuffer> KEEP = new ArrayList<>();

    private MetricsProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args the file to map.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Thread watchdog = new Thread(() ->
        {
            try
            {
                Thread.sleep(180_000);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            System.exit(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        final Path file = Path.of(args[0]);
        Files.write(file, new byte[MAPPED_BYTES]);
        final MappedByteBuffer mapped;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"); FileChannel channel = raf.getChannel())
        {
            mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, MAPPED_BYTES);
        }
        long block = ProbeSupport.UNSAFE.allocateMemory(1000);
        block = ProbeSupport.UNSAFE.reallocateMemory(block, REALLOC_BYTES);
        for (int i = 0; i < 3; i++)
        {
            KEEP.add(ByteBuffer.allocateDirect(DIRECT_BYTES));
        }
        System.out.println("MAPPED " + MAPPED_BYTES);
        System.out.println("REALLOC " + REALLOC_BYTES);
        System.out.println("DIRECT " + 3L * DIRECT_BYTES);
        System.out.println("READY");
        System.out.flush();

        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while (null != (command = in.readLine()))
        {
            if ("free".equals(command))
            {
                ProbeSupport.UNSAFE.invokeCleaner(mapped);
                ProbeSupport.UNSAFE.freeMemory(block);
                for (final ByteBuffer buffer : KEEP)
                {
                    ProbeSupport.UNSAFE.invokeCleaner(buffer);
                }
                KEEP.clear();
                ProbeSupport.awaitPoolCount("mapped", 0);
            }
            System.out.println("DONE " + command);
            System.out.flush();
        }
    }
}
