package io.pageowner.depot;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Arrays;

/**
 * Threads that allocated, interned as (thread id, name) pairs and named by an int ref so that a
 * record stores 4 bytes instead of a name. Interning is rare (once per thread, and again when a
 * thread is renamed), so it takes a lock; reading a ref never does. The ref-to-thread array starts
 * small and is copied to twice its size when full (under the lock), so an idle agent holds a few
 * KiB, not an array sized for the worst case.
 */
public final class ThreadDepot
{
    /** Ref given when the depot is full. */
    public static final int OVERFLOW_REF = 0;
    /** Longest comm, in bytes, as the kernel's TASK_COMM_LEN - 1. */
    public static final int COMM_MAX_BYTES = 15;

    private static final int INITIAL_SIZE = 256;
    private static final Entry OVERFLOW = new Entry(-1, "<thread depot full>");

    private final int capacity;
    // NOTE: replaced, never written in place after publication of a ref: readers see a complete entry.
    private volatile Entry[] byRef;
    private final Map<Key, Integer> refs = new HashMap<>();
    private int next = 1;

    /**
     * Creates a depot.
     *
     * @param capacity distinct (thread, name) pairs at most.
     */
    public ThreadDepot(final int capacity)
    {
        this.capacity = capacity;
        final Entry[] initial = new Entry[Math.min(capacity + 1, INITIAL_SIZE)];
        initial[OVERFLOW_REF] = OVERFLOW;
        this.byRef = initial;
    }

    /**
     * The ref of a thread under a name, adding it if new.
     *
     * @param threadId the Java thread id.
     * @param name     the thread's name now.
     * @return the ref.
     */
    public synchronized int intern(final long threadId, final String name)
    {
        final Key key = new Key(threadId, name);
        final Integer existing = refs.get(key);
        if (null != existing)
        {
            return existing;
        }
        if (next > capacity)
        {
            return OVERFLOW_REF;
        }
        final int ref = next++;
        Entry[] entries = byRef;
        if (ref >= entries.length)
        {
            entries = Arrays.copyOf(entries, (int)Math.min((long)capacity + 1, 2L * entries.length));
        }
        entries[ref] = new Entry(threadId, name);
        // NOTE: the volatile store publishes the entry (and a grown array) before the ref is handed out.
        byRef = entries;
        refs.put(key, ref);
        return ref;
    }

    /**
     * The thread of a ref.
     *
     * @param ref from {@link #intern(long, String)}.
     * @return the entry, or the overflow entry for an unknown ref.
     */
    public Entry entry(final int ref)
    {
        final Entry[] entries = byRef;
        final Entry entry = ref >= 0 && ref < entries.length ? entries[ref] : null;
        return null == entry ? OVERFLOW : entry;
    }

    /**
     * A thread name as the kernel prints a task's comm: at most 15 bytes of UTF-8, cut at a
     * character boundary, with control characters (which would break the record's line) replaced
     * by {@code ?}.
     *
     * @param name the thread name.
     * @return the comm.
     */
    public static String comm(final String name)
    {
        final StringBuilder sb = new StringBuilder(COMM_MAX_BYTES);
        int bytes = 0;
        for (int i = 0; i < name.length(); )
        {
            final int cp = name.codePointAt(i);
            final int c = Character.isISOControl(cp) ? '?' : cp;
            final int len = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > COMM_MAX_BYTES)
            {
                break;
            }
            sb.appendCodePoint(c);
            bytes += len;
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    /**
     * A thread and its name. Equality is written out: a record's generated one bootstraps method handles
     * at its first use, tens of milliseconds of every start (the agent's warm-up uses it).
     */
    private record Key(long threadId, String name)
    {
        @Override
        public boolean equals(final Object other)
        {
            return other instanceof Key && threadId == ((Key)other).threadId && name.equals(((Key)other).name);
        }

        @Override
        public int hashCode()
        {
            return 31 * Long.hashCode(threadId) + name.hashCode();
        }

        @Override
        public String toString()
        {
            return threadId + " " + name;
        }
    }

    /** A thread as the dump shows it. */
    public static final class Entry
    {
        private final long threadId;
        private final String name;
        private final String comm;

        Entry(final long threadId, final String name)
        {
            this.threadId = threadId;
            this.name = name;
            this.comm = ThreadDepot.comm(name);
        }

        /**
         * The Java thread id.
         *
         * @return the id, -1 if unknown.
         */
        public long threadId()
        {
            return threadId;
        }

        /**
         * The full thread name.
         *
         * @return the name.
         */
        public String name()
        {
            return name;
        }

        /**
         * The name cut for the dump's comm field.
         *
         * @return at most 15 bytes of UTF-8.
         */
        public String comm()
        {
            return comm;
        }
    }
}
