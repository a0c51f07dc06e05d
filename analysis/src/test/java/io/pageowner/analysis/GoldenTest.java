package io.pageowner.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every case of {@code golden/cases.txt}: the sorter on a golden input with the case's options, compared with
 * the expected output (written by the kernel's {@code page_owner_sort} where it has a defined output).
 */
class GoldenTest
{
    @TestFactory
    Stream<DynamicTest> shouldMatchGoldenOutputs() throws IOException, URISyntaxException
    {
        final Path golden = goldenDirectory();
        final List<DynamicTest> tests = new ArrayList<>();
        for (final String line : Files.readAllLines(golden.resolve("cases.txt"), StandardCharsets.UTF_8))
        {
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final String[] fields = line.split("\\|", -1);
            final String name = fields[0].trim();
            final String input = fields[1].trim();
            final String compare = fields[3].trim();
            final int exit = Integer.parseInt(fields[4].trim());
            final List<String> options = split(fields[5].trim());
            tests.add(DynamicTest.dynamicTest(name, () -> runCase(golden, name, input, compare, exit, options)));
        }
        return tests.stream();
    }

    static Path goldenDirectory() throws URISyntaxException
    {
        return Paths.get(GoldenTest.class.getResource("/golden/cases.txt").toURI()).getParent();
    }

    private static void runCase(
        final Path golden, final String name, final String input, final String compare, final int exit,
        final List<String> options) throws IOException
    {
        final Path directory = Files.createTempDirectory("golden-" + name);
        final Path output = directory.resolve("out.txt");
        final List<String> args = new ArrayList<>(options);
        args.add(golden.resolve("input").resolve(input).toString());
        args.add(output.toString());

        final Result result = Result.run(args.toArray(new String[0]));
        assertEquals(exit, result.exit, () -> "exit status of " + args + "\nstderr:\n" + result.err);

        final Path expected = golden.resolve("expected").resolve(name + ".out");
        if (exit == 0)
        {
            final String actual = Files.readString(output, StandardCharsets.ISO_8859_1);
            final String wanted = Files.readString(expected, StandardCharsets.ISO_8859_1);
            if ("blocks".equals(compare))
            {
                assertEquals(blocks(wanted), blocks(actual), name);
            }
            else
            {
                assertEquals(wanted, actual, name);
            }
        }
        else
        {
            assertFalse(Files.exists(output), "no output may be written on failure");
        }

        final Path expectedErr = golden.resolve("expected").resolve(name + ".err");
        if (Files.exists(expectedErr))
        {
            final String err = result.err.replace(golden.resolve("input").toString() + "/", "");
            for (final String line : Files.readAllLines(expectedErr, StandardCharsets.UTF_8))
            {
                assertTrue(err.contains(line), () -> "stderr lacks '" + line + "':\n" + err);
            }
        }
        try (Stream<Path> files = Files.list(directory))
        {
            assertEquals(exit == 0 ? 1 : 0, files.count(), "no temporary file may be left behind");
        }
    }

    /**
     * The groups of an output as a sorted list, for outputs whose tie order is not defined.
     */
    static List<String> blocks(final String output)
    {
        final String[] blocks = output.contains("\n\n") ? output.split("\n\n", -1) : output.split("\n", -1);
        Arrays.sort(blocks);
        return Arrays.asList(blocks);
    }

    /**
     * Split options at spaces; single quotes group an option that contains spaces.
     */
    static List<String> split(final String options)
    {
        final List<String> result = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < options.length(); i++)
        {
            final char c = options.charAt(i);
            if (c == '\'')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                {
                    result.add(current.toString());
                    current.setLength(0);
                    any = false;
                }
            }
            else
            {
                current.append(c);
                any = true;
            }
        }
        if (any)
        {
            result.add(current.toString());
        }
        return result;
    }

    /**
     * Exit status and captured streams of one in-process run.
     */
    static final class Result
    {
        final int exit;
        final String out;
        final String err;

        private Result(final int exit, final String out, final String err)
        {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        static Result run(final String... args)
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final int exit;
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8))
            {
                exit = PageOwnerSort.run(args, o, e);
            }
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }
}
