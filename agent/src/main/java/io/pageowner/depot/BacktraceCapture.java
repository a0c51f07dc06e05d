package io.pageowner.depot;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Stack capture from the VM's own backtrace: a fresh {@code Throwable} is filled in by the VM (one
 * native walk, no frame objects), and its private {@code backtrace} is read directly. HotSpot keeps
 * it as chunks of 32 frames: an {@code Object[]} holding a {@code short[]} of method idnums, an
 * {@code int[]} of bytecode index and constant-pool version, an {@code Object[]} of class mirrors,
 * and the next chunk. (class, idnum, bci|version) names a frame exactly, so stacks are hashed and
 * compared without a single name; names are read once, from {@link Throwable#getStackTrace()}, when
 * a stack is new.
 * <p>
 * The layout is HotSpot's, not an API, and differs between releases (six slots per chunk on 17,
 * seven on 25), so it is discovered, not assumed: at class initialisation a throwable of known
 * depth is read both ways and every frame's class compared. Any difference, a missing field, no
 * access to {@code java.lang} (the agent opens it to itself), or {@code -XX:-StackTraceInThrowable}
 * makes {@link #available()} false, and {@link WalkerCapture} is used instead.
 * <p>
 * Cost: the VM walks the whole stack (up to {@code -XX:MaxJavaStackTraceDepth}, 1024), so it grows
 * with the stack's depth: about 0.8 µs at 20 frames, 3 µs at 100. It allocates the throwable and
 * its chunk arrays (about 0.7 KiB at 20 frames), garbage at once.
 */
final class BacktraceCapture extends StackCapture
{
    private static final VarHandle BACKTRACE;
    private static final VarHandle DEPTH;
    private static final int METHODS;
    private static final int BCIS;
    private static final int MIRRORS;
    private static final int NEXT;
    private static final String UNAVAILABLE;

    static
    {
        VarHandle backtrace = null;
        VarHandle depth = null;
        int[] layout = null;
        String unavailable = null;
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Throwable.class, MethodHandles.lookup());
            backtrace = lookup.findVarHandle(Throwable.class, "backtrace", Object.class);
            depth = lookup.findVarHandle(Throwable.class, "depth", int.class);
            layout = discover(backtrace, depth, deep(80));
        }
        catch (final Throwable ex)
        {
            unavailable = ex.toString();
        }
        if (null == layout && null == unavailable)
        {
            unavailable = "the VM's backtrace layout is not the expected one";
        }
        BACKTRACE = null == layout ? null : backtrace;
        DEPTH = null == layout ? null : depth;
        METHODS = null == layout ? -1 : layout[0];
        BCIS = null == layout ? -1 : layout[1];
        MIRRORS = null == layout ? -1 : layout[2];
        NEXT = null == layout ? -1 : layout[3];
        UNAVAILABLE = unavailable;
    }

    /** Raw frames (skipped leading ones included) remembered at most: the kept ones and a few of the agent's. */
    private static final int EXTRA_RAW = 32;

    private Throwable throwable;
    private final int[] frameIndexes;

    // NOTE: the last stack the depot named, as the raw frames of the backtrace up to its last kept frame, so that
    // a thread allocating again from the same place (a loop, a pool growing) is recognised by one comparison of
    // those frames, without hashing them, looking them up and comparing them again in the depot. Classes are
    // remembered by name (interned by the VM), as the depot's entries know them, so that no class is kept alive.
    private final String[] lastNames;
    private final short[] lastMethods;
    private final int[] lastBcis;
    private int lastRaw;
    private int lastTotal;
    private boolean lastFull;
    private String[] lastPools;
    private int lastId = -1;
    private boolean pending;

    BacktraceCapture(final int depth, final ClassLoader agentLoader, final Class<?> hooksClass)
    {
        super(depth, agentLoader, hooksClass);
        this.frameIndexes = new int[depth];
        this.lastNames = new String[depth + EXTRA_RAW];
        this.lastMethods = new short[depth + EXTRA_RAW];
        this.lastBcis = new int[depth + EXTRA_RAW];
    }

    /**
     * Whether the backtrace can be read on this VM.
     *
     * @return true if it can.
     */
    static boolean available()
    {
        return null != BACKTRACE;
    }

    /**
     * Why the backtrace cannot be read.
     *
     * @return the reason, or null if it can.
     */
    static String unavailableReason()
    {
        return UNAVAILABLE;
    }

    @Override
    public StackCapture capture()
    {
        return capture(new Throwable());
    }

    @Override
    public StackCapture capture(final Throwable taken)
    {
        final Throwable t = null != taken ? taken : new Throwable();
        throwable = t;
        final int total = (int)DEPTH.get(t);
        final Object[] first = (Object[])BACKTRACE.get(t);
        if (repeatsLast(first, total))
        {
            // NOTE: knownBy stays the depot that named the last stack.
            knownId = lastId;
            return this;
        }
        knownId = -1;
        lastId = -1;
        final String[] names = lastNames;
        final short[] rawMethods = lastMethods;
        final int[] rawBcis = lastBcis;
        final int rawCapacity = names.length;
        Object[] chunk = first;
        long h = 1;
        int n = 0;
        int frame = 0;
        int raw = 0;
        // NOTE: the agent's frames (capture, recorder, hooks) are the innermost ones, and the guard keeps
        // the agent from recording under its own calls, so once a frame is not the agent's none below is.
        boolean leading = true;
        while (null != chunk && frame < total && n < depth)
        {
            final short[] methods = (short[])chunk[METHODS];
            final int[] bcis = (int[])chunk[BCIS];
            final Object[] mirrors = (Object[])chunk[MIRRORS];
            final int inChunk = Math.min(methods.length, total - frame);
            for (int i = 0; i < inChunk && n < depth; i++)
            {
                final Class<?> declaring = (Class<?>)mirrors[i];
                if (raw < rawCapacity)
                {
                    names[raw] = declaring.getName();
                    rawMethods[raw] = methods[i];
                    rawBcis[raw] = bcis[i];
                }
                raw++;
                if (!leading || !(skip(declaring) || inPool(declaring)))
                {
                    leading = false;
                    final long key = ((long)methods[i] << 32) | (bcis[i] & 0xFFFF_FFFFL);
                    classes[n] = declaring;
                    frameKeys[n] = key;
                    frameIndexes[n] = frame + i;
                    h = 31 * h + System.identityHashCode(declaring);
                    h = 31 * h + key;
                    n++;
                }
            }
            frame += inChunk;
            chunk = (Object[])chunk[NEXT];
        }
        count = n;
        hash = h;
        pending = raw <= rawCapacity;
        lastRaw = raw;
        lastTotal = total;
        lastFull = n == depth;
        lastPools = poolPackages();
        return this;
    }

    @Override
    protected void remember(final StackDepot depot, final int id)
    {
        if (pending)
        {
            lastId = id;
            knownBy = depot;
            pending = false;
        }
    }

    /**
     * Whether a backtrace begins with the raw frames of the last stack the depot named: then the frames kept from
     * it are the same ones (which frames are left out depends only on their classes, and the pools' packages,
     * which must not have changed), and so is the stack. A class is compared by its name, as the depot's entries
     * compare it.
     */
    private boolean repeatsLast(final Object[] first, final int total)
    {
        final int raw = lastRaw;
        if (lastId < 0 || total < raw || (!lastFull && total != lastTotal) || lastPools != poolPackages())
        {
            return false;
        }
        final String[] names = lastNames;
        final short[] rawMethods = lastMethods;
        final int[] rawBcis = lastBcis;
        Object[] chunk = first;
        int frame = 0;
        while (frame < raw)
        {
            if (null == chunk)
            {
                return false;
            }
            final short[] methods = (short[])chunk[METHODS];
            final int[] bcis = (int[])chunk[BCIS];
            final Object[] mirrors = (Object[])chunk[MIRRORS];
            final int inChunk = Math.min(methods.length, raw - frame);
            // NOTE: methods and bytecode indexes first, as whole ranges (the JDK compares them vectorised), then
            // the classes: a loop of two dependent loads per frame instead of seven loads and three compares.
            if (!Arrays.equals(methods, 0, inChunk, rawMethods, frame, frame + inChunk) ||
                !Arrays.equals(bcis, 0, inChunk, rawBcis, frame, frame + inChunk))
            {
                return false;
            }
            for (int i = 0; i < inChunk; i++)
            {
                if (((Class<?>)mirrors[i]).getName() != names[frame + i])
                {
                    return false;
                }
            }
            frame += inChunk;
            chunk = (Object[])chunk[NEXT];
        }
        return true;
    }

    @Override
    protected String[] lines()
    {
        final StackTraceElement[] elements = throwable.getStackTrace();
        final String[] lines = new String[count];
        for (int i = 0; i < count; i++)
        {
            lines[i] = frameIndexes[i] < elements.length ? format(elements[frameIndexes[i]]) : "<frame lost>";
        }
        return lines;
    }

    @Override
    public void clear()
    {
        throwable = null;
        pending = false;
        super.clear();
    }

    /**
     * Finds the slots of a backtrace chunk and checks them against the throwable's own stack trace.
     *
     * @return {methods, bcis, mirrors, next} slot indexes, or null if the layout is not understood.
     */
    private static int[] discover(final VarHandle backtrace, final VarHandle depth, final Throwable probe)
    {
        final Object first = backtrace.get(probe);
        final int total = (int)depth.get(probe);
        final StackTraceElement[] elements = probe.getStackTrace();
        if (!(first instanceof Object[]) || total != elements.length || total < 40)
        {
            return null;
        }
        final Object[] chunk = (Object[])first;
        int methods = -1;
        int bcis = -1;
        int mirrors = -1;
        int next = -1;
        for (int i = 0; i < chunk.length; i++)
        {
            final Object slot = chunk[i];
            if (slot instanceof short[] && methods < 0)
            {
                methods = i;
            }
            else if (slot instanceof int[] && bcis < 0)
            {
                bcis = i;
            }
            else if (slot instanceof Object[] && ((Object[])slot).length == chunk.length && next < 0)
            {
                next = i;
            }
            else if (slot instanceof Object[] && ((Object[])slot).length > 0 && ((Object[])slot)[0] instanceof Class &&
                mirrors < 0)
            {
                mirrors = i;
            }
        }
        if (methods < 0 || bcis < 0 || mirrors < 0 || next < 0)
        {
            return null;
        }
        // NOTE: every frame's class must agree with the stack trace, across chunk boundaries.
        Object[] current = chunk;
        int frame = 0;
        while (null != current && frame < total)
        {
            final short[] m = (short[])current[methods];
            final Object[] c = (Object[])current[mirrors];
            if (((int[])current[bcis]).length != m.length || c.length != m.length)
            {
                return null;
            }
            for (int i = 0; i < m.length && frame < total; i++, frame++)
            {
                if (!(c[i] instanceof Class) || !((Class<?>)c[i]).getName().equals(elements[frame].getClassName()))
                {
                    return null;
                }
            }
            current = (Object[])current[next];
        }
        return frame == total ? new int[]{ methods, bcis, mirrors, next } : null;
    }

    private static Throwable deep(final int frames)
    {
        return frames <= 0 ? new Throwable() : deep(frames - 1);
    }
}
