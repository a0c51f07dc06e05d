package io.pageowner.weave;

import io.pageowner.log.AgentLog;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.Callable;

/**
 * The one transformer the agent installs: for the classes the advice applies to (by internal name) and the pools'
 * classes (by name suffix, shaded copies too), the cached woven bytes when the cache holds exactly these original
 * bytes, else what the weaver makes of them, kept for the next start. Every other class costs one set lookup and a
 * few suffix checks. It never throws into class loading: a failure is counted and logged, and the class stays as
 * it was.
 * <p>
 * A pool's class has effects beyond its bytes, and they come with it from the cache as from the weaver: woven, its
 * package is told to the stack capture (whose pool frames are left out); left alone (a version whose internals
 * differ), the warning that names it.
 */
final class CachingTransformer implements ClassFileTransformer
{
    private final Set<String> targets;
    private final List<String> pools;
    private final WovenCache cache;
    private final Supplier<Weaver> weaver;
    private final Weaving.Guard guard;
    private final Consumer<String> poolPackage;
    private final AtomicLong fromCache = new AtomicLong();
    private final AtomicLong woven = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    CachingTransformer(final Set<String> targets, final List<String> pools, final WovenCache cache,
        final Supplier<Weaver> weaver, final Weaving.Guard guard, final Consumer<String> poolPackage)
    {
        this.targets = Set.copyOf(targets);
        this.pools = List.copyOf(pools);
        this.cache = cache;
        this.weaver = weaver;
        this.guard = guard;
        this.poolPackage = poolPackage;
    }

    @Override
    public byte[] transform(
        final Module module,
        final ClassLoader loader,
        final String className,
        final Class<?> classBeingRedefined,
        final ProtectionDomain protectionDomain,
        final byte[] classfileBuffer)
    {
        if (null == className)
        {
            return null;
        }
        final boolean pool = !targets.contains(className);
        if (pool && !isPool(pools, className))
        {
            return null;
        }
        try
        {
            // NOTE: an anonymous class, not a lambda: a lambda bootstraps method handles at start.
            return guard.call(new Callable<byte[]>()
            {
                @Override
                public byte[] call() throws Exception
                {
                    return weave(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer,
                        pool);
                }
            });
        }
        catch (final Throwable ex)
        {
            errors.incrementAndGet();
            AgentLog.warn("could not instrument " + className.replace('/', '.'), ex);
            return null;
        }
    }

    private byte[] weave(
        final Module module,
        final ClassLoader loader,
        final String className,
        final Class<?> classBeingRedefined,
        final ProtectionDomain protectionDomain,
        final byte[] original,
        final boolean pool) throws Exception
    {
        if (null != cache)
        {
            final WovenCache.Woven entry = cache.readClass(className, original);
            if (null != entry)
            {
                fromCache.incrementAndGet();
                AgentLog.debug("instrumented " + className.replace('/', '.') + " from the cache" +
                    (null == classBeingRedefined ? "" : " (retransformed)"));
                if (pool)
                {
                    poolEffects(className, loader, entry.bytes(), entry.note());
                }
                return entry.bytes();
            }
        }
        final Weaver made = weaver.get();
        final byte[] result =
            made.transformer().transform(module, loader, className, classBeingRedefined, protectionDomain, original);
        woven.incrementAndGet();
        AgentLog.debug("wove " + className.replace('/', '.') + (null == classBeingRedefined ? "" : " (retransformed)") +
            ", " + original.length + " bytes");
        final String note = pool ? made.takePoolRejection(className, loader) : null;
        if (pool)
        {
            poolEffects(className, loader, result, note);
        }
        if (null != cache)
        {
            cache.writeClass(className, original, result, note);
        }
        return result;
    }

    /**
     * What a pool's class brings beside its bytes: its package to the stack capture when it was woven, or the
     * warning that names what it lacks when it was left alone.
     */
    private void poolEffects(final String className, final ClassLoader loader, final byte[] bytes, final String note)
    {
        if (null != note)
        {
            final int tab = note.indexOf('\t');
            AgentLog.warn("pool " + note.substring(0, Math.max(0, tab)) + ": " + className.replace('/', '.') +
                " (loader " + loader + ") lacks " + note.substring(tab + 1) + ": a version page-owner does not know, " +
                "its buffers are not tracked");
        }
        else if (null != bytes)
        {
            final int slash = className.lastIndexOf('/');
            poolPackage.accept(slash < 0 ? "" : className.substring(0, slash).replace('/', '.'));
        }
    }

    /**
     * Whether a class is a pool's: its internal name is one of the pools' names, or ends with one after a
     * {@code /} (a shaded copy).
     *
     * @param pools     the pools' internal names.
     * @param className an internal name.
     * @return true if it is.
     */
    static boolean isPool(final List<String> pools, final String className)
    {
        return isPool(pools, className, '/');
    }

    /**
     * Whether a class is a pool's, by names of either form.
     *
     * @param pools     the pools' names, internal ({@code /}) or binary ({@code .}) as {@code className} is.
     * @param className a class name.
     * @param separator the package separator of both names.
     * @return true if it is.
     */
    static boolean isPool(final List<String> pools, final String className, final char separator)
    {
        for (int i = 0; i < pools.size(); i++)
        {
            final String pool = pools.get(i);
            if (className.endsWith(pool) && (className.length() == pool.length() ||
                separator == className.charAt(className.length() - pool.length() - 1)))
            {
                return true;
            }
        }
        return false;
    }

    long fromCache()
    {
        return fromCache.get();
    }

    long woven()
    {
        return woven.get();
    }

    long errors()
    {
        return errors.get();
    }
}
