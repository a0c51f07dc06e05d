package io.pageowner.analysis;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * Keeps the analysis module's arrows one way, by stage: {@code output} uses {@code group}, {@code group} uses
 * {@code parse}, the command (this package) uses all three and nothing uses it; the module uses only the JDK.
 */
class ArchitectureTest
{
    private static final String ROOT = "io.pageowner.analysis";
    /** Name of the root package in {@link #ALLOWED}. */
    private static final String COMMAND = "";
    private static final int MAX_LINES = 600;
    private static final String LONG_FILE_REASON = "Longer than " + MAX_LINES + " lines because";
    /** How far from the top of a file the reason for its length may stand. */
    private static final int REASON_WITHIN_LINES = 30;
    /** Each package of the module ({@code ""} for the root), and the packages of the module it may depend on. */
    private static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

    static
    {
        ALLOWED.put(COMMAND, Set.of("parse", "group", "output", "diff"));
        ALLOWED.put("diff", Set.of("output", "group", "parse"));
        ALLOWED.put("output", Set.of("group", "parse"));
        ALLOWED.put("group", Set.of("parse"));
        ALLOWED.put("parse", Set.of());
    }

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses()
    {
        classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPath(Path.of("target", "classes"));
    }

    @Test
    void shouldHaveNoCyclesBetweenPackages()
    {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
        noClasses().that().resideInAPackage(ROOT + ".(*)..")
            .should().dependOnClassesThat().resideInAPackage(ROOT)
            .because("the command uses the stages, never the reverse")
            .check(classes);
    }

    @Test
    void shouldDependOnlyOnThePackagesEachPackageNames()
    {
        for (final Map.Entry<String, Set<String>> entry : ALLOWED.entrySet())
        {
            if (COMMAND.equals(entry.getKey()))
            {
                continue;
            }
            final String[] forbidden = ALLOWED.keySet().stream()
                .filter(name -> !COMMAND.equals(name))
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
    void shouldUseNothingButTheJdk()
    {
        noClasses().should().dependOnClassesThat()
            .resideOutsideOfPackages(ROOT + "..", "java..", "javax..")
            .because("the analysis module depends on nothing but the JDK, and nothing of the agent's runtime")
            .check(classes);
    }

    @Test
    void shouldKnowEveryPackageAndFindItsPackageInfo()
    {
        final Set<String> packages = classes.stream()
            .map(javaClass -> javaClass.getPackageName())
            .filter(name -> name.equals(ROOT) || name.startsWith(ROOT + "."))
            .map(name -> name.equals(ROOT) ? COMMAND : name.substring(ROOT.length() + 1).split("\\.")[0])
            .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(ALLOWED.keySet()), packages, "a new package gets a line in ALLOWED");
        final List<String> missing = new ArrayList<>();
        for (final String name : packages)
        {
            if (!Files.isRegularFile(sources().resolve(name).resolve("package-info.java")))
            {
                missing.add(COMMAND.equals(name) ? ROOT : name);
            }
        }
        assertTrue(missing.isEmpty(), "packages without package-info.java: " + missing);
    }

    @Test
    void shouldKeepEveryMainFileShortOrSayWhy() throws IOException
    {
        final List<String> tooLong = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java")))
        {
            for (final Path file : files.filter(path -> path.toString().endsWith(".java")).toList())
            {
                final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (lines.size() > MAX_LINES && !givesReason(lines))
                {
                    tooLong.add(file + " (" + lines.size() + " lines)");
                }
            }
        }
        assertTrue(tooLong.isEmpty(), "files over " + MAX_LINES + " lines without a line near the top saying '" +
            LONG_FILE_REASON + " ...': " + tooLong);
    }

    private static boolean givesReason(final List<String> lines)
    {
        for (int i = 0; i < Math.min(REASON_WITHIN_LINES, lines.size()); i++)
        {
            final int at = lines.get(i).indexOf(LONG_FILE_REASON);
            if (at >= 0 && lines.get(i).substring(at + LONG_FILE_REASON.length()).trim().length() > 10)
            {
                return true;
            }
        }
        return false;
    }

    private static Path sources()
    {
        return Path.of("src", "main", "java", "io", "pageowner", "analysis");
    }
}
