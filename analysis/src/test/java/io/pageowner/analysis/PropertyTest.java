package io.pageowner.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pageowner.analysis.bench.DumpGenerator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Properties that must hold for any dump, checked over many seeded random dumps.
 */
class PropertyTest
{
    private static final int SEEDS = 12;
    private static final String[] KINDS = { "UNSAFE", "DIRECT", "MAPPED", "ARENA", "REALLOC" };
    private static final Pattern COUNTS = Pattern.compile("(?m)^(\\d+) times, (\\d+) pages(?:, (\\d+) bytes)?");

    /**
     * Option sets whose output shows only fields that define the group, so it cannot depend on which record of
     * a group came first.
     */
    private static final String[][] OPTION_SETS =
    {
        {}, { "-m" }, { "-s" }, { "-n" }, { "-p" }, { "-P" }, { "-a" }, { "-b" }, { "--cull=st" },
        { "--cull=pid,name" }, { "--cull=kind,frame", "-b" }, { "--sort=-bytes,tg,T" }, { "--cull=st,tgid", "-m" },
        { "--format", "collapsed" }, { "--format=collapsed", "--cull=name", "--weight=times" },
        { "--kind=direct,arena", "--cull=st" }, { "--sort=at,n" }, { "--sort=-st,pages" },
    };

    @TempDir
    Path dir;

