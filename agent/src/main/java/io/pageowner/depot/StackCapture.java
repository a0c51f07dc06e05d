package io.pageowner.depot;

import java.lang.StackWalker.StackFrame;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Captures the calling Java stack into per-thread scratch arrays, skipping the agent's own frames,
 * so that {@link StackDepot} can find or store it. One instance per thread, reused for every
 * allocation; the walk function is this object, so no lambda is created per capture.
 */
public final class StackCapture implements Function<Stream<StackFrame>, Void>
{
    private static final StackWalker WALKER =
        StackWalker.getInstance(Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE));

    private final int depth;
    private final ClassLoader agentLoader;
    private final Class<?> hooksClass;
    private final StackFrame[] frames;
    private final String[] classNames;
    private final String[] methodNames;
    private final String[] descriptors;
    private final int[] bcis;
    private int count;
    private long hash;

    /**
     * Creates a capture buffer.
     *
     * @param depth       frames kept at most.
     * @param agentLoader whose classes' frames are skipped.
     * @param hooksClass  whose frames are skipped too (it lives in java.base).
     */
    public StackCapture(final int depth, final ClassLoader agentLoader, final Class<?> hooksClass)
    {
        this.depth = depth;
        this.agentLoader = agentLoader;
        this.hooksClass = hooksClass;
        this.frames = new StackFrame[depth];
        this.classNames = new String[depth];
        this.methodNames = new String[depth];
        this.descriptors = new String[depth];
        this.bcis = new int[depth];
    }

    /**
     * Walks the current thread's stack.
     *
     * @return this, holding the frames until the next capture.
     */
    public StackCapture capture()
    {
        count = 0;
        hash = 1;
        WALKER.walk(this);
        return this;
    }

    @Override
    public Void apply(final Stream<StackFrame> stream)
    {
        final Iterator<StackFrame> it = stream.iterator();
        long h = 1;
        int n = 0;
        while (n < depth && it.hasNext())
        {
            final StackFrame frame = it.next();
            final Class<?> declaring = frame.getDeclaringClass();
            if (declaring == StackCapture.class || declaring == hooksClass ||
                (null != agentLoader && declaring.getClassLoader() == agentLoader))
            {
                continue;
            }
            final String className = declaring.getName();
            final String methodName = frame.getMethodName();
            final String descriptor = frame.getDescriptor();
            final int bci = frame.getByteCodeIndex();
            frames[n] = frame;
            classNames[n] = className;
            methodNames[n] = methodName;
            descriptors[n] = descriptor;
            bcis[n] = bci;
            h = 31 * h + className.hashCode();
            h = 31 * h + methodName.hashCode();
            h = 31 * h + descriptor.hashCode();
            h = 31 * h + bci;
            n++;
        }
        count = n;
        hash = h;
        return null;
    }

    int count()
    {
        return count;
    }

    long hash()
    {
        return hash;
    }

    boolean sameAs(final StackDepot.Entry entry)
    {
        if (entry.bcis.length != count)
        {
            return false;
        }
        for (int i = 0; i < count; i++)
        {
            if (entry.bcis[i] != bcis[i] ||
                !entry.methodNames[i].equals(methodNames[i]) ||
                !entry.classNames[i].equals(classNames[i]) ||
                !entry.descriptors[i].equals(descriptors[i]))
            {
                return false;
            }
        }
        return true;
    }

    StackDepot.Entry toEntry(final int id, final long hash)
    {
        final String[] lines = new String[count];
        for (int i = 0; i < count; i++)
        {
            lines[i] = format(frames[i].toStackTraceElement());
        }
        return new StackDepot.Entry(
            id,
            hash,
            java.util.Arrays.copyOf(classNames, count),
            java.util.Arrays.copyOf(methodNames, count),
            java.util.Arrays.copyOf(descriptors, count),
            java.util.Arrays.copyOf(bcis, count),
            lines);
    }

    /**
     * Forgets the frames, so that the scratch arrays hold no classes alive between captures.
     */
    public void clear()
    {
        for (int i = 0; i < count; i++)
        {
            frames[i] = null;
        }
        count = 0;
    }

    /**
     * A frame as the JVM prints it in a stack trace, without the module prefix.
     *
     * @param element the frame.
     * @return e.g. {@code com.example.Cache.load(Cache.java:42)}.
     */
    public static String format(final StackTraceElement element)
    {
        final StringBuilder sb = new StringBuilder(96);
        sb.append(element.getClassName()).append('.').append(element.getMethodName()).append('(');
        if (element.isNativeMethod())
        {
            sb.append("Native Method");
        }
        else if (null == element.getFileName())
        {
            sb.append("Unknown Source");
        }
        else
        {
            sb.append(element.getFileName());
            if (element.getLineNumber() >= 0)
            {
                sb.append(':').append(element.getLineNumber());
            }
        }
        return sb.append(')').toString();
    }
}
