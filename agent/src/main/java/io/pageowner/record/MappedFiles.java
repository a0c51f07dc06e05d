package io.pageowner.record;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The file and file offset of every live mapping, keyed by the mapping's start address: the owner
 * table's records have no room for a path. Mappings are few and each costs a system call and a
 * stack walk, so a boxed concurrent map is cheap enough here; nothing on the malloc path uses it.
 */
public final class MappedFiles
{
    private final ConcurrentHashMap<Long, Mapping> byAddress = new ConcurrentHashMap<>();

    /**
     * Remembers what a mapping maps.
     *
     * @param address page-aligned start of the mapping.
     * @param path    of the file, or null if the JDK did not know it.
     * @param offset  in the file of the mapping's first byte, or -1 if unknown.
     */
    public void put(final long address, final String path, final long offset)
    {
        byAddress.put(address, new Mapping(path, offset));
    }

    /**
     * Forgets a mapping.
     *
     * @param address page-aligned start of the mapping.
     */
    public void remove(final long address)
    {
        byAddress.remove(address);
    }

    /**
     * What a live mapping maps.
     *
     * @param address page-aligned start of the mapping.
     * @return the file and offset, or null if unknown.
     */
    public Mapping get(final long address)
    {
        return byAddress.get(address);
    }

    /**
     * Live mappings known.
     *
     * @return the count.
     */
    public int size()
    {
        return byAddress.size();
    }

    /**
     * What one mapping maps.
     *
     * @param path   of the file as the channel knows it, or null.
     * @param offset in the file of the mapping's first (page-aligned) byte, or -1.
     */
    public record Mapping(String path, long offset)
    {
        // NOTE: written out: a record's generated methods bootstrap method handles at first use, at start-up.
        @Override
        public boolean equals(final Object other)
        {
            return other instanceof Mapping && offset == ((Mapping)other).offset &&
                java.util.Objects.equals(path, ((Mapping)other).path);
        }

        @Override
        public int hashCode()
        {
            return 31 * java.util.Objects.hashCode(path) + Long.hashCode(offset);
        }

        @Override
        public String toString()
        {
            return path + "@" + offset;
        }
    }
}
