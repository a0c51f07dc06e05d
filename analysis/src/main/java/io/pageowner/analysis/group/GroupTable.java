package io.pageowner.analysis.group;

import io.pageowner.analysis.parse.RecordFields;
import io.pageowner.analysis.parse.StringIds;

import java.util.Arrays;

/**
 * Aggregates records into groups while the input is read: an open-addressing table from group key to
 * {@link Group}. Memory grows with the number of groups, never with the number of records (except that with
 * timestamps kept in the text, as {@code -a} does, every distinct timestamp is its own group).
 */
public final class GroupTable
{
    private Group[] slots = new Group[1024];
    private int size;
    private long sequence;

    /**
     * Add a record to its group, creating the group on first sight.
     *
     * @param key    of the record, made by {@link GroupKey#make(RecordFields, int, StringIds)}.
     * @param record to add.
     */
    public void add(final GroupKey key, final RecordFields record)
    {
        final int hash = key.hash();
        final Group[] slots = this.slots;
        final int mask = slots.length - 1;
        int index = hash & mask;
        Group group;
        while ((group = slots[index]) != null)
        {
            if (group.matches(key, hash))
            {
                group.add(record);
                sequence++;
                return;
            }
            index = (index + 1) & mask;
        }
        group = new Group(key, record, hash, sequence++);
        group.add(record);
        slots[index] = group;
        if (++size * 2 > slots.length)
        {
            rehash();
        }
    }

    private void rehash()
    {
        final Group[] grown = new Group[slots.length * 2];
        final int mask = grown.length - 1;
        for (final Group group : slots)
        {
            if (null != group)
            {
                int index = group.hash & mask;
                while (grown[index] != null)
                {
                    index = (index + 1) & mask;
                }
                grown[index] = group;
            }
        }
        slots = grown;
    }

    /**
     * Number of groups.
     *
     * @return number of groups.
     */
    public int size()
    {
        return size;
    }

    /**
     * The groups, in no particular order.
     *
     * @return a new array of the groups.
     */
    public Group[] groups()
    {
        final Group[] result = new Group[size];
        int i = 0;
        for (final Group group : slots)
        {
            if (null != group)
            {
                result[i++] = group;
            }
        }
        return Arrays.copyOf(result, i);
    }
}
