package io.pageowner.weave;

import io.pageowner.log.AgentLog;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The one transformer the agent installs: for the classes the advice applies to (by internal name), the
 * cached woven bytes when the cache holds exactly these original bytes, else what the weaver makes of
 * them, kept for the next start. Every other class costs one set lookup. It never throws into class
 * loading: a failure is counted and logged, and the class stays as it was.
 */
final class CachingTransformer implements ClassFileTransformer
{
    private final Set<String> targets;
    private final WovenCache cache;
    private final Supplier<Weaver> weaver;
    private final Weaving.Guard guard;
    private final AtomicLong fromCache = new AtomicLong();
    private final AtomicLong woven = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    CachingTransformer(final Set<String> targets, final WovenCache cache, final Supplier<Weaver> weaver,
        final Weaving.Guard guard)
    {
        this.targets = Set.copyOf(targets);
        this.cache = cache;
        this.weaver = weaver;
        this.guard = guard;
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
        if (null == className || !targets.contains(className))
        {
            return null;
        }
        try
        {
            return guard.call(() -> weave(module, loader, className, classBeingRedefined, protectionDomain,
                classfileBuffer));
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
        final byte[] original) throws Exception
    {
        if (null != cache)
        {
            final WovenCache.Woven entry = cache.readClass(className, original);
            if (null != entry)
            {
                fromCache.incrementAndGet();
                AgentLog.debug("instrumented " + className.replace('/', '.') + " from the cache" +
                    (null == classBeingRedefined ? "" : " (retransformed)"));
                return entry.bytes();
            }
        }
        final byte[] result =
            weaver.get().transformer().transform(module, loader, className, classBeingRedefined, protectionDomain,
                original);
        woven.incrementAndGet();
        AgentLog.debug("wove " + className.replace('/', '.') + (null == classBeingRedefined ? "" : " (retransformed)") +
            ", " + original.length + " bytes");
        if (null != cache)
        {
            cache.writeClass(className, original, result);
        }
        return result;
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
