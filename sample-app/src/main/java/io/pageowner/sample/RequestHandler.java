package io.pageowner.sample;

import java.nio.ByteBuffer;

/**
 * Serves a request the way NIO services do: a direct response buffer per request, released when
 * the response is sent, and a growable native scratch area for encoding, one per worker thread,
 * freed by {@link #close()} (which the service calls on one worker only).
 */
final class RequestHandler
{
    private long scratch;
    private long scratchSize;

    int handle(final int requestId)
    {
        final ByteBuffer response = ByteBuffer.allocateDirect(16 * 1024);
        try
        {
            final int length = encode(requestId);
            response.putInt(length);
            response.flip();
            return response.getInt();
        }
        finally
        {
            OffHeap.release(response);
        }
    }

    private int encode(final int requestId)
    {
        final long needed = 4096L * (1 + requestId % 8);
        if (needed > scratchSize)
        {
            scratch = OffHeap.UNSAFE.reallocateMemory(scratch, needed);
            scratchSize = needed;
        }
        OffHeap.UNSAFE.setMemory(scratch, needed, (byte)requestId);
        return (int)needed;
    }

    void close()
    {
        if (0 != scratch)
        {
            OffHeap.UNSAFE.freeMemory(scratch);
            scratch = 0;
            scratchSize = 0;
        }
    }
}
