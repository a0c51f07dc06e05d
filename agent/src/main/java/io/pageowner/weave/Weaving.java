package io.pageowner.weave;

import io.pageowner.log.AgentLog;

import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Installs and removes the advice, and reports what it matched: the {@link CachingTransformer} is
 * added and the already loaded classes it applies to are retransformed (later ones are transformed as
 * they load). What each advice matched in this JDK's class files comes from the cache when an earlier
 * start on the same JDK build wrote it, else from the weaver, which is then created: so a warm start
 * never creates it, and loads no Byte Buddy class.
 */
public final class Weaving
{
    private final Supplier<Weaver> weaverFactory;
    private final WovenCache cache;
    private final Guard guard;
    private final Consumer<String> poolPackage;
    private Weaver weaver;
    private List<AdviceInfo> advice;
    /** Whether {@link #advice} is in the cache: read from it, or written there by {@link #install}. */
    private boolean adviceWritten;
    private volatile CachingTransformer transformer;
    private long pastErrors;

    /**
     * Prepares the weaving; nothing is installed yet.
     *
     * @param weaverFactory makes the weaver, called at most once and only when needed.
     * @param cache         the woven-class cache, or null for none.
     * @param guard         runs the transformer's work with the recorder's guard held.
     * @param poolPackage   learns the package of each pool class woven, from the cache or the weaver.
     */
    public Weaving(
        final Supplier<Weaver> weaverFactory, final WovenCache cache, final Guard guard,
        final Consumer<String> poolPackage)
    {
        this.weaverFactory = weaverFactory;
        this.cache = cache;
        this.guard = guard;
        this.poolPackage = poolPackage;
    }

    /**
     * The identity of the running JDK build, for the cache: its home, VM and runtime versions.
     *
     * @return a string that differs between JDK builds.
     */
    public static String jdkIdentity()
    {
        return System.getProperty("java.home") + '\n' + System.getProperty("java.vm.version") + '\n' +
            System.getProperty("java.runtime.version") + '\n' + System.getProperty("java.vm.name");
    }

    /**
     * Installs the advice: the transformer, then a retransformation of the loaded classes it applies to.
     *
     * @param inst the JVM's instrumentation.
     * @throws UnmodifiableClassException if the JVM refuses to retransform a class.
     */
    public synchronized void install(final Instrumentation inst) throws UnmodifiableClassException
    {
        if (null != transformer)
        {
            return;
        }
        final boolean known = adviceKnown();
        final Set<String> targets = new LinkedHashSet<>();
        for (final AdviceInfo info : advice)
        {
            if (info.applies() && info.matched() > 0 && !info.pool())
            {
                targets.add(info.typeName().replace('.', '/'));
            }
        }
        final List<String> pools = pools();
        // NOTE: an anonymous class, not this::weaver: a lambda bootstraps method handles at start.
        final CachingTransformer installed = new CachingTransformer(targets, pools, cache, new Supplier<>()
        {
            @Override
            public Weaver get()
            {
                return weaver();
            }
        }, guard, poolPackage);
        inst.addTransformer(installed, true);
        try
        {
            retransform(inst, targets, pools);
        }
        catch (final UnmodifiableClassException | RuntimeException | Error ex)
        {
            inst.removeTransformer(installed);
            throw ex;
        }
        transformer = installed;
        if (!known && null != cache)
        {
            weaveAhead(targets);
            cache.writeAdvice(jdkIdentity(), advice);
            adviceWritten = true;
        }
        flushCache();
    }

    /**
     * Weaves the class files of the advised classes not loaded yet, as the JVM will hand them over when it
     * loads them, so that a later start finds them in the cache instead of creating the weaver when the
     * class loads (on an application thread, in the middle of its class loading).
     */
    private void weaveAhead(final Set<String> targets)
    {
        for (final String target : targets)
        {
            final String name = target.replace('/', '.');
            final byte[] original = weaver().classFile(name);
            if (null == original || null != cache.readClass(target, original))
            {
                continue;
            }
            try
            {
                cache.writeClass(target, original,
                    guard.call(() -> weaver().transformer().transform(null, target, null, null, original)));
            }
            catch (final Exception ex)
            {
                // NOTE: the class is then woven when it loads, as without a cache.
                AgentLog.debug("could not weave " + name + " ahead: " + ex);
            }
        }
    }

