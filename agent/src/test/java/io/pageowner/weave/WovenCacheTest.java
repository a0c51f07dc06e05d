package io.pageowner.weave;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The woven-class cache gives back exactly what was stored for exactly the same original bytes, and
 * nothing for anything else: another build, other bytes, a torn or corrupt file, an unsafe directory.
 */
class WovenCacheTest
{
    private static final byte[] ORIGINAL = { 1, 2, 3, 4, 5 };
    private static final byte[] WOVEN = { 9, 8, 7 };

    @TempDir
    Path root;

    @Test
    void shouldGiveBackTheWovenBytesOfTheSameOriginal()
    {
        final WovenCache cache = WovenCache.open(root.resolve("c"), "build 1");
        assertNotNull(cache);
        assertNull(cache.readClass("a/B", ORIGINAL), "empty at first");
        cache.writeClass("a/B", ORIGINAL, WOVEN);
        assertArrayEquals(WOVEN, cache.readClass("a/B", ORIGINAL).bytes());
        assertNull(WovenCache.open(root.resolve("c"), "build 1").readClass("a/B", ORIGINAL), "not on disk yet");
        cache.flush();
        assertArrayEquals(WOVEN, WovenCache.open(root.resolve("c"), "build 1").readClass("a/B", ORIGINAL).bytes(),
            "a later start of the same build");
        assertNull(cache.readClass("a/B", new byte[]{ 1, 2, 3, 4, 6 }), "other original bytes");
        assertNull(cache.readClass("a/C", ORIGINAL), "another class");
        assertNull(WovenCache.open(root.resolve("c"), "build 2").readClass("a/B", ORIGINAL), "another build");
    }

    @Test
    void shouldRememberAClassTheWeaverLeftAlone()
    {
        final WovenCache cache = WovenCache.open(root, "build");
        cache.writeClass("a/B", ORIGINAL, null);
        final WovenCache.Woven entry = cache.readClass("a/B", ORIGINAL);
        assertNotNull(entry);
        assertNull(entry.bytes());
    }

    @Test
    void shouldIgnoreATornOrCorruptEntry() throws IOException
    {
        final WovenCache cache = WovenCache.open(root, "build");
        cache.writeClass("a/B", ORIGINAL, WOVEN);
        cache.flush();
        final Path file = onlyFile(cache.directory(), ".class");
        final byte[] good = Files.readAllBytes(file);
        for (int i = 0; i < good.length; i++)
        {
            final byte[] bad = good.clone();
            bad[i] ^= 0x40;
            Files.write(file, bad);
            assertNull(WovenCache.open(root, "build").readClass("a/B", ORIGINAL), "byte " + i + " flipped");
        }
        for (int length = 0; length < good.length; length++)
        {
            Files.write(file, Arrays.copyOf(good, length));
            assertNull(WovenCache.open(root, "build").readClass("a/B", ORIGINAL), "cut to " + length + " bytes");
        }
        final WovenCache again = WovenCache.open(root, "build");
        again.writeClass("a/B", ORIGINAL, WOVEN);
        again.flush();
        assertArrayEquals(WOVEN, WovenCache.open(root, "build").readClass("a/B", ORIGINAL).bytes(), "rewritten");
    }

    @Test
    void shouldRefuseAClassEntryWhoseLengthsDoNotFitWithoutThrowing()
    {
        // NOTE: flags (woven bytes, then a note), a length near 2^31 that would overflow an end computed by adding.
        final byte[] huge = { CacheFrame.CHANGED, 0x7f, (byte)0xff, (byte)0xff, (byte)0xfe, 1, 2, 3 };
        assertNull(CacheFrame.classTail(huge, 0, huge.length));
        final byte[] negative = { CacheFrame.NOTED, (byte)0x80, 0, 0, 1, 1, 2, 3 };
        assertNull(CacheFrame.classTail(negative, 0, negative.length));
        final byte[] cut = { CacheFrame.CHANGED | CacheFrame.NOTED, 0, 0, 0, 1, 9, 0, 0 };
        assertNull(CacheFrame.classTail(cut, 0, cut.length));
        final byte[] both = { CacheFrame.CHANGED | CacheFrame.NOTED, 0, 0, 0, 1, 9, 0, 0, 0, 1, 'x' };
        final WovenCache.Woven entry = CacheFrame.classTail(both, 0, both.length);
        assertNotNull(entry);
        assertArrayEquals(new byte[]{ 9 }, entry.bytes());
        assertEquals("x", entry.note());
    }

    @Test
    void shouldWriteOwnerOnlyFiles() throws IOException
    {
        final WovenCache cache = WovenCache.open(root.resolve("new"), "build");
        cache.writeClass("a/B", ORIGINAL, WOVEN);
        cache.flush();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("new"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.directory())));
        assertEquals("rwx------",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.directory().getParent())), "the build's");
        assertEquals("rw-------",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(onlyFile(cache.directory(), ".class"))));
    }

    @Test
    void shouldRefuseADirectoryOthersMayWriteTo() throws IOException
    {
        final Path shared = Files.createDirectory(root.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertNull(WovenCache.open(shared, "build"));
        assertTrue(PrivateDirectory.whyUnsafe(shared).startsWith("others may write to it"));
        final Path link = Files.createSymbolicLink(root.resolve("link"), Files.createDirectory(root.resolve("real")));
        assertNull(WovenCache.open(link, "build"));
    }

    @Test
    void shouldDoWithoutACacheWhereNoneCanBeMade()
    {
        assertNull(WovenCache.open(Path.of("/proc/self/page-owner-cache"), "build"));
        assertNull(WovenCache.open(root, ""), "no build id");
        assertNull(WovenCache.open(null, "build"));
    }

    @Test
    void shouldKeepTheAdviceReportOfOneJdk()
    {
        final WovenCache cache = WovenCache.open(root, "build");
        final List<AdviceInfo> advice = List.of(
            new AdviceInfo("Unsafe.allocateMemory", "jdk.internal.misc.Unsafe", "17+", true, 1, false),
            new AdviceInfo("Other.method", "x.Y", "21", false, 0, false));
        assertNull(cache.readAdvice("jdk one"));
        cache.writeAdvice("jdk one", advice);
        cache.flush();
        final WovenCache later = WovenCache.open(root, "build");
        assertEquals(advice, later.readAdvice("jdk one"));
        assertNull(later.readAdvice("jdk two"));
    }

    @Test
    void shouldKeepOnlyTheMostRecentBuilds() throws IOException
    {
        for (int build = 0; build < WovenCache.KEEP_BUILDS + 3; build++)
        {
            final WovenCache cache = WovenCache.open(root, "build " + build);
            cache.writeAdvice("jdk", List.of());
            cache.flush();
            // NOTE: as if each build had last been used a while after the one before.
            Files.setLastModifiedTime(cache.directory().getParent(), FileTime.fromMillis(1_000_000L * (build + 1)));
        }
        try (Stream<Path> builds = Files.list(root))
        {
            assertEquals(WovenCache.KEEP_BUILDS, builds.count());
        }
        assertNotNull(WovenCache.open(root, "build " + (WovenCache.KEEP_BUILDS + 2)).readAdvice("jdk"));
    }

    private static Path onlyFile(final Path dir, final String suffix) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            final List<Path> found = files.filter(f -> f.toString().endsWith(suffix)).toList();
            assertEquals(1, found.size(), found.toString());
            return found.get(0);
        }
    }
}
