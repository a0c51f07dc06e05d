package io.pageowner.analysis.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * One distinct record text after the header line: the stack frames plus any trailing lines ({@code handle:},
 * {@code Page has been migrated ...}, {@code Slab cache page}, {@code Charged ...}), each ending in {@code \n}.
 * This is what the kernel's sorter calls the stacktrace. Whatever is derived from it alone is computed once.
 */
public final class StackText extends ByteTable.Entry
{
    public static final int VMALLOC_NONE = 0;
    public static final int VMALLOC_YES = 1;
    public static final int VMALLOC_NO = 2;
    public static final int VMALLOC_IF_HEADER = 3;

    /**
     * Shown as the top application frame when every frame is in the JDK.
     */
    public static final String NO_APPLICATION_FRAME = "[no application frame]";

    private static final byte[] ALLOC_PAGES = Bytes.ascii("alloc_pages");
    private static final byte[] VMALLOC_NODE_RANGE = Bytes.ascii("__vmalloc_node_range");
    private static final String[] JDK_PREFIXES = { "java.", "javax.", "jdk.", "sun.", "com.sun." };

    public final String module;
    public final int vmallocVerdict;
    public int moduleId;
    private String[] frames;
    private String topFrame;
    private int topFrameId = -1;

    /**
     * Derive the per-stack facts from the interned bytes.
     *
     * @param bytes of the lines after the header, each with its {@code \n}.
     * @param hash  of the bytes.
     */
    public StackText(final byte[] bytes, final int hash)
    {
        super(bytes, hash);
        module = Bytes.firstModule(bytes, 0, bytes.length);
        vmallocVerdict = vmallocVerdict(bytes);
    }

    /**
     * The kernel's VMALLOC test: {@code alloc_pages} on the line before the first {@code __vmalloc_node_range},
     * or earlier on its own line.
     */
    private static int vmallocVerdict(final byte[] text)
    {
        final int match = Bytes.indexOf(text, 0, text.length, VMALLOC_NODE_RANGE);
        if (match < 0)
        {
            return VMALLOC_NONE;
        }
        int lineStart = match;
        while (lineStart > 0 && text[lineStart - 1] != '\n')
        {
            lineStart--;
        }
        if (lineStart == 0)
        {
            return Bytes.indexOf(text, 0, match, ALLOC_PAGES) >= 0 ? VMALLOC_YES : VMALLOC_IF_HEADER;
        }
        int previousStart = lineStart - 1;
        while (previousStart > 0 && text[previousStart - 1] != '\n')
        {
            previousStart--;
        }
        return Bytes.indexOf(text, previousStart, match, ALLOC_PAGES) >= 0 ? VMALLOC_YES : VMALLOC_NO;
    }

    /**
     * The stack frames, innermost first: lines that start with white space, without it.
     *
     * @return the stack frames.
     */
    public String[] frames()
    {
        if (null == frames)
        {
            final List<String> list = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++)
            {
                if (bytes[i] == '\n')
                {
                    if (i > start && (bytes[start] == ' ' || bytes[start] == '\t'))
                    {
                        int from = start;
                        while (from < i && (bytes[from] == ' ' || bytes[from] == '\t'))
                        {
                            from++;
                        }
                        list.add(Bytes.latin1(bytes, from, i));
                    }
                    start = i + 1;
                }
            }
            frames = list.toArray(new String[0]);
        }
        return frames;
    }

    /**
     * The first frame outside the JDK (not in {@code java.}, {@code javax.}, {@code jdk.}, {@code sun.} or
     * {@code com.sun.}), i.e. the application code that asked for the memory.
     *
     * @return the top application frame, or {@link #NO_APPLICATION_FRAME}.
     */
    public String topFrame()
    {
        if (null == topFrame)
        {
            topFrame = NO_APPLICATION_FRAME;
            for (final String frame : frames())
            {
                if (!isJdkFrame(frame))
                {
                    topFrame = frame;
                    break;
                }
            }
        }
        return topFrame;
    }

    /**
     * Id of {@link #topFrame()} in the given id space, computed once.
     *
     * @param ids to intern the frame in.
     * @return the id.
     */
    public int topFrameId(final StringIds ids)
    {
        if (topFrameId < 0)
        {
            topFrameId = ids.id(topFrame());
        }
        return topFrameId;
    }

    private static boolean isJdkFrame(final String frame)
    {
        for (final String prefix : JDK_PREFIXES)
        {
            if (frame.startsWith(prefix))
            {
                return true;
            }
        }
        return false;
    }
}
