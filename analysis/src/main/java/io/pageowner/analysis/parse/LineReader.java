package io.pageowner.analysis.parse;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into lines without decoding or copying them.
 * <p>
 * A line is exposed as a range of {@link #buffer()} that excludes its {@code \n} and, for CRLF input, the
 * {@code \r} before it. The range is valid until the next call to {@link #next()}. A line longer than
 * {@link #MAX_LINE_LENGTH} is not buffered: it is consumed and reported as {@link #overlong()} with an empty
 * range, so memory stays bounded whatever the input holds. Control bytes other than a tab (and a {@code \r}
 * right before the {@code \n}) are reported through {@link #badIndex()}, which is how binary garbage is found.
 */
public final class LineReader
{
    /**
     * Longest line kept; a longer one is reported as overlong.
     */
    public static final int MAX_LINE_LENGTH = 1 << 20;

    private static final int BUFFER_LENGTH = 2 * MAX_LINE_LENGTH + (1 << 16);

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER_LENGTH];
    private int position;
    private int limit;
    private boolean endOfInput;

    private int lineStart;
    private int lineEnd;
    private boolean terminated;
    private boolean overlong;
    private int badIndex;
    private long lineNumber;
    private long bytesRead;

    /**
     * Reader over a stream; the stream is not closed by this class.
     *
     * @param in to read lines from.
     */
    public LineReader(final InputStream in)
    {
        this.in = in;
    }

    /**
     * Advance to the next line.
     *
     * @return false at the end of the input, when there is no further line.
     * @throws IOException if the stream fails.
     */
    public boolean next() throws IOException
    {
        overlong = false;
        badIndex = -1;
        int firstCr = -1;
        int crCount = 0;
        int start = position;
        int i = start;
        final byte[] buffer = this.buffer;

        while (true)
        {
            final int limit = this.limit;
            while (i < limit)
            {
                final byte b = buffer[i];
                if ((b & 0xE0) == 0 || b == 0x7F)
                {
                    if (b == '\n')
                    {
                        lineNumber++;
                        position = i + 1;
                        terminated = true;
                        finishLine(start, i, firstCr, crCount);
                        return true;
                    }
                    if (b == '\r')
                    {
                        if (firstCr < 0)
                        {
                            firstCr = i;
                        }
                        crCount++;
                    }
                    else if (b != '\t' && badIndex < 0)
                    {
                        badIndex = i;
                    }
                }
                i++;
            }

            if (i - start > MAX_LINE_LENGTH)
            {
                return skipOverlongLine();
            }

            if (endOfInput)
            {
                if (i > start)
                {
                    lineNumber++;
                    position = i;
                    terminated = false;
                    finishLine(start, i, firstCr, crCount);
                    return true;
                }
                return false;
            }

            if (start > 0)
            {
                final int shift = start;
                System.arraycopy(buffer, start, buffer, 0, this.limit - start);
                this.limit -= shift;
                i -= shift;
                start = 0;
                if (badIndex >= 0)
                {
                    badIndex -= shift;
                }
                if (firstCr >= 0)
                {
                    firstCr -= shift;
                }
            }
            fill();
        }
    }

    private void finishLine(final int start, final int end, final int firstCr, final int crCount)
    {
        int lineEnd = end;
        if (crCount > 0)
        {
            if (crCount == 1 && firstCr == end - 1)
            {
                lineEnd = end - 1;
            }
            else if (badIndex < 0 || firstCr < badIndex)
            {
                badIndex = firstCr;
            }
        }
        this.lineStart = start;
        this.lineEnd = lineEnd;
    }

    private boolean skipOverlongLine() throws IOException
    {
        lineNumber++;
        overlong = true;
        badIndex = -1;
        while (true)
        {
            for (int i = position; i < limit; i++)
            {
                if (buffer[i] == '\n')
                {
                    position = i + 1;
                    terminated = true;
                    lineStart = position;
                    lineEnd = position;
                    return true;
                }
            }
            position = 0;
            limit = 0;
            if (endOfInput)
            {
                terminated = false;
                lineStart = 0;
                lineEnd = 0;
                return true;
            }
            fill();
        }
    }

    private void fill() throws IOException
    {
        if (limit == buffer.length)
        {
            throw new IllegalStateException("line buffer full");
        }
        final int read = in.read(buffer, limit, buffer.length - limit);
        if (read < 0)
        {
            endOfInput = true;
        }
        else
        {
            limit += read;
            bytesRead += read;
        }
    }

    /**
     * The buffer that holds the current line.
     *
     * @return the buffer that holds the current line.
     */
    public byte[] buffer()
    {
        return buffer;
    }

    /**
     * Start of the current line in {@link #buffer()}.
     *
     * @return start of the current line in {@link #buffer()}.
     */
    public int start()
    {
        return lineStart;
    }

    /**
     * End (exclusive) of the current line in {@link #buffer()}, before any line terminator.
     *
     * @return end (exclusive) of the current line.
     */
    public int end()
    {
        return lineEnd;
    }

    /**
     * Whether the current line ended with {@code \n}; only the last line of an input can be unterminated.
     *
     * @return whether the current line ended with {@code \n}.
     */
    public boolean terminated()
    {
        return terminated;
    }

    /**
     * Whether the current line was longer than {@link #MAX_LINE_LENGTH} and was skipped.
     *
     * @return whether the current line was too long to keep.
     */
    public boolean overlong()
    {
        return overlong;
    }

    /**
     * Index in {@link #buffer()} of the first control byte of the current line, or -1 if it has none.
     *
     * @return index of the first control byte, or -1.
     */
    public int badIndex()
    {
        return badIndex;
    }

    /**
     * One-based number of the current line.
     *
     * @return one-based number of the current line.
     */
    public long lineNumber()
    {
        return lineNumber;
    }

    /**
     * Bytes read from the stream so far.
     *
     * @return bytes read from the stream so far.
     */
    public long bytesRead()
    {
        return bytesRead;
    }
}
