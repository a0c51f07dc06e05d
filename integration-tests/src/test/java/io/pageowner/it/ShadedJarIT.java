package io.pageowner.it;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaded jar is the agent and the command line, and holds nothing outside its own package:
 * Byte Buddy and Agrona are relocated, so they can never clash with the application's copies. Byte Buddy
 * is a jar of its own inside it (read by the agent's loader only when it weaves), so the outer jar's
 * directory, which every start opens, is a sixth of what it would be.
 */
class ShadedJarIT
{
    @Test
    void shouldHoldOnlyRelocatedEntries() throws Exception
    {
        final List<String> outside = new ArrayList<>();
        int shaded = 0;
        try (JarFile jar = new JarFile(ForkedJvm.agentJar().toFile()))
        {
            final Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements())
            {
                final String name = entries.nextElement().getName();
                if (name.startsWith("io/pageowner/shaded/org/agrona/"))
                {
                    shaded++;
                }
                if (name.startsWith("io/pageowner/shaded/net/bytebuddy/"))
                {
                    outside.add("not nested: " + name);
                }
                if (!name.startsWith("io/pageowner/") && !name.equals("io/") && !name.startsWith("META-INF/"))
                {
                    outside.add(name);
                }
                if (name.startsWith("META-INF/") && name.endsWith(".class"))
                {
                    outside.add(name);
                }
            }
            assertEquals(List.of(), outside, "entries outside io/pageowner/");
            // NOTE: only the Agrona classes the agent uses (the shade plugin's minimizeJar): ~16 of Agrona's ~290.
            assertTrue(shaded > 0 && shaded < 60, "Agrona is inside, relocated, trimmed to what is used: " + shaded);
            for (final String used : new String[]{ "BitUtil", "collections/Int2ObjectHashMap",
                "collections/LongArrayList" })
            {
                assertTrue(null != jar.getEntry("io/pageowner/shaded/org/agrona/" + used + ".class"), used);
            }
            assertTrue(jar.size() < 400, "the directory every start opens is small: " + jar.size());

            int nested = 0;
            final JarEntry byteBuddy = jar.getJarEntry("io/pageowner/shaded/byte-buddy.jar");
            assertTrue(null != byteBuddy, "Byte Buddy is nested");
            try (JarInputStream in = new JarInputStream(jar.getInputStream(byteBuddy)))
            {
                for (JarEntry entry = in.getNextJarEntry(); null != entry; entry = in.getNextJarEntry())
                {
                    if (entry.getName().startsWith("io/pageowner/shaded/net/bytebuddy/"))
                    {
                        nested++;
                    }
                    else
                    {
                        outside.add("nested: " + entry.getName());
                    }
                }
            }
            assertEquals(List.of(), outside, "nested entries outside Byte Buddy's relocated package");
            assertTrue(nested > 1000, "Byte Buddy is inside, relocated: " + nested);
            assertTrue(null != jar.getEntry("io/pageowner/boot/PageOwnerHooks.classdata"));

            final Attributes manifest = jar.getManifest().getMainAttributes();
            assertEquals("io.pageowner.agent.PageOwnerAgent", manifest.getValue("Premain-Class"));
            assertEquals("io.pageowner.agent.PageOwnerAgent", manifest.getValue("Agent-Class"));
            assertEquals("io.pageowner.agent.PageOwnerAgent", manifest.getValue("Main-Class"));
            assertEquals("true", manifest.getValue("Can-Retransform-Classes"));
        }
    }
}
