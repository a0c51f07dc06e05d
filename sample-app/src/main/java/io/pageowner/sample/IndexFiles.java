package io.pageowner.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory-mapped index segments, as search and storage engines keep them: each segment file is
 * mapped while it is searched and unmapped after; but segments opened "for warm-up" are kept mapped
 * and forgotten in a list, so their mappings outlive their use.
 */
final class IndexFiles implements AutoCloseable
{
    private final Path dir;
    private final List<MappedByteBuffer> warm = new ArrayList<>();

    IndexFiles() throws IOException
    {
        dir = Files.createTempDirectory("sample-index");
        for (int i = 0; i < 4; i++)
        {
            Files.write(dir.resolve("segment-" + i + ".idx"), new byte[256 * 1024]);
        }
    }

    long search(final int segment)
    {
        try (FileChannel channel =
            FileChannel.open(dir.resolve("segment-" + segment % 4 + ".idx"), StandardOpenOption.READ))
        {
            final MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 4096, 64 * 1024);
            final long value = map.getLong(segment % 1024 * 8);
            OffHeap.UNSAFE.invokeCleaner(map);
            return value;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    synchronized void warmUp(final int segment)
    {
        try (FileChannel channel =
            FileChannel.open(dir.resolve("segment-" + segment % 4 + ".idx"), StandardOpenOption.READ))
        {
            warm.add(channel.map(FileChannel.MapMode.READ_ONLY, 0, 128 * 1024));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void close() throws IOException
    {
        // NOTE: the warm mappings are never cleaned here: they stay mapped until GC finds them.
        try (var files = Files.list(dir))
        {
            for (final Path file : files.toList())
            {
                file.toFile().deleteOnExit();
            }
        }
        dir.toFile().deleteOnExit();
    }
}
