package io.pageowner.depot;

/**
 * Captures the calling Java stack into per-thread scratch arrays, skipping the agent's own frames,
 * so that {@link StackDepot} can find the stack, or store it if it is new, without materialising
 * frame names for a stack it already has. One instance per thread, reused for every allocation.
 * <p>
 * Two ways, chosen once per JVM by {@link #create(int, ClassLoader, Class)}:
 * {@link BacktraceCapture} reads the VM's own backtrace of a fresh {@code Throwable}, keyed by
 * (class, method idnum, bci): about four times cheaper than a stack walk at a depth of 20; when
 * the backtrace cannot be read or its layout is not the one expected, {@link WalkerCapture} uses
 * {@link StackWalker}, keyed by (class, method name, descriptor, bci). Both are exact: two stacks
 * share an id only if every kept frame is the same method at the same bytecode index.
 */
public abstract class StackCapture
{
    /** Frames kept at most. */
    protected final int depth;
    /** Loader whose classes' frames are skipped (the agent's), or null. */
    protected final ClassLoader agentLoader;
    /** Packages of the pools whose leading frames are left out; copied on write. */
    private static volatile String[] poolPackages = new String[0];
    /** A class whose frames are skipped too (the hooks, in java.base), or null. */
    protected final Class<?> hooksClass;
    /** Declaring classes of the kept frames. */
    protected final Class<?>[] classes;
    /** Per kept frame, what tells methods and bytecode indexes of one class apart. */
    protected final long[] frameKeys;
    /** Kept frames. */
    protected int count;
    /** Hash of the kept frames. */
    protected long hash;
    /** The depot's id of the stack just captured if the capture knows it already (a repeat), or -1. */
    protected int knownId = -1;
    /** The depot that {@link #knownId} is an id of. */
    protected StackDepot knownBy;

    /**
     * Creates a capture buffer.
     *
     * @param depth       frames kept at most.
     * @param agentLoader whose classes' frames are skipped, or null.
     * @param hooksClass  whose frames are skipped too, or null.
     */
    protected StackCapture(final int depth, final ClassLoader agentLoader, final Class<?> hooksClass)
    {
        this.depth = depth;
        this.agentLoader = agentLoader;
        this.hooksClass = hooksClass;
        this.classes = new Class<?>[depth];
        this.frameKeys = new long[depth];
    }

    /**
     * A capture buffer of the cheapest exact kind this JVM supports.
     *
     * @param depth       frames kept at most.
     * @param agentLoader whose classes' frames are skipped, or null.
     * @param hooksClass  whose frames are skipped too, or null.
     * @return the buffer.
     */
    public static StackCapture create(final int depth, final ClassLoader agentLoader, final Class<?> hooksClass)
    {
        return BacktraceCapture.available() ?
            new BacktraceCapture(depth, agentLoader, hooksClass) :
            new WalkerCapture(depth, agentLoader, hooksClass);
    }

    /**
     * Which way stacks are captured on this JVM, for the MBean, the dump and the log.
     *
     * @return {@code backtrace}, or {@code stack-walker} with the reason the backtrace is not used.
     */
    public static String method()
    {
        return BacktraceCapture.available() ? "backtrace" :
            "stack-walker (backtrace unavailable: " + BacktraceCapture.unavailableReason() + ")";
    }

    /**
     * Whether {@link #capture(Throwable)} reads a throwable's backtrace on this JVM, so that a caller
     * may make the throwable itself, closer to the allocation, instead of letting the capture make one.
     *
     * @return true if the backtrace is read.
     */
    public static boolean readsThrowable()
    {
        return BacktraceCapture.available();
    }

    /**
     * Captures the current thread's stack.
     *
     * @return this, holding the frames until {@link #clear()}.
     */
    public abstract StackCapture capture();

    /**
     * Captures the stack of a throwable made by the caller on this thread, if this kind of capture
     * reads throwables ({@link #readsThrowable()}); else the current thread's stack, as
     * {@link #capture()}.
     *
     * @param taken made by the caller, the nearer the allocation the fewer frames the VM walks; or null.
     * @return this, holding the frames until {@link #clear()}.
     */
    public StackCapture capture(final Throwable taken)
    {
        return capture();
    }

    /**
     * The captured frames, formatted; called only for a stack the depot does not have yet.
     *
     * @return one line per kept frame, innermost first.
     */
    protected abstract String[] lines();

