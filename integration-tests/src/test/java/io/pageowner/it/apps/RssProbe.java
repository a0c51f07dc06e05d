package io.pageowner.it.apps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Grows its resident memory past the agent's {@code rss_dump} threshold, then by less than a step, then
 * by more, writing page-touched Unsafe blocks, and counts the dumps the agent writes into the folder at
 * each stage.
 * <p>
 * Arguments: the dumps' folder, ground-truth path, threshold MiB, step MiB.
 */
public final class RssProbe
{
    private static final long MIB = 1 << 20;
    private static final long CHUNK = 16 * MIB;
    private static final List<Long> KEPT = new ArrayList<>();

    private RssProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args the dumps' folder, ground-truth path, threshold MiB, step MiB.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args[0]);
        final long threshold = Long.parseLong(args[2]) * MIB;
        final long step = Long.parseLong(args[3]) * MIB;
        final List<String> truth = new ArrayList<>();
        truth.add("BASELINE " + rss());
        Thread.sleep(1000);
        truth.add("BEFORE " + dumps(dir));

        grow(threshold + 20 * MIB);
        truth.add("FIRST " + awaitDumps(dir, 1) + " " + rss());

        grow(threshold + step / 2);
        Thread.sleep(1500);
        truth.add("WITHIN_STEP " + dumps(dir) + " " + rss());

        grow(threshold + step + 120 * MIB);
        truth.add("SECOND " + awaitDumps(dir, 2) + " " + rss());
        truth.add("CHUNKS " + KEPT.size());
        Files.write(Path.of(args[1]), truth, StandardCharsets.UTF_8);
    }

    static void grow(final long rss) throws IOException
    {
        while (rss() < rss)
        {
            keepTouched();
        }
    }

    private static void keepTouched()
    {
        final long address = ProbeSupport.UNSAFE.allocateMemory(CHUNK);
        // NOTE: malloc'ed memory is resident only once written.
        ProbeSupport.UNSAFE.setMemory(address, CHUNK, (byte)1);
        KEPT.add(address);
    }

    private static long awaitDumps(final Path dir, final long count) throws Exception
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        long seen = dumps(dir);
        while (seen < count && System.nanoTime() < deadline)
        {
            Thread.sleep(50);
            seen = dumps(dir);
        }
        return seen;
    }

    private static long dumps(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(f -> f.getFileName().toString().startsWith("rss-")).count();
        }
    }

    private static long rss() throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("VmRSS:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
