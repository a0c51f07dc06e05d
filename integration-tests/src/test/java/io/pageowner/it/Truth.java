package io.pageowner.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ground truth a scenario main wrote: lines of a key and space-separated values.
 */
public final class Truth
{
    private final List<String> lines;

    private Truth(final List<String> lines)
    {
        this.lines = lines;
    }

    /**
     * Reads a ground-truth file.
     *
     * @param file to read.
     * @return its lines.
     * @throws IOException if it cannot be read.
     */
    public static Truth read(final Path file) throws IOException
    {
        return new Truth(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /**
     * The values of the first line with a key.
     *
     * @param key the line's first word.
     * @return the rest of the line.
     */
    public String value(final String key)
    {
        for (final String line : lines)
        {
            if (line.startsWith(key + " "))
            {
                return line.substring(key.length() + 1);
            }
        }
        throw new AssertionError("no " + key + " in the ground truth " + lines);
    }

    /**
     * The values of a line as numbers.
     *
     * @param key the line's first word.
     * @return its values.
     */
    public long[] longs(final String key)
    {
        final String[] fields = value(key).split(" ");
        final long[] result = new long[fields.length];
        for (int i = 0; i < fields.length; i++)
        {
            result[i] = Long.parseLong(fields[i]);
        }
        return result;
    }

    /**
     * Every line with a key, split into its values.
     *
     * @param key the lines' first word.
     * @return the values of each line.
     */
    public List<String[]> all(final String key)
    {
        final List<String[]> result = new ArrayList<>();
        for (final String line : lines)
        {
            if (line.startsWith(key + " "))
            {
                result.add(line.substring(key.length() + 1).split(" "));
            }
        }
        return result;
    }
}
