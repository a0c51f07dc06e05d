package io.pageowner.instrument;

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
        assertEquals("MAPPED|0x40", Kind.names(Kind.MAPPED | 0x40));
        assertEquals("", Kind.names(0));
        assertEquals("Direct", Kind.type(Kind.DIRECT));
        assertEquals("Realloc", Kind.type(Kind.UNSAFE | Kind.REALLOC));
        assertEquals("Unknown", Kind.type(0));
    }
}