    /**
     * Method names per kept frame, if this kind of capture needs them to tell methods apart.
     *
     * @return the names, or null.
     */
    protected String[] methodNames()
    {
        return null;
    }

    /**
     * Method descriptors per kept frame, if this kind of capture needs them.
     *
     * @return the descriptors, or null.
     */
    protected String[] descriptors()
    {
        return null;
    }

    /**
     * Whether a frame of this class is the agent's own and is left out.
     *
     * @param declaring the frame's class.
     * @return true to skip it.
     */
    protected final boolean skip(final Class<?> declaring)
    {
        return declaring == hooksClass || (null != agentLoader && declaring.getClassLoader() == agentLoader) ||
            StackCapture.class.isAssignableFrom(declaring);
    }

    /**
     * Adds a pool's package, whose frames are left out while they are the innermost ones: a pooled buffer's
     * stack then starts at the pool's caller, so the allocator's internal frames never use up the depth. Only
     * leading frames are dropped: a pool frame under any other frame (a chunk's {@code allocateMemory}) stays.
     *
     * @param packageName e.g. {@code io.netty.buffer}, or a shaded copy's.
     */
    public static synchronized void skipLeadingPackage(final String packageName)
    {
        final String[] current = poolPackages;
        for (final String known : current)
        {
            if (known.equals(packageName))
            {
                return;
            }
        }
        final String[] next = java.util.Arrays.copyOf(current, current.length + 1);
        next[current.length] = packageName;
        poolPackages = next;
    }

    /**
     * The pools' packages now: a new array whenever one is added, so its identity tells whether the set changed.
     *
     * @return the packages, never to be written.
     */
    protected static String[] poolPackages()
    {
        return poolPackages;
    }

    /**
     * Whether a frame of this class, while no frame outside the agent and the pools has been kept yet, is a
     * pool's internal frame and is left out (see {@link #skipLeadingPackage(String)}).
     *
     * @param declaring the frame's class.
     * @return true to leave it out.
     */
    protected static boolean inPool(final Class<?> declaring)
    {
        final String[] packages = poolPackages;
        if (0 == packages.length)
        {
            return false;
        }
        final String name = declaring.getPackageName();
        for (final String known : packages)
        {
            if (known.equals(name))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Forgets the frames, so that the scratch arrays keep no class or throwable alive.
     */
    public void clear()
    {
        for (int i = 0; i < count; i++)
        {
            classes[i] = null;
        }
        count = 0;
        knownId = -1;
    }

    /**
     * The depot's id of the stack just captured, when the capture recognised it as the one it captured last.
     *
     * @param depot that asks.
     * @return the id, or -1 if the depot must look the stack up.
     */
    final int knownId(final StackDepot depot)
    {
        return depot == knownBy ? knownId : -1;
    }

    /**
     * Told by the depot which id the stack just captured has, so that a capture can recognise it next time.
     *
     * @param depot that named it.
     * @param id    the stack's id in the depot.
     */
    protected void remember(final StackDepot depot, final int id)
    {
    }

    final int count()
    {
        return count;
    }

    final long hash()
    {
        return hash;
    }

    final boolean sameAs(final StackDepot.Entry entry)
    {
        if (entry.frameKeys.length != count)
        {
            return false;
        }
        final String[] methodNames = methodNames();
        final String[] descriptors = descriptors();
        for (int i = 0; i < count; i++)
        {
            if (entry.frameKeys[i] != frameKeys[i] || !entry.classNames[i].equals(classes[i].getName()))
            {
                return false;
            }
            if (null != methodNames &&
                (!methodNames[i].equals(entry.methodNames[i]) || !descriptors[i].equals(entry.descriptors[i])))
            {
                return false;
            }
        }
        return true;
    }

    final StackDepot.Entry toEntry(final int id, final long entryHash)
    {
        final String[] classNames = new String[count];
        for (int i = 0; i < count; i++)
        {
            classNames[i] = classes[i].getName();
        }
        final String[] methodNames = methodNames();
        final String[] descriptors = descriptors();
        return new StackDepot.Entry(
            id,
            entryHash,
            classNames,
            java.util.Arrays.copyOf(frameKeys, count),
            null == methodNames ? null : java.util.Arrays.copyOf(methodNames, count),
            null == descriptors ? null : java.util.Arrays.copyOf(descriptors, count),
            lines());
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
