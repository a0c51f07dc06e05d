package io.pageowner.analysis.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Interns byte sequences: an open-addressing hash table from the bytes of a range to one entry per distinct
 * content, so a record's text is looked up without creating a {@code String} or copying it.
 * <p>
 * The sorter keeps one table for record headers and one for stack texts; both grow with the number of distinct
 * values in a dump, never with the number of records.
 *
 * @param <E> entry type.
 */
public final class ByteTable<E extends ByteTable.Entry>
{
    /**
     * Base of the values held by a {@link ByteTable}: the interned bytes, their hash and a dense id.
     */
    public abstract static class Entry
    {
        public final byte[] bytes;
        public final int hash;
        public int id;
        public int rank;

        protected Entry(final byte[] bytes, final int hash)
        {
            this.bytes = bytes;
            this.hash = hash;
        }
    }

    /**
     * Creates an entry for bytes that are not in the table yet.
     *
     * @param <E> entry type.
     */
    @FunctionalInterface
    public interface Factory<E extends Entry>
    {
        /**
         * Create the entry for a copy of the bytes.
         *
         * @param bytes copied from the looked-up range; the entry may keep the array.
         * @param hash  of the bytes.
         * @return the new entry, or null to refuse it (nothing is inserted).
         */
        E create(byte[] bytes, int hash);
    }

    private static final VarHandle LONG_VIEW =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Entry[] slots = new Entry[1024];
    private int size;

    /**
     * Number of distinct entries.
     *
     * @return number of distinct entries.
     */
    public int size()
    {
        return size;
    }

    /**
     * Find the entry for the bytes of a range, creating it with the factory when absent.
     *
     * @param buffer  holding the range.
     * @param offset  of the range.
     * @param length  of the range.
     * @param factory called on a miss.
     * @return the entry, or null if the factory refused to create one.
     */
    @SuppressWarnings("unchecked")
    public E intern(final byte[] buffer, final int offset, final int length, final Factory<E> factory)
    {
        final int hash = hash(buffer, offset, length);
        final Entry[] slots = this.slots;
        final int mask = slots.length - 1;
        int index = hash & mask;
        Entry entry;
        while ((entry = slots[index]) != null)
        {
            if (entry.hash == hash &&
                Arrays.equals(entry.bytes, 0, entry.bytes.length, buffer, offset, offset + length))
            {
                return (E)entry;
            }
            index = (index + 1) & mask;
        }

        final E created = factory.create(Arrays.copyOfRange(buffer, offset, offset + length), hash);
        if (null != created)
        {
            created.id = size;
            slots[index] = created;
            if (++size * 2 > slots.length)
            {
                rehash();
            }
        }
        return created;
    }

    /**
     * Give every entry its {@code rank}: its position in the given order.
     *
     * @param order of the entries.
     */
    @SuppressWarnings("unchecked")
    public void rank(final java.util.Comparator<? super E> order)
    {
        final Entry[] entries = new Entry[size];
        int i = 0;
        for (final Entry entry : slots)
        {
            if (null != entry)
            {
                entries[i++] = entry;
            }
        }
        java.util.Arrays.sort(entries, (a, b) -> order.compare((E)a, (E)b));
        for (int r = 0; r < entries.length; r++)
        {
            entries[r].rank = r;
        }
    }

    private void rehash()
    {
        final Entry[] old = slots;
        final Entry[] grown = new Entry[old.length * 2];
        final int mask = grown.length - 1;
        for (final Entry entry : old)
        {
            if (null != entry)
            {
                int index = entry.hash & mask;
                while (grown[index] != null)
                {
                    index = (index + 1) & mask;
                }
                grown[index] = entry;
            }
        }
        slots = grown;
    }

    /**
     * Hash of a byte range, eight bytes at a time.
     *
     * @param buffer holding the range.
     * @param offset of the range.
     * @param length of the range.
     * @return a well-mixed 32-bit hash.
     */
    public static int hash(final byte[] buffer, final int offset, final int length)
    {
        long h = 0x9E3779B97F4A7C15L ^ length;
        int i = offset;
        final int end = offset + length;
        final int wordEnd = end - 7;
        while (i < wordEnd)
        {
            h = (h ^ (long)LONG_VIEW.get(buffer, i)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 29;
            i += 8;
        }
        long tail = 0;
        int shift = 0;
        while (i < end)
        {
            tail |= (buffer[i] & 0xFFL) << shift;
            shift += 8;
            i++;
        }
        h = (h ^ tail) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return (int)(h ^ (h >>> 32));
    }
}
