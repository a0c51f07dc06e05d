package io.pageowner.weave;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cold start asks the weaver and fills the cache; a warm start gets the same bytes and the same
 * report without ever creating the weaver; only the advised classes are touched, and reset removes it.
 */
class WeavingTest
{
    private static final String TARGET = "java/lang/StringBuilder";
    private static final byte[] ORIGINAL = { 0x0C, 0x0A, 0x0F, 0x0E };
    private static final byte[] WOVEN = { 1, 2, 3 };
    private static final List<AdviceInfo> ADVICE = List.of(
        new AdviceInfo("StringBuilder.append", "java.lang.StringBuilder", "17+", true, 2, false),
        new AdviceInfo("Later.only", "java.lang.Later", "99+", false, 0, false),
        AdviceInfo.pool("Some pool", "lib.buffer.Pool"));

    /** Where a pool's package goes when a case has no pool class. */
    private static final Consumer<String> NO_POOLS = packageName ->
    {
    };

    @TempDir
    Path root;

    @Test
    void shouldWeaveOnceAndServeLaterStartsFromTheCache() throws Exception
    {
        final AtomicInteger created = new AtomicInteger();
        final FakeInstrumentation cold = new FakeInstrumentation();
        final Weaving first = new Weaving(() ->
        {
            created.incrementAndGet();
            return new FakeWeaver();
        }, WovenCache.open(root, "build"), Work::call, NO_POOLS);
        first.install(cold);
        assertEquals(1, created.get());
        assertEquals(List.of(StringBuilder.class), cold.retransformed, "only the advised, loaded class");
        assertArrayEquals(WOVEN, cold.load(TARGET, ORIGINAL));
        assertNull(cold.load("java/lang/String", ORIGINAL), "other classes are left alone");
        assertEquals(Map.of("StringBuilder.append", 2), first.matches());

        final FakeInstrumentation warm = new FakeInstrumentation();
        final Weaving second = new Weaving(() ->
        {
            throw new AssertionError("a warm start must not create the weaver");
        }, WovenCache.open(root, "build"), Work::call, NO_POOLS);
        second.install(warm);
        assertArrayEquals(WOVEN, warm.load(TARGET, ORIGINAL));
        assertEquals(Map.of("StringBuilder.append", 2), second.matches());
        assertEquals(List.of("Later.only"), second.skipped().stream().map(AdviceInfo::name).toList());
        assertEquals("99+", second.versions().get("Later.only"));
        assertTrue(second.describeCache().endsWith("2 classes from it, 0 woven"),
            "the retransformation and the load: " + second.describeCache());

        assertTrue(second.reset(warm));
        assertTrue(warm.transformers.isEmpty(), "the transformer is removed");
        assertEquals(2, warm.retransformed.size(), "and the class retransformed back");
        assertFalse(second.reset(warm), "nothing left to reset");
    }

    @Test
    void shouldTellWhetherAPoolsClassIsLoadedWithoutTheWeaverOnAWarmStart() throws Exception
    {
        final Weaving cold = new Weaving(FakeWeaver::new, WovenCache.open(root, "build"), Work::call, NO_POOLS);
        final FakeInstrumentation first = new FakeInstrumentation();
        assertFalse(cold.poolClassLoaded(first), "only JDK classes loaded");
        // NOTE: asked before install on a cold start, the advice must still be written by install.
        cold.install(first);

        final FakeInstrumentation late = new FakeInstrumentation();
        late.loaded.add(loadedClassNamed("lib.buffer.Pool2"));
        late.loaded.add(loadedClassNamed("lib.buffer.SomePool"));
        final Weaving warm = new Weaving(() ->
        {
            throw new AssertionError("a warm start must not create the weaver to ask");
        }, WovenCache.open(root, "build"), Work::call, NO_POOLS);
        assertFalse(warm.poolClassLoaded(late), "names that only look alike");
        late.loaded.add(loadedClassNamed("shaded.lib.buffer.Pool"));
        assertTrue(warm.poolClassLoaded(late), "a shaded copy of the pool's class");
        late.loaded.set(4, loadedClassNamed("lib.buffer.Pool"));
        assertTrue(warm.poolClassLoaded(late), "the pool's class itself");
    }

    private static Class<?> loadedClassNamed(final String name)
    {
        return new ByteBuddy().subclass(Object.class).name(name).make()
            .load(WeavingTest.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER).getLoaded();
    }

