package io.pageowner.bench.startup;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A small program of the kind services start with: direct buffers, a file read through a channel (NIO's
 * temporary buffer), a mapping; it says when its {@code main} began.
 */
public final class DirectMain
{
    private DirectMain()
    {
    }

    /**
     * Prints the time {@code main} began, then does its off-heap work.
     *
     * @param args unused.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Instant now = Instant.now();
        System.out.println("MAIN " + (now.getEpochSecond() * 1_000_000_000L + now.getNano()));
        final List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < 64; i++)
        {
            buffers.add(ByteBuffer.allocateDirect(16 * 1024));
        }
        final Path file = Files.createTempFile("startup", ".bin");
        try
        {
            Files.write(file, new byte[64 * 1024]);
            try (FileChannel channel = FileChannel.open(file))
            {
                final ByteBuffer heap = ByteBuffer.allocate(8192);
                while (channel.read(heap) > 0)
                {
                    heap.clear();
                }
                System.out.println("mapped " + channel.map(FileChannel.MapMode.READ_ONLY, 0, 4096).get(0));
            }
        }
        finally
        {
            Files.delete(file);
        }
        System.out.println("buffers " + buffers.size());
    }
}
