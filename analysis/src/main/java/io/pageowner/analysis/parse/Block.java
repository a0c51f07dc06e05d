package io.pageowner.analysis.parse;

import java.util.Arrays;

/**
 * The lines of the record being read, reused from record to record: its text (the header line and the stack
 * lines, each ended by {@code \n}) and, kept apart as the kernel's sorter keeps it, its {@code PFN} line. The
 * first problem found in it, by the framer or by a later stage, makes it damaged.
 */
public final class Block
{
    byte[] text = new byte[1 << 16];
    int length;
    int headerEnd;
    byte[] pfn = new byte[1 << 10];
    int pfnLength;
    long pfnLine;
    long line;
    String damage;
    long damageLine;

    void start(final long line)
    {
        this.line = line;
        length = 0;
        headerEnd = -1;
        pfnLength = 0;
        damage = null;
    }

    void appendPfn(final byte[] buffer, final int from, final int to, final long line)
    {
        final int lineLength = to - from;
        if (pfn.length < lineLength)
        {
            pfn = new byte[Math.max(lineLength, pfn.length * 2)];
        }
        System.arraycopy(buffer, from, pfn, 0, lineLength);
        pfnLength = lineLength;
        pfnLine = line;
    }

    void appendLine(final byte[] buffer, final int from, final int to)
    {
        final int lineLength = to - from;
        if (text.length < length + lineLength + 1)
        {
            text = Arrays.copyOf(text, Math.max(length + lineLength + 1, text.length * 2));
        }
        System.arraycopy(buffer, from, text, length, lineLength);
        length += lineLength;
        text[length++] = '\n';
        if (headerEnd < 0)
        {
            headerEnd = length - 1;
        }
    }

    /**
     * Mark the record damaged, unless it already is (the first problem is the one reported).
     *
     * @param line    of the problem.
     * @param message saying what is wrong.
     */
    public void damage(final long line, final String message)
    {
        if (null == damage)
        {
            damage = message;
            damageLine = line;
        }
    }

    /**
     * Whether a problem was found in the record.
     *
     * @return whether the record is damaged.
     */
    public boolean damaged()
    {
        return null != damage;
    }

    /**
     * The record text: the header line and the stack lines, each ended by {@code \n}; valid up to
     * {@link #length()}.
     *
     * @return the buffer holding the text.
     */
    public byte[] text()
    {
        return text;
    }

    /**
     * Length of the record text.
     *
     * @return length of the record text.
     */
    public int length()
    {
        return length;
    }

    /**
     * Index of the {@code \n} that ends the header line.
     *
     * @return index of the end of the header line.
     */
    public int headerEnd()
    {
        return headerEnd;
    }

    /**
     * The {@code PFN} line, valid up to {@link #pfnLength()}.
     *
     * @return the buffer holding the PFN line.
     */
    public byte[] pfn()
    {
        return pfn;
    }

    /**
     * Length of the {@code PFN} line, 0 if the record has none.
     *
     * @return length of the PFN line.
     */
    public int pfnLength()
    {
        return pfnLength;
    }

    /**
     * Line number of the {@code PFN} line.
     *
     * @return line number of the PFN line.
     */
    public long pfnLine()
    {
        return pfnLine;
    }

    /**
     * Line number of the first line of the record.
     *
     * @return line number of the record.
     */
    public long line()
    {
        return line;
    }
}
