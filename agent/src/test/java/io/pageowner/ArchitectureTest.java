package io.pageowner;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the arrows of the runtime's layout one way: the data path reads top to bottom, allocation,
 * advice ({@code instrument}), {@code record}, {@code table} and {@code depot}, {@code dump}, and each
 * package may use only the packages named for it here (and in its {@code package-info.java}).
 */
class ArchitectureTest
{
    private static final String ROOT = "io.pageowner";
    /** The analysis module: {@code agent} dispatches {@code sort} to it; {@code cli} takes its exit statuses. */
    private static final String ANALYSIS = "analysis";
    private static final String BOOT_SINK = "jdk.internal.misc.PageOwnerSink";
    /** Each package of the agent module, and the packages of page-owner it may depend on. */
    private static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

    static
    {
        ALLOWED.put("agent", Set.of("options", "cli", ANALYSIS));
        ALLOWED.put("options", Set.of());
        ALLOWED.put("cli", Set.of("options", "dump", "jmx", ANALYSIS));
        ALLOWED.put("runtime", Set.of(
            "options", "weave", "instrument", "record", "table", "depot", "dump", "jmx", "jfr", "signal", "log",
            "pool"));
        ALLOWED.put("weave", Set.of("log"));
        ALLOWED.put("instrument", Set.of("weave", "record", "log", "pool"));
        ALLOWED.put("record", Set.of("table", "depot", "pool"));
        ALLOWED.put("pool", Set.of());
        ALLOWED.put("table", Set.of());
        ALLOWED.put("depot", Set.of());
        ALLOWED.put("dump", Set.of("record", "table", "depot"));
        ALLOWED.put("jmx", Set.of("record", "table", "depot", "dump", "weave"));
        ALLOWED.put("jfr", Set.of("record", "dump", "log"));
        ALLOWED.put("signal", Set.of("log"));
        ALLOWED.put("log", Set.of());
    }

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses()
    {
        // NOTE: the class path holds the analysis module's classes too (the agent depends on it); they have
        // their own ArchitectureTest, so only this module's own output is imported here.
        classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPath(Path.of("target", "classes"));
    }

    @Test
    void shouldHaveNoCyclesBetweenPackages()
    {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void shouldDependOnlyOnThePackagesEachPackageNames()
    {
        for (final Map.Entry<String, Set<String>> entry : ALLOWED.entrySet())
        {
            final String[] forbidden = Stream.concat(ALLOWED.keySet().stream(), Stream.of(ANALYSIS))
                .filter(name -> !name.equals(entry.getKey()) && !entry.getValue().contains(name))
                .map(name -> ROOT + "." + name + "..")
                .toArray(String[]::new);
            noClasses().that().resideInAPackage(ROOT + "." + entry.getKey() + "..")
                .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                .because("package-info.java of " + entry.getKey() + " names what it may use")
                .check(classes);
        }
    }

    @Test
    void shouldImportOnlyThisModulesClasses()
    {
        final String analysis = ROOT + "." + ANALYSIS;
        assertTrue(classes.stream().noneMatch(javaClass -> javaClass.getPackageName().startsWith(analysis)),
            "the analysis module's classes are checked by its own ArchitectureTest");
        assertTrue(classes.contain("io.pageowner.agent.PageOwnerAgent"), "this module's classes are imported");
    }

    @Test
    void shouldLetOnlyTheAdapterNameTheBootSink()
    {
        // NOTE: the boot sink exists only inside a running agent, so a class that names it cannot be loaded
        // by a unit test; the set is asserted, not just ruled, so that the rule cannot pass by seeing nothing.
        final Set<String> naming = classes.stream()
            .filter(javaClass -> javaClass.getDirectDependenciesFromSelf().stream()
                .anyMatch(dependency -> BOOT_SINK.equals(dependency.getTargetClass().getName())))
            .map(javaClass -> javaClass.getName())
            .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(ROOT + ".record.SinkAdapter"), naming, "classes that name " + BOOT_SINK);
    }

    @Test
    void shouldKnowEveryPackageAndFindItsPackageInfo() throws IOException
    {
        final Set<String> packages = classes.stream()
            .map(javaClass -> javaClass.getPackageName())
            .filter(name -> name.startsWith(ROOT + "."))
            .map(name -> name.substring(ROOT.length() + 1).split("\\.")[0])
            .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(ALLOWED.keySet()), packages, "a new package gets a line in ALLOWED");
        final List<String> missing = new ArrayList<>();
        for (final String name : packages)
        {
            if (!Files.isRegularFile(sources().resolve(name).resolve("package-info.java")))
            {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "packages without package-info.java: " + missing);
    }

    @Test
    void shouldKeepMainClassesShortOrSayWhyNot() throws IOException
    {
        final List<String> tooLong = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources()))
        {
            for (final Path file : (Iterable<Path>)files.filter(f -> f.toString().endsWith(".java"))::iterator)
            {
                final List<String> lines = Files.readAllLines(file);
                final boolean reasoned = lines.stream().limit(80).anyMatch(line -> line.contains(LONG_FILE_REASON));
                if (lines.size() > MAX_LINES && !reasoned)
                {
                    tooLong.add(sources().relativize(file) + " (" + lines.size() + " lines)");
                }
            }
        }
        assertTrue(tooLong.isEmpty(), "over " + MAX_LINES + " lines with no '" + LONG_FILE_REASON +
            "' near the top: " + tooLong);
    }

    /** Lines a main source file may have before it must say at its top why it is one file. */
    static final int MAX_LINES = 600;
    /** What a longer file's header says, followed by the reason. */
    static final String LONG_FILE_REASON = "Longer than 600 lines because";

    private static Path sources()
    {
        return Path.of("src", "main", "java", "io", "pageowner");
    }
}
