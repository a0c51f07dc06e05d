package io.pageowner.instrument;

import io.pageowner.log.AgentLog;
import io.pageowner.pool.PoolHooks;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
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

import java.lang.instrument.Instrumentation;
import java.util.function.Consumer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

/**
 * Installs the advice with Byte Buddy and keeps what it needs to report: how many methods each
 * advice matched (an advice that matches nothing on the running JDK is reported by name, the others
 * keep working), and transformation errors.
 * <p>
 * Only the advice meant for the running JDK's feature version is installed (see
 * {@link AdviceSpec#appliesTo(int)}). Whether each one matches is known at start-up, before its
 * class is loaded: the class file is read from the runtime image and the matcher applied to its
 * description, so a renamed JDK method is reported when the agent starts, not when (or never if)
 * the class is first used.
 */
public final class AgentInstaller
{
    private final List<AdviceSpec> specs;
    private final List<AdviceSpec> skipped;
    private final List<PoolSpec> pools;
    private final Map<String, Integer> poolClasses = new ConcurrentHashMap<>();
    private final Map<String, String> poolRejected = new ConcurrentHashMap<>();
    private volatile Consumer<String> poolPackages = AgentInstaller::ignore;
    private final int feature;
    private final Map<String, Integer> matches = new ConcurrentHashMap<>();
    private final AtomicLong transformErrors = new AtomicLong();
    private volatile ResettableClassFileTransformer transformer;

    /**
     * Prepares an installer for the running JDK.
     *
     * @param specs the advice to install where it applies.
     */
    public AgentInstaller(final List<AdviceSpec> specs)
    {
        this(specs, Runtime.version().feature());
    }

    /**
     * Prepares an installer for a JDK feature version.
     *
     * @param specs   the advice to install where it applies.
     * @param feature the JDK's feature version, e.g. 25.
     */
    public AgentInstaller(final List<AdviceSpec> specs, final int feature)
    {
        this(specs, List.of(), feature);
    }

    /**
     * Prepares an installer for a JDK feature version and the pools of application libraries.
     *
     * @param specs   the advice to install where it applies.
     * @param pools   the pools whose buffers are recorded when the application loads their classes.
     * @param feature the JDK's feature version, e.g. 25.
     */
    public AgentInstaller(final List<AdviceSpec> specs, final List<PoolSpec> pools, final int feature)
    {
        this.pools = List.copyOf(pools);
        for (final PoolSpec pool : this.pools)
        {
            poolClasses.put(pool.name(), 0);
        }
        final List<AdviceSpec> applicable = new ArrayList<>();
        final List<AdviceSpec> notApplicable = new ArrayList<>();
        for (final AdviceSpec spec : specs)
        {
            (spec.appliesTo(feature) ? applicable : notApplicable).add(spec);
        }
        this.specs = List.copyOf(applicable);
        this.skipped = List.copyOf(notApplicable);
        this.feature = feature;
        for (final AdviceSpec spec : this.specs)
        {
            matches.put(spec.name(), 0);
        }
    }

    /**
     * Counts, for each advice meant for this JDK, the methods it matches in the JDK's class files,
     * without loading any class. Called by {@link #install(Instrumentation)}; tests call it alone.
     *
     * @param classFiles where the JDK's class files are read from.
     */
    public void checkMatches(final ClassFileLocator classFiles)
    {
        final TypePool pool = TypePool.Default.of(classFiles);
        for (final AdviceSpec spec : specs)
        {
            int matched = 0;
            final TypePool.Resolution resolution = pool.describe(spec.typeName());
            if (resolution.isResolved())
            {
                matched = resolution.resolve().getDeclaredMethods().filter(spec.methods()).size();
            }
            matches.merge(spec.name(), matched, Math::max);
        }
    }

