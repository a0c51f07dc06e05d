package io.pageowner.it;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaded jar is the agent and the command line, and holds nothing outside its own package:
 * Byte Buddy and Agrona are relocated, so they can never clash with the application's copies.
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
                if (name.startsWith("io/pageowner/shaded/net/bytebuddy/") ||
                    name.startsWith("io/pageowner/shaded/org/agrona/"))
                {
                    shaded++;
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
            assertTrue(shaded > 1000, "Byte Buddy and Agrona are inside, relocated: " + shaded);
            assertTrue(null != jar.getEntry("io/pageowner/boot/PageOwnerHooks.classdata"));

            final Attributes manifest = jar.getManifest().getMainAttributes();
            assertEquals("io.pageowner.agent.PageOwnerAgent", manifest.getValue("Premain-Class"));
            assertEquals("io.pageowner.agent.PageOwnerAgent", manifest.getValue("Agent-Class"));
            assertEquals("io.pageowner.agent.PageOwnerAgent", manifest.getValue("Main-Class"));
            assertEquals("true", manifest.getValue("Can-Retransform-Classes"));
        }
    }
}
