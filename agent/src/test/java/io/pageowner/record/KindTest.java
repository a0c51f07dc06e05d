package io.pageowner.record;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KindTest
{
    @Test
    void shouldNameKindsLikeGfpFlags()
    {
        assertEquals("UNSAFE", Kind.names(Kind.UNSAFE));
        assertEquals("DIRECT", Kind.names(Kind.DIRECT));
        assertEquals("UNSAFE|REALLOC", Kind.names(Kind.UNSAFE | Kind.REALLOC));
        assertEquals("MAPPED|0x200", Kind.names(Kind.MAPPED | 0x200));
        assertEquals("", Kind.names(0));
        assertEquals("Direct", Kind.type(Kind.DIRECT));
        assertEquals("Realloc", Kind.type(Kind.UNSAFE | Kind.REALLOC));
        assertEquals("Unknown", Kind.type(0));
    }

    @Test
    void shouldShowTheNioTemporaryModifierInTheMaskButNotInTheType()
    {
        assertEquals("UNSAFE|NIO_TEMP", Kind.names(Kind.UNSAFE | Kind.NIO_TEMP));
        assertEquals("DIRECT|NIO_TEMP", Kind.names(Kind.DIRECT | Kind.NIO_TEMP));
        assertEquals("Unsafe", Kind.type(Kind.UNSAFE | Kind.NIO_TEMP));
        assertEquals("Direct", Kind.type(Kind.DIRECT | Kind.NIO_TEMP));
        assertEquals("NIO_TEMP", Kind.name(5));
        assertEquals(Kind.NIO_TEMP, 1 << 5);
        assertEquals("POOLED", Kind.name(6));
        assertEquals("Pooled", Kind.type(Kind.POOLED));
        assertEquals("POOL_CHUNK", Kind.name(7));
        assertEquals("Unsafe", Kind.type(Kind.UNSAFE | Kind.POOL_CHUNK));
        assertEquals(Kind.UNSAFE | Kind.POOL_CHUNK, Kind.ofAllocation(Kind.POOL_CHUNK));
        assertEquals("TOOL", Kind.name(8));
        assertEquals("DIRECT|NIO_TEMP|TOOL", Kind.names(Kind.DIRECT | Kind.NIO_TEMP | Kind.TOOL));
        assertEquals("Direct", Kind.type(Kind.DIRECT | Kind.NIO_TEMP | Kind.TOOL));
        assertEquals(Kind.BITS, Integer.numberOfTrailingZeros(Kind.TOOL) + 1);
    }

    @Test
    void shouldGiveUnmarkedAllocationsTheUnsafeKind()
    {
        assertEquals(Kind.UNSAFE, Kind.ofAllocation(0));
        assertEquals(Kind.DIRECT, Kind.ofAllocation(Kind.DIRECT));
        assertEquals(Kind.ARENA, Kind.ofAllocation(Kind.ARENA));
        assertEquals(Kind.UNSAFE | Kind.NIO_TEMP, Kind.ofAllocation(Kind.NIO_TEMP));
        assertEquals(Kind.DIRECT | Kind.NIO_TEMP, Kind.ofAllocation(Kind.DIRECT | Kind.NIO_TEMP));
    }
}
