package io.pageowner.agent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.SoftReference;
import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.security.CodeSigner;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The agent's own class loader (parent: the platform loader): page-owner.jar, whose shaded Byte Buddy
 * the build has moved into one nested jar, {@value #NESTED}.
 * <p>
 * Every start opens the jar's central directory twice (the JVM's system class path, which
 * {@code -javaagent} appends the jar to, and this loader), and reads the manifest from it in native
 * code; with Byte Buddy's 3 091 classes nested, that directory has ~560 entries instead of 3 650. A warm
 * start (every class found in the woven-class cache) never loads Byte Buddy, so it never reads the nested
 * jar; the first Byte Buddy class asked for reads it into memory (softly held: the collector may take it back,
 * and it is read again when needed), and each class of it is defined from there by this loader, with the outer
 * jar's code source, as if it were one of the outer jar's classes.
 * A jar without the nested entry (an older layout) is read as a plain jar.
 * <p>
 * The agent's own classes and resources ({@value #OWN_RESOURCES}) are read straight from the jar file
 * ({@link ZipFile}, which shares the directory the class path opened) and defined with one protection domain
 * made up front, not through {@code URLClassPath}: a warm start defines ~80 of them, and the URL, resource and
 * manifest objects made for each, the {@code jar:} URL handler that the first resource read sets up, and the
 * permissions the first class's domain asks the policy for cost 15-25 ms of it in the interpreter. Anything else
 * (the jar is not a local file, a security manager is installed, the file cannot be opened) goes the
 * {@link URLClassLoader} way.
 */
final class AgentLoader extends URLClassLoader
{
    /** Where the build puts the shaded Byte Buddy, as a jar of its own. */
    static final String NESTED = "io/pageowner/shaded/byte-buddy.jar";

    private static final String NESTED_CLASSES = "io.pageowner.shaded.net.bytebuddy.";
    private static final String NESTED_RESOURCES = "io/pageowner/shaded/net/bytebuddy/";
    private static final String OWN_RESOURCES = "io/pageowner/";

    static
    {
        registerAsParallelCapable();
    }

    private final CodeSource codeSource;
    /** The jar as a local file, or null when it is not one (then everything goes the URLClassLoader way). */
    private final File file;
    /** Null until the first own class; {@link #direct()} opens it. */
    private ZipFile zip;
    private boolean zipFailed;
    private final ProtectionDomain domain;
    /** Guards the nested jar and the directly opened one; not the loader's own lock (it is parallel capable). */
    private final Object lock = new Object();
    // NOTE: softly held: once the agent has woven (a cold start, or a pool class the cache has not seen) the
    // nested jar's ~3 MB would otherwise stay on the application's heap for good; under memory pressure the
    // collector may take it, and a later Byte Buddy class reads it again.
    private SoftReference<NestedJar> nested = new SoftReference<>(null);
    private boolean nestedAbsent;

    /**
     * The agent's loader for its jar.
     *
     * @param jar page-owner.jar.
     * @return the loader.
     */
    static ClassLoader create(final URL jar)
    {
        return new AgentLoader(jar);
    }

    AgentLoader(final URL jar)
    {
        super("page-owner", new URL[]{ jar }, ClassLoader.getPlatformClassLoader());
        codeSource = new CodeSource(jar, (CodeSigner[])null);
        file = "file".equals(jar.getProtocol()) && noSecurityManager() ? fileOf(jar) : null;
        // NOTE: no static permissions: without a security manager none are ever checked, and the policy is still
        // asked (this loader passed as the domain's) should one be installed later.
        domain = new ProtectionDomain(codeSource, null, this, null);
    }

    @SuppressWarnings("removal")
    private static boolean noSecurityManager()
    {
        return null == System.getSecurityManager();
    }

    private static File fileOf(final URL jar)
    {
        try
        {
            return new File(jar.toURI());
        }
        catch (final URISyntaxException | IllegalArgumentException ex)
        {
            return null;
        }
    }

