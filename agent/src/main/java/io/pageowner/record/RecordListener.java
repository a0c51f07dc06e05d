package io.pageowner.record;

/**
 * Told of every block the recorder has just put in its table, on the allocating thread with the guard held: what a
 * JFR recording that asks for each allocation is fed from. The recorder holds at most one, and none while nobody
 * listens, so that the allocation path pays one volatile read of null for it.
 */
public interface RecordListener
{
    /**
     * A block is now in the table. Must not throw (the recorder would count it as its own error) nor block.
     *
     * @param address of the block.
     * @param bytes   its size.
     * @param kind    its kind bits ({@link Kind}).
     */
    void recorded(long address, long bytes, int kind);
}
