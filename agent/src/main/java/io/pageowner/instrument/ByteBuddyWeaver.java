package io.pageowner.instrument;

import io.pageowner.log.AgentLog;
import io.pageowner.pool.PoolHooks;
import io.pageowner.weave.AdviceInfo;
import io.pageowner.weave.Weaver;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassInjector;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.ClassFileTransformer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

/**
 * The weaver: Byte Buddy inlines each advice into the methods it matches, and checks at start-up what
 * each advice matches in the JDK's class files, before its class is loaded (the class file is read
 * from the runtime image), so that a renamed JDK method is reported when the agent starts, not when
 * (or never if) the class is first used.
 * <p>
 * Only the advice meant for the running JDK's feature version is woven (see
 * {@link AdviceSpec#appliesTo(int)}). The {@code weave} package calls this only for classes its cache
 * cannot answer, so a warm start never loads this class nor Byte Buddy.
 */
public final class ByteBuddyWeaver implements Weaver
{
    private final List<AdviceSpec> specs;
    private final List<AdviceSpec> skipped;
    private final List<PoolSpec> pools;
    /** Pool classes just left alone, by loader and internal name, until the transformer's caller takes them. */
    private final Map<Map.Entry<ClassLoader, String>, String> rejections = new ConcurrentHashMap<>();
    private final int feature;
    private final AtomicLong errors = new AtomicLong();
    private ClassFileTransformer transformer;

    /**
     * Prepares a weaver for the running JDK.
     *
     * @param specs the advice to weave where it applies.
     */
    public ByteBuddyWeaver(final List<AdviceSpec> specs)
    {
        this(specs, Runtime.version().feature());
    }

    /**
     * Prepares a weaver for a JDK feature version.
     *
     * @param specs   the advice to weave where it applies.
     * @param feature the JDK's feature version, e.g. 25.
     */
    public ByteBuddyWeaver(final List<AdviceSpec> specs, final int feature)
    {
        this(specs, List.of(), feature);
    }

    /**
     * Prepares a weaver for a JDK feature version and the pools of application libraries.
     *
     * @param specs   the advice to weave where it applies.
     * @param pools   the pools whose buffers are recorded when the application loads their classes.
     * @param feature the JDK's feature version, e.g. 25.
     */
    public ByteBuddyWeaver(final List<AdviceSpec> specs, final List<PoolSpec> pools, final int feature)
    {
        this.pools = List.copyOf(pools);
        final List<AdviceSpec> applicable = new ArrayList<>();
        final List<AdviceSpec> notApplicable = new ArrayList<>();
        for (final AdviceSpec spec : specs)
        {
            (spec.appliesTo(feature) ? applicable : notApplicable).add(spec);
        }
        this.specs = List.copyOf(applicable);
        this.skipped = List.copyOf(notApplicable);
        this.feature = feature;
    }

    @Override
    public List<AdviceInfo> advice()
    {
        return advice(ClassFileLocator.ForClassLoader.ofBootLoader());
    }

    /**
     * What each advice matches in a set of class files, without loading any class: the advice meant
     * for this JDK first, then the others (matching 0, not applied).
     *
     * @param classFiles where the JDK's class files are read from.
     * @return one entry per advice.
     */
    public List<AdviceInfo> advice(final ClassFileLocator classFiles)
    {
        final TypePool pool = TypePool.Default.of(classFiles);
        final Map<String, AdviceInfo> result = new LinkedHashMap<>();
        for (final AdviceSpec spec : specs)
        {
            int matched = 0;
            final TypePool.Resolution resolution = pool.describe(spec.typeName());
            if (resolution.isResolved())
            {
                matched = resolution.resolve().getDeclaredMethods().filter(spec.methods()).size();
            }
            result.put(spec.name(),
                new AdviceInfo(spec.name(), spec.typeName(), spec.versions(), true, matched, false));
        }
        for (final AdviceSpec spec : skipped)
        {
            result.put(spec.name(), new AdviceInfo(spec.name(), spec.typeName(), spec.versions(), false, 0, false));
        }
        for (final PoolSpec each : pools)
        {
            result.put(each.name(), AdviceInfo.pool(each.name(), each.typeName()));
        }
        return List.copyOf(result.values());
    }

    @Override
    public synchronized ClassFileTransformer transformer()
    {
        if (null == transformer)
        {
            transformer = build();
        }
        return transformer;
    }

    @Override
    public byte[] classFile(final String typeName)
    {
        try
        {
            final ClassFileLocator.Resolution resolution =
                ClassFileLocator.ForClassLoader.ofBootLoader().locate(typeName);
            return resolution.isResolved() ? resolution.resolve() : null;
        }
        catch (final java.io.IOException ex)
        {
            return null;
        }
    }

