package io.pageowner.depot;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Deduplicated call stacks, stored once each and named by an int id, as the kernel's stackdepot
 * does for page_owner. Stacks are never removed. Lookups are lock-free: an open-addressed array of
 * entries filled by compare-and-set; a stack is compared frame by frame (class, method, bytecode
 * index: see {@link StackCapture}) so two stacks never share an id because their hashes collide.
 * <p>
 * When {@link #capacity()} distinct stacks exist, further new stacks get {@link #OVERFLOW_ID},
 * whose single frame says so, like the kernel's failure stack.
 */
public final class StackDepot
{
    /** Id of the stack given when the depot is full. */
    public static final int OVERFLOW_ID = 0;
    /** Id of the stack given when no stack could be captured. */
    public static final int UNKNOWN_ID = 1;

    private final int capacity;
    private final int mask;
    private final AtomicReferenceArray<Entry> slots;
    private final AtomicReferenceArray<Entry> byId;
    private final AtomicInteger nextId = new AtomicInteger(2);

    /**
     * Creates a depot.
     *
     * @param capacity distinct stacks at most.
     */
    public StackDepot(final int capacity)
    {
        this.capacity = capacity;
        final int slotCount = Integer.highestOneBit(Math.max(16, capacity) * 2 - 1) << 1;
        this.mask = slotCount - 1;
        this.slots = new AtomicReferenceArray<>(slotCount);
        this.byId = new AtomicReferenceArray<>(capacity + 2);
        byId.set(OVERFLOW_ID, Entry.fixed(OVERFLOW_ID, "<stack depot full: raise max_stacks>"));
        byId.set(UNKNOWN_ID, Entry.fixed(UNKNOWN_ID, "<no stack captured>"));
    }

    /**
     * The id of the stack just captured, adding it if it is new.
     *
     * @param capture holding the frames.
     * @return the stack's id.
     */
    public int intern(final StackCapture capture)
    {
        final int count = capture.count();
        if (0 == count)
        {
            return UNKNOWN_ID;
        }
        final long hash = capture.hash();
        int index = (int)mix(hash) & mask;
        while (true)
        {
            final Entry entry = slots.get(index);
            if (null == entry)
            {
                final int id = nextId.getAndIncrement();
                if (id >= capacity + 2)
                {
                    nextId.set(capacity + 2);
                    return OVERFLOW_ID;
                }
                final Entry created = capture.toEntry(id, hash);
                if (slots.compareAndSet(index, null, created))
                {
                    byId.set(id, created);
                    return id;
                }
                // NOTE: lost the race for this slot; the id is burnt, which only wastes one number.
                continue;
            }
            if (entry.hash == hash && capture.sameAs(entry))
            {
                return entry.id;
            }
            index = (index + 1) & mask;
        }
    }

    /**
     * The frames of a stack, innermost first, each as {@code pkg.Class.method(File.java:line)}.
     *
     * @param id of the stack.
     * @return its frames, or a single placeholder frame for an unknown id.
     */
    public String[] frames(final int id)
    {
        final Entry entry = id >= 0 && id < byId.length() ? byId.get(id) : null;
        return null == entry ? new String[]{ "<unknown stack " + id + ">" } : entry.lines;
    }

    /**
     * Distinct stacks stored.
     *
     * @return the count, not counting the two fixed ones.
     */
    public int size()
    {
        return Math.min(nextId.get(), capacity + 2) - 2;
    }

    /**
     * Distinct stacks it can store.
     *
     * @return the capacity.
     */
    public int capacity()
    {
        return capacity;
    }

    static long mix(final long hash)
    {
        long h = hash * 0x9E3779B97F4A7C15L;
        h ^= h >>> 32;
        return h;
    }

    /** One stored stack. */
    static final class Entry
    {
        final int id;
        final long hash;
        final String[] classNames;
        final long[] frameKeys;
        final String[] methodNames;
        final String[] descriptors;
        final String[] lines;

        Entry(
            final int id,
            final long hash,
            final String[] classNames,
            final long[] frameKeys,
            final String[] methodNames,
            final String[] descriptors,
            final String[] lines)
        {
            this.id = id;
            this.hash = hash;
            this.classNames = classNames;
            this.frameKeys = frameKeys;
            this.methodNames = methodNames;
            this.descriptors = descriptors;
            this.lines = lines;
        }

        static Entry fixed(final int id, final String line)
        {
            return new Entry(id, 0, new String[0], new long[0], null, null, new String[]{ line });
        }
    }
}
