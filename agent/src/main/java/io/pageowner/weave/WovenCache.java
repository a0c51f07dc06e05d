package io.pageowner.weave;

import static io.pageowner.weave.CacheFrame.FRAME_HEAD;
import static io.pageowner.weave.CacheFrame.contentEnd;
import static io.pageowner.weave.CacheFrame.frame;
import static io.pageowner.weave.CacheFrame.int32;
import static io.pageowner.weave.CacheFrame.modifiedUtf8;

import io.pageowner.log.AgentLog;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Woven class bytes of earlier starts, on disk, so that a later start applies them without loading
 * Byte Buddy. An entry is found by a hash of the agent's build, the class name, the JDK's identity and
 * the original bytes the JVM hands the transformer, and used only if the class name and JDK identity it
 * holds are equal to these and the original bytes' length, CRC32 and Adler-32 too (see
 * {@link CacheFrame.Original}): a different JDK build or a different agent build never gets another class's
 * bytes, nor does a collision of file names. A second kind of entry holds what the advice matched in one JDK's
 * class files (the start-up report), keyed by that JDK's identity.
 * <p>
 * Layout: {@code <dir>/<build>/<jdk>/<hash>.class} and {@code .../<hash>.advice}, where {@code <build>} is a
 * hash of the agent's build id and {@code <jdk>} of the JDK's identity ({@link Weaving#jdkIdentity()}); each
 * file is written to an exclusive temporary name and renamed, with owner-only permissions, and ends with a
 * CRC32 of its content: a torn or corrupt entry is ignored (and rewritten by the next start that weaves). A
 * start reads its own JDK's few entries into memory when the cache is opened; new ones are written by
 * {@link #flush()}: a class file transformer never does file I/O, it only looks entries up. The cache
 * directory must be the user's own and writable by no one else, or it is not used; when it cannot be created
 * (a read-only home) the agent weaves as without a cache. Only the eight most recently used builds are kept.
 * <p>
 * Files are read and written with {@code java.io} streams, never NIO channels: a channel's temporary
 * direct buffer would stay cached on the thread that loads the class, an application thread.
 */
public final class WovenCache
{
    static final int KEEP_BUILDS = 8;
    private static final int CLASS_MAGIC = 0x504F5743;
    private static final int ADVICE_MAGIC = 0x504F4144;
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    /** Bounds what is read at start: one JDK's entries are a few hundred KiB. */
    private static final int MAX_ENTRIES = 512;
    private static final int MAX_ENTRY_BYTES = 8 << 20;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final Path dir;
    private final String buildId;
    /** This JDK's identity ({@link Weaving#jdkIdentity()}), as a class entry holds it. */
    private final byte[] jdk = modifiedUtf8(Weaving.jdkIdentity());
    private final Map<String, byte[]> entries = new ConcurrentHashMap<>();
    private final Queue<String> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong tempNames = new AtomicLong();
    /** Told when an entry waits to be written, so that whoever flushes need not wait for its next round; or null. */
    private volatile Runnable onPending;

    private WovenCache(final Path dir, final String buildId)
    {
        this.dir = dir;
        this.buildId = buildId;
    }

    /**
     * Opens the cache for one agent build, creating its directory if needed.
     *
     * @param root    the cache directory, e.g. {@code ~/.cache/page-owner}.
     * @param buildId the agent's build id; entries of other builds are never used.
     * @return the cache, or null when it cannot be used (said in the log).
     */
    public static WovenCache open(final Path root, final String buildId)
    {
        if (null == root || null == buildId || buildId.isBlank())
        {
            return null;
        }
        try
        {
            PrivateDirectory.create(root);
            final String problem = PrivateDirectory.whyUnsafe(root);
            if (null != problem)
            {
                AgentLog.warn("woven-class cache " + root + " not used: " + problem);
                return null;
            }
            final Path build = root.resolve(hex(hash(buildId.getBytes(StandardCharsets.UTF_8), null, null)));
            PrivateDirectory.create(build);
            final Path dir = build.resolve(
                hex(hash(Weaving.jdkIdentity().getBytes(StandardCharsets.UTF_8), null, null)));
            PrivateDirectory.create(dir);
            final WovenCache cache = new WovenCache(dir, buildId);
            cache.loadEntries();
            return cache;
        }
        catch (final IOException | RuntimeException ex)
        {
            AgentLog.info("woven-class cache " + root + " not used (" + ex + "); weaving at every start");
            return null;
        }
    }

    /**
     * The default cache directory: {@code $XDG_CACHE_HOME/page-owner}, else {@code ~/.cache/page-owner}.
     *
     * @return the directory, or null when there is no home.
     */
    public static Path defaultRoot()
    {
        final String xdg = System.getenv("XDG_CACHE_HOME");
        if (null != xdg && xdg.startsWith("/"))
        {
            return Path.of(xdg, "page-owner");
        }
        final String home = System.getProperty("user.home");
        return null == home || home.isEmpty() || "?".equals(home) ? null : Path.of(home, ".cache", "page-owner");
    }

    /**
     * The woven bytes of a class, from an earlier start.
     *
     * @param className the class's internal name.
     * @param original  the bytes the JVM handed the transformer.
     * @return the entry, or null if there is none that holds exactly these original bytes.
     */
    Woven readClass(final String className, final byte[] original)
    {
        // NOTE: read in place, no stream and no copy but the woven bytes': this runs in the interpreter at start.
        final CacheFrame.Original sums = new CacheFrame.Original(original);
        final byte[] all = entry(classFile(className, sums));
        final int end = contentEnd(all, CLASS_MAGIC);
        if (end < 0)
        {
            return null;
        }
        final byte[] name = modifiedUtf8(className);
        int at = FRAME_HEAD;
        if (at + name.length > end || !Arrays.equals(all, at, at + name.length, name, 0, name.length))
        {
            return null;
        }
        at += name.length;
        if (at + jdk.length > end || !Arrays.equals(all, at, at + jdk.length, jdk, 0, jdk.length))
        {
            return null;
        }
        at += jdk.length;
        if (at + 12 > end || int32(all, at) != original.length || int32(all, at + 4) != sums.crc ||
            int32(all, at + 8) != sums.adler)
        {
            return null;
        }
        at += 12;
        if (at >= end)
        {
            return null;
        }
        return CacheFrame.classTail(all, at, end);
    }

    /**
     * Keeps the woven bytes of a class for later starts.
     *
     * @param className the class's internal name.
     * @param original  the bytes the JVM handed the transformer.
     * @param woven     what the weaver made of them, or null when it left the class alone.
     */
    void writeClass(final String className, final byte[] original, final byte[] woven)
    {
        writeClass(className, original, woven, null);
    }

    /**
     * Keeps the woven bytes of a class for later starts, with what the weaver said of it.
     *
     * @param className the class's internal name.
     * @param original  the bytes the JVM handed the transformer.
     * @param woven     what the weaver made of them, or null when it left the class alone.
     * @param note      why it left a pool's class alone ({@link Weaver#takePoolRejection}), or null.
     */
    void writeClass(final String className, final byte[] original, final byte[] woven, final String note)
    {
        final CacheFrame.Original sums = new CacheFrame.Original(original);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(null == woven ? 128 : woven.length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeUTF(className);
            out.write(jdk);
            out.writeInt(original.length);
            out.writeInt(sums.crc);
            out.writeInt(sums.adler);
            out.writeByte((null != woven ? CacheFrame.CHANGED : 0) | (null != note ? CacheFrame.NOTED : 0));
            if (null != woven)
            {
                writeBytes(out, woven);
            }
            if (null != note)
            {
                writeBytes(out, note.getBytes(StandardCharsets.UTF_8));
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        keep(classFile(className, sums), CLASS_MAGIC, bytes.toByteArray());
    }

    /**
     * What the advice matched in the class files of one JDK, from an earlier start on it.
     *
     * @param jdk the JDK's identity (see {@link Weaving#jdkIdentity()}).
     * @return the advice in order, or null if there is no entry for exactly this JDK.
     */
    List<AdviceInfo> readAdvice(final String jdk)
    {
        final byte[] all = entry(adviceFile(jdk));
        final int end = contentEnd(all, ADVICE_MAGIC);
        if (end < 0)
        {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, FRAME_HEAD, end - FRAME_HEAD)))
        {
            if (!jdk.equals(in.readUTF()))
            {
                return null;
            }
            final int count = in.readInt();
            final List<AdviceInfo> advice = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                advice.add(new AdviceInfo(
                    in.readUTF(), in.readUTF(), in.readUTF(), in.readBoolean(), in.readInt(), in.readBoolean()));
            }
            return List.copyOf(advice);
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    /**
     * Keeps what the advice matched in one JDK's class files.
     *
     * @param jdk    the JDK's identity.
     * @param advice every advice, in order.
     */
    void writeAdvice(final String jdk, final List<AdviceInfo> advice)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeUTF(jdk);
            out.writeInt(advice.size());
            for (final AdviceInfo info : advice)
            {
                out.writeUTF(info.name());
                out.writeUTF(info.typeName());
                out.writeUTF(info.versions());
                out.writeBoolean(info.applies());
                out.writeInt(info.matched());
                out.writeBoolean(info.pool());
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        keep(adviceFile(jdk), ADVICE_MAGIC, bytes.toByteArray());
    }

    /**
     * The directory of this build's entries.
     *
     * @return the directory.
     */
    Path directory()
    {
        return dir;
    }

    /**
     * Writes the entries kept since the last flush to disk. Never called from a class file transformer:
     * file I/O there can need the very class being loaded ({@code ClassCircularityError}).
     */
    public void flush()
    {
        boolean wrote = false;
        for (String name = pending.poll(); null != name; name = pending.poll())
        {
            final byte[] framed = entries.get(name);
            if (null != framed)
            {
                write(dir.resolve(name), framed);
                wrote = true;
            }
        }
        if (wrote)
        {
            pruneOtherBuilds();
        }
    }

    private String classFile(final String className, final CacheFrame.Original sums)
    {
        long h = hash(buildId.getBytes(StandardCharsets.UTF_8), className.getBytes(StandardCharsets.UTF_8), jdk);
        h = (h ^ (sums.crc & 0xffffffffL)) * FNV_PRIME;
        h = (h ^ (sums.adler & 0xffffffffL)) * FNV_PRIME;
        h = (h ^ sums.length) * FNV_PRIME;
        return hex(h) + ".class";
    }

    private String adviceFile(final String jdk)
    {
        return hex(hash(buildId.getBytes(StandardCharsets.UTF_8), jdk.getBytes(StandardCharsets.UTF_8), null)) +
            ".advice";
    }

    /**
     * Reads this build's entries into memory, once, at start: afterwards the transformer only looks them up.
     */
    /**
     * An entry's framed bytes, from memory: what this JDK's directory held when the cache was opened, and what
     * was woven since.
     *
     * @param name the entry's file name.
     * @return the bytes, or null when there is no such entry.
     */
    private byte[] entry(final String name)
    {
        return entries.get(name);
    }

    private void loadEntries()
    {
        // NOTE: java.io.File's list, plain string checks, no NIO directory stream (a dozen classes of its own, locks
        // included), no java.util.stream nor regex: this runs at every start.
        final File directory = dir.toFile();
        final String[] names = directory.list();
        if (null == names)
        {
            AgentLog.debug("could not list the woven-class cache " + dir);
            return;
        }
        int read = 0;
        for (final String name : names)
        {
            if (read < MAX_ENTRIES && isHex16(name, name.indexOf('.')) &&
                (name.endsWith(".class") || name.endsWith(".advice")))
            {
                read++;
                final File file = new File(directory, name);
                try (InputStream in = new FileInputStream(file))
                {
                    final byte[] all = in.readNBytes(MAX_ENTRY_BYTES + 1);
                    if (all.length <= MAX_ENTRY_BYTES)
                    {
                        entries.put(name, all);
                    }
                }
                catch (final IOException ex)
                {
                    AgentLog.debug("could not read " + file + ": " + ex);
                }
            }
        }
    }

    private static boolean isHex16(final String name, final int length)
    {
        if (16 != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final char c = name.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f'))
            {
                return false;
            }
        }
        return true;
    }

    private void keep(final String name, final int magic, final byte[] content)
    {
        entries.put(name, frame(magic, content));
        pending.add(name);
        final Runnable listener = onPending;
        if (null != listener)
        {
            listener.run();
        }
    }

    /**
     * Sets what is told when an entry waits to be written (by {@link #flush()}): it must do no file I/O itself, as
     * it runs where the entry was made, on a thread loading a class.
     *
     * @param listener to tell, or null.
     */
    void onPending(final Runnable listener)
    {
        onPending = listener;
    }

    private void write(final Path file, final byte[] framed)
    {
        Path temp = null;
        try
        {
            // NOTE: not Files.createTempFile: its SecureRandom initialises the security providers, slowly.
            temp = Files.createFile(dir.resolve(".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime() +
                "-" + tempNames.incrementAndGet()), PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            try (FileOutputStream out = new FileOutputStream(temp.toFile()))
            {
                out.write(framed);
            }
            try
            {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        }
        catch (final IOException ex)
        {
            AgentLog.debug("could not write the woven-class cache entry " + file + ": " + ex);
        }
        finally
        {
            if (null != temp)
            {
                try
                {
                    Files.deleteIfExists(temp);
                }
                catch (final IOException ex)
                {
                    AgentLog.debug("could not delete " + temp + ": " + ex);
                }
            }
        }
    }

    private void pruneOtherBuilds()
    {
        try
        {
            Files.setLastModifiedTime(dir.getParent(), FileTime.fromMillis(System.currentTimeMillis()));
            final List<Path> builds;
            try (Stream<Path> children = Files.list(dir.getParent().getParent()))
            {
                builds = new ArrayList<>(children.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) &&
                    isHex16(p.getFileName().toString(), p.getFileName().toString().length())).toList());
            }
            builds.sort(Comparator.comparing(WovenCache::modified).reversed());
            for (final Path old : builds.subList(Math.min(KEEP_BUILDS, builds.size()), builds.size()))
            {
                deleteBuild(old);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            AgentLog.debug("could not prune the woven-class cache: " + ex);
        }
    }

    /**
     * Deletes a build's directory: its JDKs' directories and their entries (and the entries of the layout before
     * them, which sat in the build's directory itself).
     */
    private static void deleteBuild(final Path build) throws IOException
    {
        try (Stream<Path> children = Files.list(build))
        {
            for (final Path child : children.toList())
            {
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS))
                {
                    try (Stream<Path> files = Files.list(child))
                    {
                        for (final Path file : files.toList())
                        {
                            Files.deleteIfExists(file);
                        }
                    }
                }
                Files.deleteIfExists(child);
            }
        }
        Files.deleteIfExists(build);
    }

    private static long modified(final Path path)
    {
        try
        {
            return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toMillis();
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    private static void writeBytes(final DataOutputStream out, final byte[] bytes) throws IOException
    {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /**
     * 64-bit FNV-1a over up to three byte strings, each followed by a zero byte: a file name, never
     * trusted alone.
     */
    static long hash(final byte[] a, final byte[] b, final byte[] c)
    {
        long h = 0xcbf29ce484222325L;
        for (final byte[] part : new byte[][]{ a, b, c })
        {
            if (null != part)
            {
                for (final byte x : part)
                {
                    h = (h ^ (x & 0xff)) * FNV_PRIME;
                }
            }
            h = h * FNV_PRIME;
        }
        return h;
    }

    private static String hex(final long value)
    {
        final String digits = Long.toHexString(value);
        return "0".repeat(16 - digits.length()) + digits;
    }

    /**
     * A cache entry: the woven bytes, or null when the weaver left the class unchanged.
     *
     * @param bytes woven bytes, or null.
     */
    /**
     * A class's entry.
     *
     * @param bytes the woven bytes, or null: the weaver left the class alone.
     * @param note  why it left a pool's class alone, or null.
     */
    record Woven(byte[] bytes, String note)
    {
    }
}
