package io.pageowner.analysis;

import io.pageowner.analysis.group.Aggregator;
import io.pageowner.analysis.group.Group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pageowner.analysis.bench.DumpGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs past 2 GiB: byte and line counts must not overflow, and memory must stay with the groups.
 */
class LargeInputTest
{
    private static final long TWO_GIB = 1L << 31;

    @TempDir
    Path dir;

    /**
     * Repeats a block of records until a given size, without holding more than the block.
     */
    static final class RepeatingInputStream extends InputStream
    {
        private final byte[] chunk;
        private final long size;
        private long position;

        RepeatingInputStream(final byte[] chunk, final long size)
        {
            this.chunk = chunk;
            this.size = size;
        }

        public int read()
        {
            if (position >= size)
            {
                return -1;
            }
            return chunk[(int)(position++ % chunk.length)] & 0xFF;
        }

        public int read(final byte[] buffer, final int offset, final int length)
        {
            if (position >= size)
            {
                return -1;
            }
            final int start = (int)(position % chunk.length);
            final int n = (int)Math.min(Math.min(length, chunk.length - start), size - position);
            System.arraycopy(chunk, start, buffer, offset, n);
            position += n;
            return n;
        }
    }

    private static byte[] chunk(final int records) throws IOException
    {
        final DumpGenerator generator = new DumpGenerator(1, 50, 6);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < records; i++)
        {
            out.write(generator.next().text().getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    @Test
    void shouldReadMoreThanTwoGibibytes() throws Exception
    {
        final byte[] chunk = chunk(2000);
        final long repeats = TWO_GIB / chunk.length + 2;
        final long size = repeats * chunk.length;
        final SortOptions options = SortOptions.parse(new String[]{ "--cull=st", "in", "out" });
        final Aggregator parser = new Aggregator(options, "big", new PrintStream(OutputStream.nullOutputStream()));
        parser.parse(new RepeatingInputStream(chunk, size));

        assertTrue(parser.bytesRead() > TWO_GIB);
        assertEquals(size, parser.bytesRead());
        assertEquals(repeats * 2000, parser.records());
        assertEquals(0, parser.damaged());
        assertTrue(parser.groups().size() <= 50, "groups: " + parser.groups().size());
        long times = 0;
        for (final Group group : parser.groups().groups())
        {
            times += group.times;
        }
        assertEquals(parser.records(), times);
    }

    /**
     * The same through a real file and the command line; writes 2 GiB, so only with
     * {@code -Dpageowner.sort.bigfile=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "pageowner.sort.bigfile", matches = "true")
    void shouldSortATwoGibibyteFile() throws Exception
    {
        final byte[] chunk = chunk(2000);
        final Path input = dir.resolve("big.txt");
        final long repeats = TWO_GIB / chunk.length + 2;
        try (OutputStream out = Files.newOutputStream(input))
        {
            for (long i = 0; i < repeats; i++)
            {
                out.write(chunk);
            }
        }
        final Path output = dir.resolve("out.txt");
        final GoldenTest.Result result = GoldenTest.Result.run("--cull=st", input.toString(), output.toString());
        assertEquals(0, result.exit, result.err);
        assertTrue(result.out.startsWith("loaded " + repeats * 2000 + "\n"), result.out);
    }
}