    /**
     * Installs every advice and retransforms the classes already loaded.
     *
     * @param inst the JVM's instrumentation.
     * @throws Exception if the hooks class cannot be found.
     */
    public void install(final Instrumentation inst) throws Exception
    {
        // NOTE: keeps Byte Buddy off sun.misc.Unsafe, which JDK 24+ warns about on stderr (JEP 498);
        // we inject no classes, so nothing is lost. The name is relocated with Byte Buddy.
        System.setProperty(ClassInjector.UsingUnsafe.SAFE_PROPERTY, "true");
        final MethodDescription suppressed = new MethodDescription.ForLoadedMethod(
            Class.forName("jdk.internal.misc.PageOwnerHooks", false, null).getMethod("suppressed", Throwable.class));
        final Advice.ExceptionHandler handler = new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(suppressed));
        checkMatches(ClassFileLocator.ForClassLoader.ofBootLoader());

        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Reiterating.INSTANCE)
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
                (b, type, loader, module, domain) -> apply(b, type, typeSpecs, handler));
        }
        final MethodDescription poolSuppressed =
            new MethodDescription.ForLoadedMethod(PoolHooks.class.getMethod("suppressed", Throwable.class));
        final Advice.ExceptionHandler poolHandler =
            new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(poolSuppressed));
        for (final PoolSpec pool : pools)
        {
            builder = builder.type(named(pool.typeName()).or(nameEndsWith("." + pool.typeName()))).transform(
                (b, type, loader, module, domain) -> applyPool(b, type, loader, pool, poolHandler));
        }
        transformer = builder.installOn(inst);
    }

    /**
     * Sets what learns the package of each pool class instrumented (the stack capture, which leaves a pool's
     * leading frames out).
     *
     * @param listener called with e.g. {@code io.netty.buffer}, on the thread that loads the class.
     */
    public void onPoolPackage(final Consumer<String> listener)
    {
        poolPackages = listener;
    }

    private static void ignore(final String packageName)
    {
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
            final String reason = type.getName() + " (loader " + loader + ") lacks " + String.join(", ", missing);
            poolRejected.put(pool.name() + " " + type.getName(), reason);
            AgentLog.warn("pool " + pool.name() + ": " + reason + ": a version page-owner does not know, its " +
                "buffers are not tracked");
            return builder;
        }
        if (null != type.getPackage())
        {
            poolPackages.accept(type.getPackage().getName());
        }
        DynamicType.Builder<?> result = builder;
        for (final AsmVisitorWrapper wrapper : pool.advice(handler))
        {
            result = result.visit(wrapper);
        }
        poolClasses.merge(pool.name(), 1, Integer::sum);
        return result;
    }

    /**
     * Pool classes instrumented, per pool: 0 until the application loads one.
     *
     * @return pool name to the number of classes (one per loader or shaded copy) its advice went into.
     */
    public Map<String, Integer> poolClasses()
    {
        return Collections.unmodifiableMap(new LinkedHashMap<>(poolClasses));
    }

    /**
     * Pool classes left alone because their internals differ from what the pool's advice needs.
     *
     * @return pool name and class name to the reason.
     */
    public Map<String, String> poolsRejected()
    {
        return Collections.unmodifiableMap(new LinkedHashMap<>(poolRejected));
    }

    private DynamicType.Builder<?> apply(
        final DynamicType.Builder<?> builder,
        final TypeDescription type,
        final List<AdviceSpec> typeSpecs,
        final Advice.ExceptionHandler handler)
    {
        DynamicType.Builder<?> result = builder;
        for (final AdviceSpec spec : typeSpecs)
        {
            final int matched = type.getDeclaredMethods().filter(spec.methods()).size();
            matches.merge(spec.name(), matched, Math::max);
            result = result.visit(Advice.to(spec.adviceClass()).withExceptionHandler(handler).on(spec.methods()));
        }
        return result;
    }

    /**
     * Removes the advice from every class it was applied to.
     *
     * @param inst the JVM's instrumentation.
     * @return true if a transformer was installed and is now reset.
     */
    public boolean reset(final Instrumentation inst)
    {
        final ResettableClassFileTransformer installed = transformer;
        transformer = null;
        return null != installed && installed.reset(inst, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
    }

    /**
     * Methods matched per advice meant for this JDK, in its class files (and in the classes
     * transformed since).
     *
     * @return advice name to the number of methods it applies to.
     */
    public Map<String, Integer> matches()
    {
        return Collections.unmodifiableMap(new LinkedHashMap<>(matches));
    }

    /**
     * Advice meant for this JDK that matches no method: a JDK whose internals changed.
     *
     * @return their names.
     */
    public List<String> unmatched()
    {
        final List<String> result = new ArrayList<>();
        for (final AdviceSpec spec : specs)
        {
            if (0 == matches.getOrDefault(spec.name(), 0))
            {
                result.add(spec.name());
            }
        }
        return result;
    }

    /**
     * Every advice the agent has, with the JDK versions it is meant for.
     *
     * @return advice name to versions, e.g. {@code 17+} or {@code 21}.
     */
    public Map<String, String> versions()
    {
        final Map<String, String> result = new LinkedHashMap<>();
        for (final AdviceSpec spec : specs)
        {
            result.put(spec.name(), spec.versions());
        }
        for (final AdviceSpec spec : skipped)
        {
            result.put(spec.name(), spec.versions());
        }
        return result;
    }

    /**
     * Advice not installed because it is meant for other JDK versions.
     *
     * @return the specs.
     */
    public List<AdviceSpec> skipped()
    {
        return skipped;
    }

    /**
     * The JDK feature version the installer chose advice for.
     *
     * @return e.g. 25.
     */
    public int feature()
    {
        return feature;
    }

    /**
     * Errors Byte Buddy reported while transforming.
     *
     * @return the count.
     */
    public long transformErrors()
    {
        return transformErrors.get();
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
            transformErrors.incrementAndGet();
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
