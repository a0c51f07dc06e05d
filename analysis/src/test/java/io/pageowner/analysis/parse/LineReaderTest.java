package io.pageowner.analysis.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class LineReaderTest
{
    /**
     * Hands out at most a few bytes per read, so every line crosses buffer refills.
     */
    private static final class TrickleInputStream extends InputStream
    {
        private final byte[] data;
        private final Random random;
        private int position;

        TrickleInputStream(final byte[] data, final long seed)
        {
            this.data = data;
            this.random = new Random(seed);
        }

        public int read()
        {
            return position < data.length ? data[position++] & 0xFF : -1;
        }

        public int read(final byte[] buffer, final int offset, final int length)
        {
            if (position >= data.length)
            {
                return -1;
            }
            final int n = Math.min(Math.min(length, 1 + random.nextInt(7)), data.length - position);
            System.arraycopy(data, position, buffer, offset, n);
            position += n;
            return n;
        }
    }

    private static List<String> lines(final InputStream in) throws IOException
    {
        final LineReader reader = new LineReader(in);
        final List<String> lines = new ArrayList<>();
        while (reader.next())
        {
            lines.add(new String(reader.buffer(), reader.start(), reader.end() - reader.start(),
                StandardCharsets.ISO_8859_1) + (reader.terminated() ? "" : "<EOF>"));
        }
        return lines;
    }

    @Test
    void shouldSplitLinesWhateverTheReadSizes() throws IOException
    {
        final Random random = new Random(3);
        for (int seed = 0; seed < 50; seed++)
        {
            final StringBuilder text = new StringBuilder();
            final List<String> expected = new ArrayList<>();
            final int count = random.nextInt(40);
            for (int i = 0; i < count; i++)
            {
                final StringBuilder line = new StringBuilder();
                final int length = random.nextInt(90);
                for (int c = 0; c < length; c++)
                {
                    line.append((char)(' ' + random.nextInt(95)));
                }
                expected.add(line.toString());
                text.append(line).append(random.nextBoolean() ? "\r\n" : "\n");
            }
            if (random.nextBoolean())
            {
                text.append("tail");
                expected.add("tail<EOF>");
            }
            final byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(expected, lines(new TrickleInputStream(bytes, seed)), "seed " + seed);
            assertEquals(expected, lines(new ByteArrayInputStream(bytes)), "seed " + seed);
        }
    }

    @Test
    void shouldCountLinesAndBytes() throws IOException
    {
        final LineReader reader =
            new LineReader(new ByteArrayInputStream("a\n\nb\r\nc".getBytes(StandardCharsets.US_ASCII)));
        int lines = 0;
        while (reader.next())
        {
            lines++;
            assertEquals(lines, reader.lineNumber());
        }
        assertEquals(4, lines);
        assertEquals(7, reader.bytesRead());
    }

    @Test
    void shouldReportControlBytesButNotTabsOrCrlf() throws IOException
    {
        final LineReader reader = new LineReader(new ByteArrayInputStream(
            "ok\tline\r\nbad\u0000byte\nstray\rcr\nend\r\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(reader.next());
        assertEquals(-1, reader.badIndex());
        assertEquals("ok\tline", new String(reader.buffer(), reader.start(), reader.end() - reader.start(),
            StandardCharsets.ISO_8859_1));
        assertTrue(reader.next());
        assertEquals(3, reader.badIndex() - reader.start());
        assertTrue(reader.next());
        assertEquals(5, reader.badIndex() - reader.start());
        assertTrue(reader.next());
        assertEquals(3, reader.badIndex() - reader.start(), "only one CR may end a line");
        assertFalse(reader.next());
    }

    @Test
    void shouldSkipOverlongLinesWithoutHoldingThem() throws IOException
    {
        final byte[] big = new byte[LineReader.MAX_LINE_LENGTH * 3];
        java.util.Arrays.fill(big, (byte)'x');
        final byte[] data = new byte[big.length + 9];
        System.arraycopy(big, 0, data, 0, big.length);
        System.arraycopy("\nnext\nz".getBytes(StandardCharsets.US_ASCII), 0, data, big.length, 7);
        final LineReader fast = new LineReader(new ByteArrayInputStream(data, 0, big.length + 7));
        assertTrue(fast.next());
        assertTrue(fast.overlong());
        assertEquals(1, fast.lineNumber());
        assertTrue(fast.next());
        assertFalse(fast.overlong());
        assertEquals("next", new String(fast.buffer(), fast.start(), fast.end() - fast.start(),
            StandardCharsets.US_ASCII));
        assertTrue(fast.next());
        assertEquals(3, fast.lineNumber());
        assertFalse(fast.next());
    }
}