    @Override
    protected Class<?> findClass(final String name) throws ClassNotFoundException
    {
        if (name.startsWith(NESTED_CLASSES))
        {
            final byte[] bytes;
            try
            {
                bytes = readNested(name.replace('.', '/') + ".class");
            }
            catch (final IOException ex)
            {
                throw new ClassNotFoundException(name, ex);
            }
            if (null != bytes)
            {
                return defineClass(name, bytes, 0, bytes.length, codeSource);
            }
        }
        final ZipFile direct = direct();
        if (null != direct)
        {
            final byte[] bytes;
            try
            {
                bytes = read(direct, name.replace('.', '/') + ".class");
            }
            catch (final IOException ex)
            {
                throw new ClassNotFoundException(name, ex);
            }
            if (null == bytes)
            {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length, domain);
        }
        return super.findClass(name);
    }

    /**
     * Also the nested jar's entries (Byte Buddy may read a class file of its own as a resource); they have no
     * URL, so {@link #getResource(String)} does not find them.
     *
     * @param name the resource's name.
     * @return its content, or null.
     */
    @Override
    public InputStream getResourceAsStream(final String name)
    {
        if (name.startsWith(NESTED_RESOURCES))
        {
            try
            {
                final byte[] bytes = readNested(name);
                if (null != bytes)
                {
                    return new ByteArrayInputStream(bytes);
                }
            }
            catch (final IOException ex)
            {
                return null;
            }
        }
        else if (name.startsWith(OWN_RESOURCES))
        {
            final ZipFile direct = direct();
            if (null != direct)
            {
                try
                {
                    final byte[] bytes = read(direct, name);
                    return null == bytes ? null : new ByteArrayInputStream(bytes);
                }
                catch (final IOException ex)
                {
                    return null;
                }
            }
        }
        return super.getResourceAsStream(name);
    }

    @Override
    public void close() throws IOException
    {
        try
        {
            super.close();
        }
        finally
        {
            synchronized (lock)
            {
                // NOTE: no class or resource is read from this jar again: as URLClassLoader after close.
                zipFailed = true;
                if (null != zip)
                {
                    final ZipFile closing = zip;
                    zip = null;
                    closing.close();
                }
            }
        }
    }

    /**
     * The jar opened for direct reads.
     *
     * @return it, or null when classes and resources go the URLClassLoader way.
     */
    private ZipFile direct()
    {
        if (null == file)
        {
            return null;
        }
        synchronized (lock)
        {
            if (null == zip && !zipFailed)
            {
                try
                {
                    zip = new ZipFile(file);
                }
                catch (final IOException | RuntimeException ex)
                {
                    zipFailed = true;
                }
            }
            return zip;
        }
    }

    private static byte[] read(final ZipFile zip, final String entryName) throws IOException
    {
        final ZipEntry entry = zip.getEntry(entryName);
        if (null == entry || entry.isDirectory())
        {
            return null;
        }
        try (InputStream in = zip.getInputStream(entry))
        {
            final long size = entry.getSize();
            return size >= 0 && size < Integer.MAX_VALUE ? in.readNBytes((int)size) : in.readAllBytes();
        }
    }

    /**
     * Lets go of the nested jar as the collector may, under memory pressure; the next Byte Buddy class reads it
     * again.
     */
    void forgetNested()
    {
        synchronized (lock)
        {
            nested.clear();
        }
    }

    /**
     * Whether the nested jar is in memory now.
     *
     * @return true once read and until let go.
     */
    boolean holdsNested()
    {
        synchronized (lock)
        {
            return null != nested.get();
        }
    }

    private byte[] readNested(final String entry) throws IOException
    {
        NestedJar jar;
        synchronized (lock)
        {
            jar = nested.get();
            if (null == jar && !nestedAbsent)
            {
                // NOTE: a lock of its own, not the loader's: this loader is parallel capable, and the read
                // loads no class through it.
                final URL url = findResource(NESTED);
                if (null == url)
                {
                    nestedAbsent = true;
                }
                else
                {
                    // NOTE: no cached JarFile kept open for good; this one shares the open jar's directory.
                    final URLConnection connection = url.openConnection();
                    connection.setUseCaches(false);
                    try (InputStream in = connection.getInputStream())
                    {
                        jar = NestedJar.of(in.readAllBytes());
                    }
                    nested = new SoftReference<>(jar);
                }
            }
        }
        return null == jar ? null : jar.read(entry);
    }
}
