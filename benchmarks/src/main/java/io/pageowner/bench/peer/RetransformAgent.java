package io.pageowner.bench.peer;

import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The null agent of {@link SwitchProbe}: loaded at run time, it retransforms the JDK classes that page-owner's
 * advice changes without changing them, so that the JIT throws away and compiles anew the loop's code as it
 * does when page-owner is loaded, and nothing else happens.
 * <p>
 * Its argument names the classes, comma-separated; those not loaded are left alone.
 */
public final class RetransformAgent
{
    private RetransformAgent()
    {
    }

    /**
     * Retransforms the named classes.
     *
     * @param args the classes' names, comma-separated.
     * @param inst the instrumentation.
     * @throws UnmodifiableClassException if one of them cannot be retransformed.
     */
    public static void agentmain(final String args, final Instrumentation inst) throws UnmodifiableClassException
    {
        final List<String> names = Arrays.asList(args.split(","));
        final List<Class<?>> classes = new ArrayList<>();
        for (final Class<?> loaded : inst.getAllLoadedClasses())
        {
            if (names.contains(loaded.getName()))
            {
                classes.add(loaded);
            }
        }
        inst.retransformClasses(classes.toArray(new Class<?>[0]));
        System.out.println("RETRANSFORMED " + classes.size());
    }
}
