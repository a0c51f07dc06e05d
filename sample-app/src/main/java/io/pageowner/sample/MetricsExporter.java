package io.pageowner.sample;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps recent metric snapshots in direct buffers "for the next scrape", and never trims the list:
 * a second, slower leak, reachable from the heap, so no GC will ever free it.
 */
final class MetricsExporter
{
    private final List<ByteBuffer> snapshots = new ArrayList<>();

    synchronized void snapshot(final long requests)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        buffer.putLong(requests);
        snapshots.add(buffer);
    }

    synchronized int retained()
    {
        return snapshots.size();
    }
}