    @Override
    public long errors()
    {
        return errors.get();
    }

    /**
     * The JDK feature version the weaver chose advice for.
     *
     * @return e.g. 25.
     */
    public int feature()
    {
        return feature;
    }

    private ClassFileTransformer build()
    {
        // NOTE: keeps Byte Buddy off sun.misc.Unsafe, which JDK 24+ warns about on stderr (JEP 498);
        // we inject no classes, so nothing is lost. The name is relocated with Byte Buddy.
        System.setProperty(ClassInjector.UsingUnsafe.SAFE_PROPERTY, "true");
        final MethodDescription suppressed;
        try
        {
            suppressed = new MethodDescription.ForLoadedMethod(Class.forName("jdk.internal.misc.PageOwnerHooks",
                false, null).getMethod("suppressed", Throwable.class));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException("the hooks class is not in java.base", ex);
        }
        final Advice.ExceptionHandler handler = new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(suppressed));

        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
            .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
            .with(new Listener())
            // NOTE: the default ignore rule skips boot classes, which are all we instrument.
            .ignore(nameStartsWith("io.pageowner.").or(nameStartsWith("net.bytebuddy.")));

        final Map<String, List<AdviceSpec>> byType = new LinkedHashMap<>();
        for (final AdviceSpec spec : specs)
        {
            byType.computeIfAbsent(spec.typeName(), k -> new ArrayList<>()).add(spec);
        }
        for (final Map.Entry<String, List<AdviceSpec>> entry : byType.entrySet())
        {
            final List<AdviceSpec> typeSpecs = entry.getValue();
            builder = builder.type(named(entry.getKey())).transform(
                (b, type, loader, module, domain) -> apply(b, typeSpecs, handler));
        }
        final MethodDescription poolSuppressed;
        try
        {
            poolSuppressed =
                new MethodDescription.ForLoadedMethod(PoolHooks.class.getMethod("suppressed", Throwable.class));
        }
        catch (final NoSuchMethodException ex)
        {
            throw new IllegalStateException(ex);
        }
        final Advice.ExceptionHandler poolHandler =
            new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(poolSuppressed));
        for (final PoolSpec pool : pools)
        {
            builder = builder.type(named(pool.typeName()).or(nameEndsWith("." + pool.typeName()))).transform(
                (b, type, loader, module, domain) -> applyPool(b, type, loader, pool, poolHandler));
        }
        return builder.makeRaw();
    }

    private DynamicType.Builder<?> applyPool(
        final DynamicType.Builder<?> builder,
        final TypeDescription type,
        final ClassLoader loader,
        final PoolSpec pool,
        final Advice.ExceptionHandler handler)
    {
        if (!pool.matches(type.getName()))
        {
            return builder;
        }
        final List<String> missing = pool.missing(type);
        if (!missing.isEmpty())
        {
            // NOTE: the caller (the caching transformer) warns, from this or from the cache on a later start.
            rejections.put(new AbstractMap.SimpleImmutableEntry<>(loader, type.getInternalName()),
                pool.name() + '\t' + String.join(", ", missing));
            return builder;
        }
        // NOTE: the caller (the caching transformer) tells the stack capture the class's package, from the woven
        // bytes or from the cache on a later start.
        DynamicType.Builder<?> result = builder;
        for (final AsmVisitorWrapper wrapper : pool.advice(handler))
        {
            result = result.visit(wrapper);
        }
        return result;
    }

    @Override
    public String takePoolRejection(final String className, final ClassLoader loader)
    {
        return rejections.remove(new AbstractMap.SimpleImmutableEntry<>(loader, className));
    }

    private static DynamicType.Builder<?> apply(
        final DynamicType.Builder<?> builder,
        final List<AdviceSpec> typeSpecs,
        final Advice.ExceptionHandler handler)
    {
        DynamicType.Builder<?> result = builder;
        for (final AdviceSpec spec : typeSpecs)
        {
            result = result.visit(Advice.to(spec.adviceClass()).withExceptionHandler(handler).on(spec.methods()));
        }
        return result;
    }

    private final class Listener extends AgentBuilder.Listener.Adapter
    {
        @Override
        public void onError(
            final String typeName,
            final ClassLoader classLoader,
            final JavaModule module,
            final boolean loaded,
            final Throwable throwable)
        {
            errors.incrementAndGet();
            AgentLog.warn("could not instrument " + typeName, throwable);
        }

        @Override
        public void onTransformation(
            final TypeDescription typeDescription,
            final ClassLoader classLoader,
            final JavaModule module,
            final boolean loaded,
            final DynamicType dynamicType)
        {
            AgentLog.debug("instrumented " + typeDescription.getName());
        }
    }
}
