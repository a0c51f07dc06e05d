package io.pageowner.depot;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Deduplicated call stacks, stored once each and named by an int id, as the kernel's stackdepot
 * does for page_owner. Stacks are never removed. Finding a stored stack is lock-free: an
 * open-addressed array of entries read with volatile loads; a stack is compared frame by frame
 * (class, method, bytecode index: see {@link StackCapture}) so two stacks never share an id because
 * their hashes collide.
 * <p>
 * Storing a new stack, which happens once per distinct stack, takes this depot's lock. The arrays
 * start small ({@value #INITIAL_SLOTS} slots, {@value #INITIAL_IDS} ids) and are copied to twice
 * their size under the lock when needed, the slots keeping a load of at most one half, so an agent
 * holds arrays for the stacks it has seen, not for {@link #capacity()}. A grown array is published
 * by a volatile store and the old one is left as it was: a reader still probing it either finds its
 * stack there or reaches an empty slot and retries under the lock, where it sees the newest array.
 * <p>
 * When {@link #capacity()} distinct stacks exist, further new stacks get {@link #OVERFLOW_ID},
 * whose single frame says so, like the kernel's failure stack.
 * <p>
 * <b>One id per text.</b> A frame's key includes the constant-pool version of its class, which
 * changes each time the class is retransformed: every time the advice is removed ({@code detach})
 * and installed again, every stack through {@code Unsafe} comes back with new keys. A new key whose
 * frames read exactly as a stored stack's is stored as an alias of that stack's id (up to
 * {@link #capacity()} aliases; past that the id is found again by its text, under the lock, without
 * storing the key), so ids, and the stacks a dump shows, grow with the distinct stacks, never with
 * the detach and attach cycles.
 */
public final class StackDepot
{
    /** Id of the stack given when the depot is full. */
    public static final int OVERFLOW_ID = 0;
    /** Id of the stack given when no stack could be captured. */
    public static final int UNKNOWN_ID = 1;

    private static final int FIXED_IDS = 2;
    private static final int INITIAL_SLOTS = 256;
    private static final int INITIAL_IDS = 128;

    private final int capacity;
    private final int maxSlots;
    // NOTE: replaced under the lock, never shrunk; entries are immutable, with final fields only.
    private volatile AtomicReferenceArray<Entry> slots;
    private volatile AtomicReferenceArray<Entry> byId;
    // NOTE: written under the lock only; read without it by size() and by the full-depot check.
    private volatile int nextId = FIXED_IDS;
    /** Each stored stack's id by its frames' text; read and written under the lock only. */
    private final Map<List<String>, Integer> idByText = new HashMap<>();
    /** Keys stored for an id that another key already had; written under the lock only. */
    private int aliases;

    /**
     * Creates a depot.
     *
     * @param capacity distinct stacks at most.
     */
    public StackDepot(final int capacity)
    {
        this.capacity = capacity;
        // NOTE: room for as many aliases as stacks, at a load of at most one half.
        this.maxSlots = Integer.highestOneBit(Math.max(16, capacity) * 2 - 1) << 2;
        this.slots = new AtomicReferenceArray<>(Math.min(INITIAL_SLOTS, maxSlots));
        final AtomicReferenceArray<Entry> ids = new AtomicReferenceArray<>(Math.min(INITIAL_IDS, capacity + FIXED_IDS));
        ids.set(OVERFLOW_ID, Entry.fixed(OVERFLOW_ID, "<stack depot full: raise max_stacks>"));
        ids.set(UNKNOWN_ID, Entry.fixed(UNKNOWN_ID, "<no stack captured>"));
        this.byId = ids;
    }

    /**
     * The id of the stack just captured, adding it if it is new.
     *
     * @param capture holding the frames.
     * @return the stack's id.
     */
    public int intern(final StackCapture capture)
    {
        final int known = capture.knownId(this);
        if (known >= 0)
        {
            return known;
        }
        final int count = capture.count();
        if (0 == count)
        {
            return UNKNOWN_ID;
        }
        final long hash = capture.hash();
        int id = find(slots, capture, hash);
        if (id < 0)
        {
            if (nextId >= capacity + FIXED_IDS)
            {
                return OVERFLOW_ID;
            }
            id = add(capture, hash);
        }
        if (id >= FIXED_IDS)
        {
            capture.remember(this, id);
        }
        return id;
    }

    /**
     * The frames of a stack, innermost first, each as {@code pkg.Class.method(File.java:line)}.
     *
     * @param id of the stack.
     * @return its frames, or a single placeholder frame for an unknown id.
     */
    public String[] frames(final int id)
    {
        final AtomicReferenceArray<Entry> entries = byId;
        final Entry entry = id >= 0 && id < entries.length() ? entries.get(id) : null;
        return null == entry ? new String[]{ "<unknown stack " + id + ">" } : entry.lines;
    }

    /**
     * Distinct stacks stored.
     *
     * @return the count, not counting the two fixed ones.
     */
    public int size()
    {
        return nextId - FIXED_IDS;
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

    /**
     * Slots of the hash array now; it grows with the stacks stored.
     *
     * @return the length of the current slot array.
     */
    int slotCount()
    {
        return slots.length();
    }

    /**
     * Length of the id array now; it grows with the stacks stored.
     *
     * @return the length of the current id array.
     */
    int idCount()
    {
        return byId.length();
    }

    // The id of a stored stack equal to the capture, or -1 once an empty slot is reached.
    private static int find(final AtomicReferenceArray<Entry> table, final StackCapture capture, final long hash)
    {
        final int mask = table.length() - 1;
        for (int index = (int)mix(hash) & mask; ; index = (index + 1) & mask)
        {
            final Entry entry = table.get(index);
            if (null == entry)
            {
                return -1;
            }
            if (entry.hash == hash && capture.sameAs(entry))
            {
                return entry.id;
            }
        }
    }

    private synchronized int add(final StackCapture capture, final long hash)
    {
        final int found = find(slots, capture, hash);
        if (found >= 0)
        {
            return found;
        }
        final int id = nextId;
        if (id >= capacity + FIXED_IDS)
        {
            return OVERFLOW_ID;
        }
        // NOTE: the id is taken before the entry is built, so that even a nested intern on this thread (the monitor
        // is reentrant) could not hand out the same id; if building fails, the id is burnt, which only wastes one.
        nextId = id + 1;
        final Entry built = capture.toEntry(id, hash);
        final List<String> text = Arrays.asList(built.lines);
        final Integer twin = idByText.get(text);
        if (null != twin)
        {
            if (nextId == id + 1)
            {
                nextId = id;
            }
            if (aliases < capacity)
            {
                aliases++;
                slot(built.withId(twin));
            }
            return twin;
        }
        idByText.put(text, id);
        final Entry created = built;

        AtomicReferenceArray<Entry> entries = byId;
        if (id >= entries.length())
        {
            entries = grown(entries, (int)Math.min((long)capacity + FIXED_IDS, 2L * entries.length()));
        }
        entries.set(id, created);
        byId = entries;
        // NOTE: the entry is in byId before its slot, so any thread that finds the id can read its frames.
        slot(created);
        return id;
    }

    /**
     * Puts an entry in the hash array, growing it first to keep the load at most one half. Under the lock.
     */
    private void slot(final Entry entry)
    {
        AtomicReferenceArray<Entry> table = slots;
        final long stored = nextId - FIXED_IDS + aliases;
        if (2L * stored > table.length() && table.length() < maxSlots)
        {
            table = rehashed(table, 2 * table.length());
        }
        final int mask = table.length() - 1;
        int index = (int)mix(entry.hash) & mask;
        while (null != table.get(index))
        {
            index = (index + 1) & mask;
        }
        table.set(index, entry);
        slots = table;
    }

    private static AtomicReferenceArray<Entry> grown(final AtomicReferenceArray<Entry> entries, final int length)
    {
        final AtomicReferenceArray<Entry> copy = new AtomicReferenceArray<>(length);
        for (int i = 0; i < entries.length(); i++)
        {
            copy.set(i, entries.get(i));
        }
        return copy;
    }

    private static AtomicReferenceArray<Entry> rehashed(final AtomicReferenceArray<Entry> table, final int length)
    {
        final AtomicReferenceArray<Entry> copy = new AtomicReferenceArray<>(length);
        final int mask = length - 1;
        for (int i = 0; i < table.length(); i++)
        {
            final Entry entry = table.get(i);
            if (null != entry)
            {
                int index = (int)mix(entry.hash) & mask;
                while (null != copy.get(index))
                {
                    index = (index + 1) & mask;
                }
                copy.set(index, entry);
            }
        }
        return copy;
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

        Entry withId(final int newId)
        {
            return new Entry(newId, hash, classNames, frameKeys, methodNames, descriptors, lines);
        }

        static Entry fixed(final int id, final String line)
        {
            return new Entry(id, 0, new String[0], new long[0], null, null, new String[]{ line });
        }
    }
}