    @Test
    void shouldServeAPoolsClassesFromTheCacheWithTheirPackagesAndRejections() throws Exception
    {
        final AtomicInteger created = new AtomicInteger();
        final List<String> woven = new ArrayList<>();
        final byte[] oldOriginal = { 0x0C, 0x0A, 0x0F, 0x0F };
        for (int start = 0; start < 2; start++)
        {
            final FakeInstrumentation inst = new FakeInstrumentation();
            final List<String> packages = new ArrayList<>();
            final AtomicInteger wakes = new AtomicInteger();
            final Weaving weaving = new Weaving(() ->
            {
                created.incrementAndGet();
                return new FakeWeaver()
                {
                    private String rejected;

                    @Override
                    public ClassFileTransformer transformer()
                    {
                        return new ClassFileTransformer()
                        {
                            @Override
                            public byte[] transform(final ClassLoader loader, final String name, final Class<?> type,
                                final ProtectionDomain domain, final byte[] bytes)
                            {
                                woven.add(name);
                                if (name.startsWith("old/"))
                                {
                                    rejected = "Some pool\tfield int offset";
                                    return null;
                                }
                                return WOVEN.clone();
                            }
                        };
                    }

                    @Override
                    public String takePoolRejection(final String className, final ClassLoader loader)
                    {
                        final String taken = rejected;
                        rejected = null;
                        return taken;
                    }
                };
            }, WovenCache.open(root, "build"), Work::call, packages::add);
            weaving.install(inst);
            weaving.onNewEntries(wakes::incrementAndGet);
            woven.clear();
            assertArrayEquals(WOVEN, inst.load("lib/buffer/Pool", ORIGINAL));
            assertArrayEquals(WOVEN, inst.load("shaded/lib/buffer/Pool", ORIGINAL));
            assertNull(inst.load("old/lib/buffer/Pool", oldOriginal), "a version the advice does not fit");
            assertNull(inst.load("lib/buffer/OtherPool", ORIGINAL));
            assertNull(inst.load("lib/buffer/Pool2", ORIGINAL));
            assertEquals(List.of("lib.buffer", "shaded.lib.buffer"), packages,
                "the stack capture learns a woven pool's package, from the weaver or the cache alike");
            assertFalse(weaving.matches().containsKey("Some pool"), "not a JDK advice");
            assertFalse(weaving.unmatched().contains("Some pool"), "not reported as matching nothing");
            if (0 == start)
            {
                assertEquals(List.of("lib/buffer/Pool", "shaded/lib/buffer/Pool", "old/lib/buffer/Pool"), woven);
                assertEquals(3, wakes.get(), "each new entry has the agent's thread write it at once");
                weaving.flushCache();
            }
            else
            {
                assertEquals(List.of(), woven, "a later start serves the pool's classes from the cache");
                assertEquals(0, wakes.get(), "nothing new to write");
                assertTrue(weaving.describeCache().endsWith("4 classes from it, 0 woven"), weaving.describeCache());
            }
        }
        assertEquals(1, created.get(), "the weaver is created by the first start only");
        final WovenCache.Woven rejected = WovenCache.open(root, "build").readClass("old/lib/buffer/Pool", oldOriginal);
        assertNull(rejected.bytes(), "left alone");
        assertEquals("Some pool\tfield int offset", rejected.note(), "and why, for the warning of a later start");
    }

    @Test
    void shouldWeaveEveryTimeWithoutACache() throws Exception
    {
        final AtomicInteger created = new AtomicInteger();
        for (int start = 0; start < 2; start++)
        {
            final FakeInstrumentation inst = new FakeInstrumentation();
            final Weaving weaving = new Weaving(() ->
            {
                created.incrementAndGet();
                return new FakeWeaver();
            }, null, Work::call, NO_POOLS);
            weaving.install(inst);
            assertArrayEquals(WOVEN, inst.load(TARGET, ORIGINAL));
            assertEquals("cache: off", weaving.describeCache());
        }
        assertEquals(2, created.get());
    }

