package io.pageowner.agent;

import net.bytebuddy.ByteBuddy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's loader defines the nested jar's classes (written by the JDK's own jar writer, deflated and
 * stored) as its own, with the outer jar's code source, still reads a jar without a nested one, and reads its
 * own classes and resources straight from the jar file.
 */
class AgentLoaderTest
{
    private static final String PROBE = "io.pageowner.shaded.net.bytebuddy.Probe";
    private static final String RESOURCE = "io/pageowner/shaded/net/bytebuddy/note.txt";
    private static final byte[] NOTE = "stored, not deflated".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void shouldDefineNestedClassesAsItsOwn() throws Exception
    {
        final byte[] probe = probeClass();
        final byte[] nested = jar(Map.of(PROBE.replace('.', '/') + ".class", probe, RESOURCE, NOTE));
        final Path outer = Files.write(dir.resolve("outer.jar"), jar(Map.of(AgentLoader.NESTED, nested)));
        try (AgentLoader loader = new AgentLoader(outer.toUri().toURL()))
        {
            final Class<?> type = loader.loadClass(PROBE);
            assertSame(loader, type.getClassLoader());
            assertEquals(outer.toUri().toURL(), type.getProtectionDomain().getCodeSource().getLocation());
            assertSame(type, loader.loadClass(PROBE), "defined once");
            try (InputStream in = loader.getResourceAsStream(PROBE.replace('.', '/') + ".class"))
            {
                assertArrayEquals(probe, in.readAllBytes());
            }
            try (InputStream in = loader.getResourceAsStream(RESOURCE))
            {
                assertArrayEquals(NOTE, in.readAllBytes());
            }
            assertNull(loader.getResourceAsStream("io/pageowner/shaded/net/bytebuddy/Missing.class"));
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("io.pageowner.shaded.net.bytebuddy.No"));
        }
    }

    @Test
    void shouldReadTheNestedJarAgainOnceTheCollectorTookIt() throws Exception
    {
        final byte[] nested = jar(Map.of(PROBE.replace('.', '/') + ".class", probeClass(), RESOURCE, NOTE));
        final Path outer = Files.write(dir.resolve("outer.jar"), jar(Map.of(AgentLoader.NESTED, nested)));
        try (AgentLoader loader = new AgentLoader(outer.toUri().toURL()))
        {
            try (InputStream in = loader.getResourceAsStream(RESOURCE))
            {
                assertArrayEquals(NOTE, in.readAllBytes());
            }
            assertTrue(loader.holdsNested());
            loader.forgetNested();
            assertFalse(loader.holdsNested());
            assertSame(loader, loader.loadClass(PROBE).getClassLoader(), "a class asked for after it was let go");
            assertTrue(loader.holdsNested(), "read again");
        }
    }

    @Test
    void shouldReadAJarWithoutANestedOne() throws Exception
    {
        final Path plain = Files.write(dir.resolve("plain.jar"), jar(Map.of(PROBE.replace('.', '/') + ".class",
            probeClass())));
        try (AgentLoader loader = new AgentLoader(plain.toUri().toURL()))
        {
            assertSame(loader, loader.loadClass(PROBE).getClassLoader());
            assertFalse(loader.holdsNested());
        }
    }

    @Test
    void shouldReadItsOwnClassesAndResourcesStraightFromTheJarWithOneDomain() throws Exception
    {
        final String own = "io.pageowner.probe.Own";
        final String other = "io.pageowner.probe.Other";
        final byte[] ownBytes = probeClass(own);
        final Path jar = Files.write(dir.resolve("own.jar"), jar(Map.of(
            own.replace('.', '/') + ".class", ownBytes,
            other.replace('.', '/') + ".class", probeClass(other),
            "io/pageowner/build-id", NOTE,
            "META-INF/elsewhere.txt", NOTE)));
        final AgentLoader loader = new AgentLoader(jar.toUri().toURL());
        try (loader)
        {
            final Class<?> type = loader.loadClass(own);
            assertSame(loader, type.getClassLoader());
            assertEquals(jar.toUri().toURL(), type.getProtectionDomain().getCodeSource().getLocation());
            assertSame(type.getProtectionDomain(), loader.loadClass(other).getProtectionDomain(), "one domain");
            assertEquals("io.pageowner.probe", type.getPackageName());
            try (InputStream in = loader.getResourceAsStream(own.replace('.', '/') + ".class"))
            {
                assertArrayEquals(ownBytes, in.readAllBytes());
            }
            try (InputStream in = loader.getResourceAsStream("io/pageowner/build-id"))
            {
                assertArrayEquals(NOTE, in.readAllBytes());
            }
            try (InputStream in = loader.getResourceAsStream("META-INF/elsewhere.txt"))
            {
                assertArrayEquals(NOTE, in.readAllBytes(), "outside io/pageowner/: the URLClassLoader way");
            }
            assertNull(loader.getResourceAsStream("io/pageowner/missing.txt"));
            assertNull(loader.getResourceAsStream("io/pageowner/probe/"), "a directory is no resource");
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("io.pageowner.probe.Missing"));
        }
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass("io.pageowner.probe.NotYet"), "closed");
    }

    @Test
    void shouldFindNothingInAJarThatIsNotThere() throws Exception
    {
        try (AgentLoader loader = new AgentLoader(dir.resolve("gone.jar").toUri().toURL()))
        {
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("io.pageowner.probe.Own"));
            assertNull(loader.getResourceAsStream("io/pageowner/build-id"));
        }
    }

    private static byte[] probeClass()
    {
        return probeClass(PROBE);
    }

    private static byte[] probeClass(final String name)
    {
        return new ByteBuddy().subclass(Object.class).name(name).make().getBytes();
    }

    /**
     * A jar from the JDK's writer: class files deflated, other entries stored.
     */
    private static byte[] jar(final Map<String, byte[]> entries) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = bytes; JarOutputStream jar = new JarOutputStream(out))
        {
            for (final Map.Entry<String, byte[]> e : entries.entrySet())
            {
                final JarEntry entry = new JarEntry(e.getKey());
                if (!e.getKey().endsWith(".class"))
                {
                    final CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCompressedSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                jar.putNextEntry(entry);
                jar.write(e.getValue());
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
