package io.pageowner.bench.peer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@link PeerProbe} and {@link RatioProbe} share: forking {@link PeerLoop} and reading one of the figures it
 * prints, and the host's load average for the tables' headers.
 */
final class LoopFork
{
    private LoopFork()
    {
    }

    /**
     * Runs one fork to its end.
     *
     * @param command the fork's command line.
     * @return everything it printed.
     * @throws IOException          if it cannot be started or read.
     * @throws InterruptedException if interrupted while waiting.
     */
    static String run(final List<String> command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final byte[] out;
        try (InputStream in = process.getInputStream())
        {
            out = in.readAllBytes();
        }
        final String text = new String(out, StandardCharsets.UTF_8);
        if (!process.waitFor(300, TimeUnit.SECONDS) || 0 != process.exitValue())
        {
            throw new IllegalStateException("failed: " + command + "\n" + text);
        }
        return text;
    }

    /**
     * One figure of a fork's output.
     *
     * @param text what the fork printed.
     * @param tag  the figure's line, e.g. {@code LOOP} or {@code MIN}.
     * @return its value.
     */
    static double figure(final String text, final String tag)
    {
        final int at = text.indexOf(tag + " ");
        if (at < 0)
        {
            throw new IllegalStateException("no " + tag + " line in:\n" + text);
        }
        return Double.parseDouble(text.substring(at + tag.length() + 1, text.indexOf('\n', at)).trim());
    }

    /**
     * The host's load average.
     *
     * @return its three figures, or {@code unknown}.
     */
    static String loadAverage()
    {
        try
        {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
    }
}