    @Test
    void shouldCountAFailureAndLeaveTheClassAlone() throws Exception
    {
        final FakeInstrumentation inst = new FakeInstrumentation();
        final Weaving weaving = new Weaving(() -> new FakeWeaver()
        {
            @Override
            public ClassFileTransformer transformer()
            {
                return new ClassFileTransformer()
                {
                    @Override
                    public byte[] transform(final ClassLoader loader, final String name, final Class<?> type,
                        final ProtectionDomain domain, final byte[] bytes)
                    {
                        throw new IllegalStateException("weaver bug");
                    }
                };
            }
        }, null, Work::call, NO_POOLS);
        weaving.install(inst);
        assertNull(inst.load(TARGET, ORIGINAL));
        assertEquals(2, weaving.transformErrors(), "the retransformation and the load");
    }

    /**
     * Runs work as is (the recorder's guard in the agent).
     */
    private static final class Work
    {
        static byte[] call(final java.util.concurrent.Callable<byte[]> work) throws Exception
        {
            return work.call();
        }
    }

    private static class FakeWeaver implements Weaver
    {
        @Override
        public List<AdviceInfo> advice()
        {
            return ADVICE;
        }

        @Override
        public ClassFileTransformer transformer()
        {
            return new ClassFileTransformer()
            {
                @Override
                public byte[] transform(final ClassLoader loader, final String name, final Class<?> type,
                    final ProtectionDomain domain, final byte[] bytes)
                {
                    return TARGET.equals(name) ? WOVEN.clone() : null;
                }
            };
        }

        @Override
        public byte[] classFile(final String typeName)
        {
            return ORIGINAL.clone();
        }

        @Override
        public long errors()
        {
            return 0;
        }
    }

    /**
     * Just enough of the JVM's instrumentation: loaded classes, transformers, retransformation.
     */
    private static final class FakeInstrumentation implements Instrumentation
    {
        final List<ClassFileTransformer> transformers = new ArrayList<>();
        final List<Class<?>> retransformed = new ArrayList<>();
        final List<Class<?>> loaded = new ArrayList<>(List.of(String.class, StringBuilder.class));

        byte[] load(final String name, final byte[] bytes) throws IllegalClassFormatException
        {
            byte[] current = bytes;
            byte[] result = null;
            for (final ClassFileTransformer transformer : transformers)
            {
                final byte[] out = transformer.transform(getClass().getModule(), null, name, null, null, current);
                if (null != out)
                {
                    current = out;
                    result = out;
                }
            }
            return result;
        }

        @Override
        public void addTransformer(final ClassFileTransformer transformer, final boolean canRetransform)
        {
            transformers.add(transformer);
        }

        @Override
        public void addTransformer(final ClassFileTransformer transformer)
        {
            transformers.add(transformer);
        }

        @Override
        public boolean removeTransformer(final ClassFileTransformer transformer)
        {
            return transformers.remove(transformer);
        }

        @Override
        public boolean isRetransformClassesSupported()
        {
            return true;
        }

        @Override
        public void retransformClasses(final Class<?>... classes)
        {
            for (final Class<?> type : classes)
            {
                retransformed.add(type);
                try
                {
                    load(type.getName().replace('.', '/'), ORIGINAL);
                }
                catch (final IllegalClassFormatException ex)
                {
                    // NOTE: as the JVM does: a transformer's exception leaves the class as it was.
                }
            }
        }

        @Override
        public boolean isRedefineClassesSupported()
        {
            return false;
        }

        @Override
        public void redefineClasses(final ClassDefinition... definitions)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isModifiableClass(final Class<?> theClass)
        {
            return true;
        }

        @Override
        public Class<?>[] getAllLoadedClasses()
        {
            return loaded.toArray(new Class<?>[0]);
        }

        @Override
        public Class<?>[] getInitiatedClasses(final ClassLoader loader)
        {
            return new Class<?>[0];
        }

        @Override
        public long getObjectSize(final Object objectToSize)
        {
            return 0;
        }

        @Override
        public void appendToBootstrapClassLoaderSearch(final JarFile jarfile)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void appendToSystemClassLoaderSearch(final JarFile jarfile)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isNativeMethodPrefixSupported()
        {
            return false;
        }

        @Override
        public void setNativeMethodPrefix(final ClassFileTransformer transformer, final String prefix)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void redefineModule(final Module module, final Set<Module> extraReads,
            final Map<String, Set<Module>> extraExports, final Map<String, Set<Module>> extraOpens,
            final Set<Class<?>> extraUses, final Map<Class<?>, List<Class<?>>> extraProvides)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isModifiableModule(final Module module)
        {
            return false;
        }
    }
}
