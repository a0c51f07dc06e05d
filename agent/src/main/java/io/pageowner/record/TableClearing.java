package io.pageowner.record;

import io.pageowner.table.OwnerRecord;
import org.agrona.collections.LongArrayList;

/**
 * Forgets every record of a recorder's table, and its sampled mode's live index, with the guard held.
 */
final class TableClearing
{
    private TableClearing()
    {
    }

    /**
     * Clears a recorder.
     *
     * @param recorder whose table is cleared.
     * @param mode     its recording, whose own state (the live index) is cleared too, or null to keep it.
     * @return the records removed.
     */
    static long clear(final Recorder recorder, final Recording mode)
    {
        final ThreadState state = recorder.state();
        final int saved = state.enterAgent();
        try
        {
            final LongArrayList addresses = new LongArrayList();
            recorder.table.forEach(
                new OwnerRecord(), (final OwnerRecord record) -> addresses.addLong(record.address()));
            if (null != mode)
            {
                mode.clear();
            }
            long removed = 0;
            for (int i = 0; i < addresses.size(); i++)
            {
                if (recorder.table.remove(addresses.getLong(i), null))
                {
                    removed++;
                }
            }
            return removed;
        }
        finally
        {
            state.exitAgent(saved);
        }
    }
}