    private Path write(final String name, final List<DumpGenerator.Rec> records, final String trailer)
        throws IOException
    {
        final StringBuilder text = new StringBuilder();
        for (final DumpGenerator.Rec record : records)
        {
            text.append(record.text());
        }
        text.append(trailer);
        final Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.ISO_8859_1);
        return file;
    }

    private String sort(final Path input, final String... options) throws IOException
    {
        final Path output = dir.resolve("out-" + System.nanoTime() + ".txt");
        final List<String> args = new ArrayList<>(Arrays.asList(options));
        args.add(input.toString());
        args.add(output.toString());
        final GoldenTest.Result result = GoldenTest.Result.run(args.toArray(new String[0]));
        assertEquals(0, result.exit, () -> args + ": " + result.err);
        final String text = Files.readString(output, StandardCharsets.ISO_8859_1);
        Files.delete(output);
        return text;
    }

    private static long[] sums(final String output)
    {
        final long[] sums = new long[4];
        final Matcher m = COUNTS.matcher(output);
        while (m.find())
        {
            sums[0] += Long.parseLong(m.group(1));
            sums[1] += Long.parseLong(m.group(2));
            if (null != m.group(3))
            {
                sums[2] += Long.parseLong(m.group(3));
            }
            sums[3]++;
        }
        return sums;
    }

    @Test
    void shouldGiveTheSameGroupsForAShuffledDump() throws IOException
    {
        for (int seed = 0; seed < SEEDS; seed++)
        {
            final DumpGenerator generator = new DumpGenerator(seed, 40, 8);
            final List<DumpGenerator.Rec> records = generator.records(300);
            final List<DumpGenerator.Rec> shuffled = new ArrayList<>(records);
            Collections.shuffle(shuffled, new Random(seed));
            final Path original = write("a.txt", records, generator.trailer());
            final Path mixed = write("b.txt", shuffled, generator.trailer());
            for (final String[] options : OPTION_SETS)
            {
                assertEquals(sort(original, options), sort(mixed, options), "seed " + seed + " " + List.of(options));
            }
        }
    }

    @Test
    void shouldConserveTimesPagesAndBytes() throws IOException
    {
        for (int seed = 0; seed < SEEDS; seed++)
        {
            final DumpGenerator generator = new DumpGenerator(100 + seed, 30, 6);
            final List<DumpGenerator.Rec> records = generator.records(250);
            final Path input = write("in.txt", records, generator.trailer());
            long pages = 0;
            long bytes = 0;
            for (final DumpGenerator.Rec record : records)
            {
                pages += 1L << record.order();
                bytes += record.bytes();
            }
            for (final String[] options : new String[][]{ { "--show-bytes" }, { "-b", "--cull=st" },
                { "--show-bytes", "--cull=pid" }, { "--show-bytes", "--cull=kind,frame" }, { "--show-bytes", "-a" },
                { "--show-bytes", "--cull=p,tg,n,st,ator,mod,kind,frame" } })
            {
                final long[] sums = sums(sort(input, options));
                assertEquals(records.size(), sums[0], "times, seed " + seed + " " + List.of(options));
                assertEquals(pages, sums[1], "pages, seed " + seed + " " + List.of(options));
                assertEquals(bytes, sums[2], "bytes, seed " + seed + " " + List.of(options));
            }
            final long[] pageWeights = collapsedSum(sort(input, "--format=collapsed", "--weight=pages"));
            assertEquals(pages, pageWeights[0]);
            assertEquals(bytes, collapsedSum(sort(input, "--format=collapsed"))[0]);
            assertEquals(records.size(), collapsedSum(sort(input, "--format=collapsed", "--weight=times"))[0]);
        }
    }

    private static long[] collapsedSum(final String output)
    {
        long sum = 0;
        long lines = 0;
        for (final String line : output.split("\n"))
        {
            if (!line.isEmpty())
            {
                sum += Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
                lines++;
            }
        }
        return new long[]{ sum, lines };
    }

    @Test
    void shouldComposeFiltersAsAnd() throws IOException
    {
        final Random random = new Random(7);
        for (int seed = 0; seed < SEEDS; seed++)
        {
            final DumpGenerator generator = new DumpGenerator(200 + seed, 30, 10);
            final List<DumpGenerator.Rec> records = generator.records(300);
            final Path input = write("in.txt", records, generator.trailer());

            final Set<Integer> pids = new HashSet<>();
            final Set<String> names = new HashSet<>();
            for (final DumpGenerator.Rec record : records)
            {
                if (random.nextBoolean())
                {
                    pids.add(record.threadId());
                }
                if (random.nextBoolean())
                {
                    names.add(record.threadName());
                }
            }
            pids.add(99999);
            names.add("nobody");
            final Set<Integer> kinds = new HashSet<>();
            kinds.add(random.nextInt(KINDS.length));
            kinds.add(random.nextInt(KINDS.length));

            final String pidList = join(pids);
            final String nameList = String.join(",", names);
            final StringBuilder kindList = new StringBuilder();
            for (final int kind : kinds)
            {
                kindList.append(kindList.length() == 0 ? "" : ",").append(KINDS[kind].toLowerCase());
            }

            long expected = 0;
            long expectedPid = 0;
            for (final DumpGenerator.Rec record : records)
            {
                final boolean pid = pids.contains(record.threadId());
                final boolean name = names.contains(record.threadName());
                final boolean kind = kinds.contains(record.kind()) || (record.kind() == 4 && kinds.contains(0));
                expected += pid && name && kind ? 1 : 0;
                expectedPid += pid ? 1 : 0;
            }

            final String all = sort(input, "--pid=" + pidList, "--name=" + nameList, "--kind=" + kindList, "--cull=st");
            final String reordered = sort(input, "--kind=" + kindList, "--name=" + nameList, "--pid=" + pidList,
                "--cull=st");
            assertEquals(expected, sums(all)[0], "seed " + seed);
            assertEquals(all, reordered, "the order of filters does not matter");
            assertEquals(expectedPid, sums(sort(input, "--pid=" + pidList))[0]);
        }
    }

    @Test
    void shouldGroupByStackAsAModelDoes() throws IOException
    {
        for (int seed = 0; seed < SEEDS; seed++)
        {
            final DumpGenerator generator = new DumpGenerator(300 + seed, 25, 5);
            final List<DumpGenerator.Rec> records = generator.records(200);
            final Path input = write("in.txt", records, generator.trailer());
            final Map<Integer, long[]> byStack = new HashMap<>();
            for (final DumpGenerator.Rec record : records)
            {
                final long[] counts = byStack.computeIfAbsent(record.stack(), k -> new long[2]);
                counts[0]++;
                counts[1] += 1L << record.order();
            }
            final String output = sort(input, "--cull=st");
            assertEquals(byStack.size(), sums(output)[3], "one group per distinct stack, seed " + seed);

            final List<Long> modelTimes = new ArrayList<>();
            for (final long[] counts : byStack.values())
            {
                modelTimes.add(counts[0]);
            }
            modelTimes.sort(Collections.reverseOrder());
            final List<Long> times = new ArrayList<>();
            final Matcher m = COUNTS.matcher(output);
            while (m.find())
            {
                times.add(Long.parseLong(m.group(1)));
            }
            assertEquals(modelTimes, times, "sorted by times, descending");
        }
    }

    @Test
    void shouldAddCountsOfConcatenatedDumps() throws IOException
    {
        for (int seed = 0; seed < SEEDS; seed++)
        {
            final DumpGenerator generator = new DumpGenerator(400 + seed, 20, 4);
            final List<DumpGenerator.Rec> first = generator.records(150);
            final List<DumpGenerator.Rec> second = generator.records(150);
            final List<DumpGenerator.Rec> both = new ArrayList<>(first);
            both.addAll(second);
            final Map<String, Long> a = timesByGroup(sort(write("a.txt", first, ""), "--cull=st,pid"));
            final Map<String, Long> b = timesByGroup(sort(write("b.txt", second, ""), "--cull=st,pid"));
            final Map<String, Long> ab = timesByGroup(sort(write("ab.txt", both, ""), "--cull=st,pid"));
            final Map<String, Long> merged = new HashMap<>(a);
            b.forEach((k, v) -> merged.merge(k, v, Long::sum));
            assertEquals(merged, ab, "seed " + seed);
        }
    }

    private static Map<String, Long> timesByGroup(final String output)
    {
        final Map<String, Long> times = new HashMap<>();
        for (final String block : output.split("\n\n"))
        {
            if (!block.isEmpty())
            {
                final int comma = block.indexOf(" times, ");
                final String key = block.substring(block.indexOf(", PID"));
                assertTrue(comma > 0);
                times.put(key, Long.parseLong(block.substring(0, comma)));
            }
        }
        return times;
    }

    private static String join(final Set<Integer> values)
    {
        final StringBuilder text = new StringBuilder();
        for (final int value : values)
        {
            text.append(text.length() == 0 ? "" : ",").append(value);
        }
        return text.toString();
    }
}
