package io.pageowner.sample;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * An off-heap session store: each session's bytes live in a block from {@code Unsafe}. It has the
 * bug this sample exists to show: {@link #put} forgets to free the block of the session it
 * replaces, so every re-login leaks one block.
 */
final class SessionCache
{
    private final Map<String, long[]> sessions = new HashMap<>();

    synchronized void put(final String user, final String token)
    {
        final byte[] bytes = (user + ":" + token + ":" + "x".repeat(2000)).getBytes(StandardCharsets.UTF_8);
        final long address = OffHeap.UNSAFE.allocateMemory(bytes.length);
        for (int i = 0; i < bytes.length; i++)
        {
            OffHeap.UNSAFE.putByte(address + i, bytes[i]);
        }
        // BUG (on purpose): the replaced session's block is never freed.
        sessions.put(user, new long[]{ address, bytes.length });
    }

    synchronized void logout(final String user)
    {
        final long[] entry = sessions.remove(user);
        if (null != entry)
        {
            OffHeap.UNSAFE.freeMemory(entry[0]);
        }
    }

    synchronized int size()
    {
        return sessions.size();
    }

    synchronized void clear()
    {
        for (final long[] entry : sessions.values())
        {
            OffHeap.UNSAFE.freeMemory(entry[0]);
        }
        sessions.clear();
    }
}
