package io.pageowner.analysis.bench;

import io.pageowner.analysis.PageOwnerSort;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times the sorter on a generated dump, for a later benchmark (not a JMH benchmark: one sort of a large file is
 * long enough to time directly; the first run includes JIT warm-up and is reported apart).
 * <p>
 * {@code java -cp <classes>:<test-classes> io.pageowner.analysis.bench.SortBench <megabytes|dump file> [runs]
 * [sort options...]}, e.g. {@code SortBench 1024 3 --cull=st}. A number generates a dump of that many MB (3000
 * stacks, seed 42) in the temporary directory and deletes it afterwards; a path sorts that file.
 */
public final class SortBench
{
    private SortBench()
    {
    }

    /**
     * Run the benchmark.
     *
     * @param args size in MB or a dump file, optional number of runs (default 3), then sort options.
     * @throws IOException if the dump cannot be written.
     */
    public static void main(final String[] args) throws IOException
    {
        if (args.length < 1)
        {
            System.err.println("usage: SortBench <megabytes|dump file> [runs] [sort options...]");
            System.exit(1);
        }
        final boolean generate = args[0].matches("\\d+");
        final int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        final List<String> options = args.length > 2 ? Arrays.asList(args).subList(2, args.length) : List.of();

        final Path dump = generate ? Files.createTempFile("page-owner-bench-", ".txt") : Paths.get(args[0]);
        final Path output = Files.createTempFile("page-owner-bench-", ".out");
        try
        {
            if (generate)
            {
                final long start = System.nanoTime();
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dump), 1 << 20))
                {
                    new DumpGenerator(42, 3000, 40).write(out, Long.parseLong(args[0]) << 20);
                }
                System.out.printf(Locale.ROOT, "generated %s (%d MB) in %.1f s%n",
                    dump, Files.size(dump) >> 20, (System.nanoTime() - start) / 1e9);
            }
            final double megabytes = Files.size(dump) / (double)(1 << 20);
            final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            for (int run = 0; run < runs; run++)
            {
                final List<String> sortArgs = new ArrayList<>(options);
                sortArgs.add(dump.toString());
                sortArgs.add(output.toString());
                System.gc();
                final long start = System.nanoTime();
                final int exit = PageOwnerSort.run(sortArgs.toArray(new String[0]), quiet, System.err);
                final double seconds = (System.nanoTime() - start) / 1e9;
                final Runtime runtime = Runtime.getRuntime();
                System.out.printf(Locale.ROOT, "run %d%s: exit %d, %.2f s, %.0f MB/s, heap used %d MB of %d MB%n",
                    run + 1, run == 0 ? " (cold)" : "", exit, seconds, megabytes / seconds,
                    (runtime.totalMemory() - runtime.freeMemory()) >> 20, runtime.maxMemory() >> 20);
            }
        }
        finally
        {
            Files.deleteIfExists(output);
            if (generate)
            {
                Files.deleteIfExists(dump);
            }
        }
    }
}
