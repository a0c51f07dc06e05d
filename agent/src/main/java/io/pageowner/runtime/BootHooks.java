package io.pageowner.runtime;

import java.io.IOException;
import java.io.InputStream;

/**
 * Defines {@code jdk.internal.misc.PageOwnerSink} and {@code jdk.internal.misc.PageOwnerHooks}
 * inside {@code java.base}, where the advice inlined into {@code Unsafe} and other JDK classes can
 * call them.
 * <p>
 * The usual alternative, appending a jar to the boot class path, makes HotSpot print "Sharing is
 * only supported for boot loader classes because bootstrap classpath has been appended" and turn
 * off class data sharing for the application's classes: a visible change to the application.
 * {@code jdk.internal.misc.Unsafe.defineClass} (the package is exported to the agent's loader by
 * {@code PageOwnerAgent}) defines the two classes with the boot loader, which puts a class of
 * {@code jdk.internal.misc} into {@code java.base}, with no warning. The class
 * bytes ship as {@code io/pageowner/boot/*.classdata} so that nothing in the jar sits outside
 * {@code io/pageowner/}.
 */
final class BootHooks
{
    static final String SINK_CLASS = "jdk.internal.misc.PageOwnerSink";
    static final String HOOKS_CLASS = "jdk.internal.misc.PageOwnerHooks";
    static final String POOL_SINK_CLASS = "io.pageowner.pool.PoolSink";
    static final String POOL_HOOKS_CLASS = "io.pageowner.pool.PoolHooks";

    private BootHooks()
    {
    }

    /**
     * Defines the hook classes unless an earlier load of the agent already did.
     *
     * @throws Exception if they cannot be defined; the agent must then not install any advice.
     */
    static void define() throws Exception
    {
        definePoolHooks();
        if (isDefined(HOOKS_CLASS))
        {
            return;
        }
        // NOTE: Unsafe.defineClass with the boot loader, not a private Lookup's defineClass: the lookup parses the
        // class file first (on JDK 25 through the ClassFile API, whose classes a start would load only for this).
        // The boot loader puts a jdk.internal.misc class into java.base as for any class of that package.
        final jdk.internal.misc.Unsafe unsafe = jdk.internal.misc.Unsafe.getUnsafe();
        // NOTE: the sink first: the hooks class names it in a field and its methods.
        if (!isDefined(SINK_CLASS))
        {
            final byte[] sink = bytes("PageOwnerSink");
            unsafe.defineClass(SINK_CLASS, sink, 0, sink.length, null, null);
        }
        final byte[] hooks = bytes("PageOwnerHooks");
        unsafe.defineClass(HOOKS_CLASS, hooks, 0, hooks.length, null, null);
    }

    /**
     * Defines {@code io.pageowner.pool.PoolSink} and {@code PoolHooks} with the boot loader, outside every named
     * module: they land in the boot loader's unnamed module, which exports all its packages and which every
     * loader reaches by delegation, so the advice inlined into a library's classes (Netty's, loaded by the
     * application's loader) can call them; nothing of {@code java.base} is exported to the application.
     */
    private static void definePoolHooks() throws IOException
    {
        final jdk.internal.misc.Unsafe unsafe = jdk.internal.misc.Unsafe.getUnsafe();
        if (!isDefined(POOL_SINK_CLASS))
        {
            final byte[] sink = bytes("PoolSink");
            unsafe.defineClass(POOL_SINK_CLASS, sink, 0, sink.length, null, null);
        }
        if (!isDefined(POOL_HOOKS_CLASS))
        {
            final byte[] hooks = bytes("PoolHooks");
            unsafe.defineClass(POOL_HOOKS_CLASS, hooks, 0, hooks.length, null, null);
        }
    }

    private static boolean isDefined(final String name)
    {
        try
        {
            Class.forName(name, false, null);
            return true;
        }
        catch (final ClassNotFoundException ex)
        {
            return false;
        }
    }

    private static byte[] bytes(final String simpleName) throws IOException
    {
        final String resource = "/io/pageowner/boot/" + simpleName + ".classdata";
        try (InputStream in = BootHooks.class.getResourceAsStream(resource))
        {
            if (null == in)
            {
                throw new IOException("missing " + resource + " in the agent jar");
            }
            return in.readAllBytes();
        }
    }
}