    /**
     * Sets what is told when the transformer has woven a class whose bytes wait to be written (a pool's class the
     * application loads), so that the agent's thread writes them at once rather than at its next round: a program
     * that ends a second later has them cached for its next start all the same.
     *
     * @param listener to tell, on the loading thread; it must only hand the work over.
     */
    public void onNewEntries(final Runnable listener)
    {
        if (null != cache)
        {
            cache.onPending(listener);
        }
    }

    /**
     * Writes what was woven since the last call into the cache. Called at install and by the agent's
     * thread, never from the transformer.
     */
    public void flushCache()
    {
        if (null != cache)
        {
            cache.flush();
        }
    }

    /**
     * Removes the advice from every class it was applied to: the transformer goes, and the classes are
     * retransformed to their original bytes.
     *
     * @param inst the JVM's instrumentation.
     * @return true if the advice was installed and is now removed.
     */
    public synchronized boolean reset(final Instrumentation inst)
    {
        final CachingTransformer installed = transformer;
        if (null == installed)
        {
            return false;
        }
        transformer = null;
        pastErrors += installed.errors();
        inst.removeTransformer(installed);
        final Set<String> targets = new LinkedHashSet<>();
        for (final AdviceInfo info : advice)
        {
            if (!info.pool())
            {
                targets.add(info.typeName().replace('.', '/'));
            }
        }
        try
        {
            retransform(inst, targets, pools());
            return true;
        }
        catch (final UnmodifiableClassException | RuntimeException ex)
        {
            return false;
        }
    }

    private List<String> pools()
    {
        final List<String> pools = new ArrayList<>();
        for (final AdviceInfo info : advice)
        {
            if (info.pool())
            {
                pools.add(info.typeName().replace('.', '/'));
            }
        }
        return pools;
    }

    private static void retransform(final Instrumentation inst, final Set<String> targets, final List<String> pools)
        throws UnmodifiableClassException
    {
        // NOTE: the few names made binary once, not each of the ~1 200 loaded classes' names made internal: at
        // start this loop runs in the interpreter, and its String.replace calls had the JIT compile replace thrice.
        final Set<String> binaryTargets = new HashSet<>();
        for (final String target : targets)
        {
            binaryTargets.add(target.replace('/', '.'));
        }
        final List<String> binaryPools = new ArrayList<>(pools.size());
        for (final String pool : pools)
        {
            binaryPools.add(pool.replace('/', '.'));
        }
        final List<Class<?>> loaded = new ArrayList<>();
        for (final Class<?> type : inst.getAllLoadedClasses())
        {
            final String name = type.getName();
            if ((binaryTargets.contains(name) || CachingTransformer.isPool(binaryPools, name, '.')) &&
                inst.isModifiableClass(type))
            {
                loaded.add(type);
            }
        }
        if (!loaded.isEmpty())
        {
            inst.retransformClasses(loaded.toArray(new Class<?>[0]));
        }
    }

    /**
     * Reads what the advice matched from the cache, or has the weaver find it (once).
     *
     * @return true if it came from the cache, or was written there since.
     */
    private boolean adviceKnown()
    {
        if (null == advice)
        {
            final List<AdviceInfo> cached = null == cache ? null : cache.readAdvice(jdkIdentity());
            advice = null == cached ? weaver().advice() : cached;
            adviceWritten = null != cached;
        }
        return adviceWritten;
    }

    /**
     * Whether a class of a pool is loaded already (a late attach): its buffers out may never have been seen.
     * Reads the advice as {@link #install} does, from the cache on a warm start, so no Byte Buddy class loads; the
     * names are compared as the JVM gives them, once per loaded class.
     *
     * @param inst the JVM's instrumentation.
     * @return true if a loaded class's name is a pool's.
     */
    public boolean poolClassLoaded(final Instrumentation inst)
    {
        return poolClassLoaded(inst.getAllLoadedClasses());
    }

