package io.pageowner.agent;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A garbled nested jar is refused with a {@link ZipException} naming what is wrong, never an index error, a
 * wrapped-round offset or an allocation of whatever size a garbled header says: the agent's loader turns the
 * exception into a class not found, and the application runs on.
 */
class NestedJarTest
{
    private static final byte[] TEXT = "a resource of some length, stored".repeat(8).getBytes(StandardCharsets.UTF_8);
    private static final byte[] CLASS = "pretend class bytes, deflated ".repeat(40).getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldReadStoredAndDeflatedEntries() throws IOException
    {
        final NestedJar jar = NestedJar.of(jar());
        assertArrayEquals(TEXT, jar.read("a/note.txt"));
        assertArrayEquals(CLASS, jar.read("a/B.class"));
        assertNull(jar.read("a/Missing.class"));
    }

    @Test
    void shouldRefuseBytesThatAreNoJar()
    {
        final ZipException ex = assertThrows(ZipException.class, () -> NestedJar.of(new byte[100]));
        assertTrue(ex.getMessage().contains("no end of central directory"), ex.getMessage());
        assertThrows(ZipException.class, () -> NestedJar.of(new byte[0]));
    }

    @Test
    void shouldRefuseAJarCutShortAnywhere() throws IOException
    {
        final byte[] whole = jar();
        for (int length = 0; length < whole.length; length++)
        {
            // NOTE: the end record is the jar's last 22 bytes (no comment), so every cut loses it.
            final byte[] cut = Arrays.copyOf(whole, length);
            assertThrows(ZipException.class, () -> NestedJar.of(cut), "cut to " + length + " bytes");
        }
        final byte[] torn = whole.clone();
        final int end = endOffset(whole);
        Arrays.fill(torn, get32(whole, end + 16), end, (byte)0);
        assertThrows(ZipException.class, () -> NestedJar.of(torn), "a zeroed central directory");
    }

    @Test
    void shouldRefuseGarbledHeaderFieldsWithAZipException() throws IOException
    {
        final byte[] whole = jar();
        final int central = centralOffset(whole, "a/B.class");
        // NOTE: each field set to values that once overflowed or allocated: huge, negative, near 2^31.
        for (final int field : new int[]{ 20, 24, 42 })
        {
            for (final int value : new int[]{ 0x7fff_fff0, -1, 0x7fff_ffff, Integer.MIN_VALUE, 1 << 30 })
            {
                final byte[] garbled = whole.clone();
                put32(garbled, central + field, value);
                assertThrows(ZipException.class, () -> NestedJar.of(garbled).read("a/B.class"),
                    "field " + field + " = " + value);
            }
        }
        final byte[] longName = whole.clone();
        put16(longName, central + 28, 0xffff);
        assertThrows(ZipException.class, () -> NestedJar.of(longName));
        final byte[] directoryFarAway = whole.clone();
        put32(directoryFarAway, endOffset(whole) + 16, 0x7fff_fff0);
        assertThrows(ZipException.class, () -> NestedJar.of(directoryFarAway));
    }

    @Test
    void shouldRefuseACorruptDeflatedEntry() throws IOException
    {
        final byte[] whole = jar();
        final int central = centralOffset(whole, "a/B.class");
        final int local = get32(whole, central + 42);
        final int data = local + 30 + get16(whole, local + 26) + get16(whole, local + 28);
        final byte[] corrupt = whole.clone();
        Arrays.fill(corrupt, data, data + 8, (byte)0xff);
        final ZipException ex = assertThrows(ZipException.class, () -> NestedJar.of(corrupt).read("a/B.class"));
        assertTrue(ex.getMessage().contains("a/B.class"), ex.getMessage());
        assertArrayEquals(TEXT, NestedJar.of(corrupt).read("a/note.txt"), "the other entry still reads");
    }

    private static byte[] jar() throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes))
        {
            final ZipEntry stored = new ZipEntry("a/note.txt");
            final CRC32 crc = new CRC32();
            crc.update(TEXT);
            stored.setMethod(ZipEntry.STORED);
            stored.setSize(TEXT.length);
            stored.setCompressedSize(TEXT.length);
            stored.setCrc(crc.getValue());
            zip.putNextEntry(stored);
            zip.write(TEXT);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("a/B.class"));
            zip.write(CLASS);
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static int endOffset(final byte[] jar)
    {
        for (int at = jar.length - 22; at >= 0; at--)
        {
            if (0x06054b50 == get32(jar, at))
            {
                return at;
            }
        }
        throw new AssertionError("no end record");
    }

    private static int centralOffset(final byte[] jar, final String name)
    {
        int at = get32(jar, endOffset(jar) + 16);
        while (0x02014b50 == get32(jar, at))
        {
            final int nameLength = get16(jar, at + 28);
            if (name.equals(new String(jar, at + 46, nameLength, StandardCharsets.UTF_8)))
            {
                return at;
            }
            at += 46 + nameLength + get16(jar, at + 30) + get16(jar, at + 32);
        }
        throw new AssertionError("no entry " + name);
    }

    private static int get16(final byte[] bytes, final int at)
    {
        return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8;
    }

    private static int get32(final byte[] bytes, final int at)
    {
        return get16(bytes, at) | get16(bytes, at + 2) << 16;
    }

    private static void put16(final byte[] bytes, final int at, final int value)
    {
        bytes[at] = (byte)value;
        bytes[at + 1] = (byte)(value >>> 8);
    }

    private static void put32(final byte[] bytes, final int at, final int value)
    {
        put16(bytes, at, value);
        put16(bytes, at + 2, value >>> 16);
    }
}
