package io.pageowner.analysis;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every case of {@code golden/growth-cases.txt}: {@code diff}, {@code top} and the age filters of
 * {@code sort} on golden inputs, compared with outputs checked by hand.
 */
class GrowthGoldenTest
{
    @TestFactory
    Stream<DynamicTest> shouldMatchGoldenOutputs() throws IOException, URISyntaxException
    {
        final Path golden = GoldenTest.goldenDirectory();
        final List<DynamicTest> tests = new ArrayList<>();
        for (final String line : Files.readAllLines(golden.resolve("growth-cases.txt"), StandardCharsets.UTF_8))
        {
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final String[] fields = line.split("\\|", -1);
            final String name = fields[0].trim();
            final String command = fields[1].trim();
            final int exit = Integer.parseInt(fields[2].trim());
            final List<String> args = new ArrayList<>();
            for (final String arg : fields[3].trim().split(" +"))
            {
                args.add(arg.startsWith("@") ? golden.resolve("input").resolve(arg.substring(1)).toString() : arg);
            }
            tests.add(DynamicTest.dynamicTest(name, () -> runCase(golden, name, command, exit, args)));
        }
        return tests.stream();
    }

    private static void runCase(
        final Path golden, final String name, final String command, final int exit, final List<String> args)
        throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final String[] argv = args.toArray(new String[0]);
        final InputStream stdin = System.in;
        final int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.ISO_8859_1);
            PrintStream e = new PrintStream(err, true, StandardCharsets.ISO_8859_1))
        {
            System.setIn(new ByteArrayInputStream(new byte[0]));
            switch (command)
            {
                case "diff":
                    status = PageOwnerDiff.run(argv, o, e);
                    break;
                case "top":
                    status = PageOwnerTop.run(argv, o, e);
                    break;
                default:
                    status = PageOwnerSort.run(argv, o, e);
                    break;
            }
        }
        finally
        {
            System.setIn(stdin);
        }
        final String input = golden.resolve("input").toString();
        final String actual = out.toString(StandardCharsets.ISO_8859_1).replace(input, "input");
        final String stderr = err.toString(StandardCharsets.ISO_8859_1).replace(input, "input");
        assertEquals(exit, status, () -> name + ": exit status\nstderr:\n" + stderr + "\nstdout:\n" + actual);
        final Path expectedOut = golden.resolve("expected").resolve(name + ".out");
        final Path expectedErr = golden.resolve("expected").resolve(name + ".err");
        if (Boolean.getBoolean("golden.write"))
        {
            if (exit == 0)
            {
                Files.writeString(expectedOut, actual, StandardCharsets.ISO_8859_1);
            }
            else
            {
                Files.writeString(expectedErr, stderr.lines().findFirst().orElse("") + "\n",
                    StandardCharsets.ISO_8859_1);
            }
        }
        if (exit == 0)
        {
            assertEquals(Files.readString(expectedOut, StandardCharsets.ISO_8859_1), actual, name);
        }
        else
        {
            assertEquals("", actual, name + ": nothing on stdout");
            for (final String line : Files.readAllLines(expectedErr, StandardCharsets.ISO_8859_1))
            {
                assertTrue(stderr.contains(line), () -> name + ": stderr lacks '" + line + "':\n" + stderr);
            }
        }
    }
}