    /**
     * As {@link #poolClassLoaded(Instrumentation)}, for classes the caller has listed already.
     *
     * @param loaded the JVM's loaded classes.
     * @return true if one of them is a pool's class.
     */
    public synchronized boolean poolClassLoaded(final Class<?>[] loaded)
    {
        adviceKnown();
        final List<String> pools = new ArrayList<>();
        for (final AdviceInfo info : advice)
        {
            if (info.pool())
            {
                pools.add(info.typeName());
            }
        }
        if (!pools.isEmpty())
        {
            for (final Class<?> type : loaded)
            {
                if (CachingTransformer.isPool(pools, type.getName(), '.'))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private synchronized Weaver weaver()
    {
        if (null == weaver)
        {
            weaver = weaverFactory.get();
        }
        return weaver;
    }

    /**
     * Methods matched per advice meant for this JDK, in its class files.
     *
     * @return advice name to the number of methods it applies to.
     */
    public synchronized Map<String, Integer> matches()
    {
        final Map<String, Integer> result = new LinkedHashMap<>();
        for (final AdviceInfo info : adviceOrEmpty())
        {
            if (info.applies() && !info.pool())
            {
                result.put(info.name(), info.matched());
            }
        }
        return Collections.unmodifiableMap(result);
    }

    /**
     * Advice meant for this JDK that matches no method: a JDK whose internals changed.
     *
     * @return their names.
     */
    public synchronized List<String> unmatched()
    {
        final List<String> result = new ArrayList<>();
        for (final AdviceInfo info : adviceOrEmpty())
        {
            if (info.applies() && !info.pool() && 0 == info.matched())
            {
                result.add(info.name());
            }
        }
        return result;
    }

    /**
     * Advice not installed because it is meant for other JDK versions.
     *
     * @return them.
     */
    public synchronized List<AdviceInfo> skipped()
    {
        final List<AdviceInfo> result = new ArrayList<>();
        for (final AdviceInfo info : adviceOrEmpty())
        {
            if (!info.applies())
            {
                result.add(info);
            }
        }
        return result;
    }

    /**
     * Every advice the agent has, with the JDK versions it is meant for.
     *
     * @return advice name to versions, e.g. {@code 17+} or {@code 21}.
     */
    public synchronized Map<String, String> versions()
    {
        final Map<String, String> result = new LinkedHashMap<>();
        for (final AdviceInfo info : adviceOrEmpty())
        {
            if (!info.pool())
            {
                result.put(info.name(), info.versions());
            }
        }
        return result;
    }

    /**
     * Errors met while transforming, by the transformer and the weaver.
     *
     * @return the count.
     */
    public synchronized long transformErrors()
    {
        final CachingTransformer installed = transformer;
        return pastErrors + (null == installed ? 0 : installed.errors()) + (null == weaver ? 0 : weaver.errors());
    }

    /**
     * How the classes were woven since the last install: from the cache, or by the weaver.
     *
     * @return e.g. {@code cache: 3 classes from the cache, 0 woven}, or {@code cache: off}.
     */
    public String describeCache()
    {
        final CachingTransformer installed = transformer;
        if (null == cache)
        {
            return "cache: off";
        }
        return "cache: " + cache.directory() + ", " + (null == installed ? 0 : installed.fromCache()) +
            " classes from it, " + (null == installed ? 0 : installed.woven()) + " woven";
    }

    private List<AdviceInfo> adviceOrEmpty()
    {
        return null == advice ? List.of() : advice;
    }

    /**
     * Runs the transformer's work with the recorder's guard held, so that what it allocates (on an
     * application thread, when a class is first loaded) is never recorded as the application's.
     */
    @FunctionalInterface
    public interface Guard
    {
        /**
         * Runs work with the guard held.
         *
         * @param work the work.
         * @return its result.
         * @throws Exception what the work threw.
         */
        byte[] call(Callable<byte[]> work) throws Exception;
    }
}
