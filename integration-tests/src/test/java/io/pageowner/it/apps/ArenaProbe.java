package io.pageowner.it.apps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * FFM native memory (JDK 22+) from known call sites, one per arena type: in each, one arena is
 * closed (confined, shared) or dropped (auto) and one is kept; the global arena never frees. Plus
 * an allocation with a page alignment, which mallocs more than it is asked for. Ground truth:
 * {@code SITE <method> <live> <bytes>}, {@code ALIGNED <segment address>}, {@code TRACKED <records>
 * <bytes>}, {@code SUPPRESSED <n>}.
 * <p>
 * Arguments: the dump path, the ground-truth path.
 */
public final class ArenaProbe
{
    private static final List<String> TRUTH = new ArrayList<>();
    private static final List<Object> REACHABLE = new ArrayList<>();

    private ArenaProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args dump path, ground-truth path.
     * @throws Throwable on failure.
     */
    public static void main(final String[] args) throws Throwable
    {
        final Path dump = Path.of(args[0]);
        final Path truth = Path.of(args[1]);
        ProbeSupport.awaitMBean();

        allocateInConfinedArenas();
        TRUTH.add("SITE allocateInConfinedArenas 2 1000");
        allocateInSharedArenas();
        TRUTH.add("SITE allocateInSharedArenas 2 2000");
        // NOTE: only auto arenas reserve direct memory (JDK 22+), so the direct pool shows their frees.
        final long before = ProbeSupport.pool("direct").getCount();
        allocateInAutoArenas();
        ProbeSupport.awaitPoolCount("direct", before + 2);
        TRUTH.add("SITE allocateInAutoArenas 2 3000");
        allocateInGlobalArena();
        TRUTH.add("SITE allocateInGlobalArena 2 4000");
        TRUTH.add("ALIGNED " + allocatePageAligned());

        final Map<String, Object> records = ProbeSupport.mapAttribute("LiveAllocationsByKind");
        final Map<String, Object> bytes = ProbeSupport.mapAttribute("LiveBytesByKind");
        TRUTH.add("TRACKED " + records.get("ARENA") + " " + bytes.get("ARENA"));
        TRUTH.add("SUMMARY " + ProbeSupport.dump(dump));
        TRUTH.add("SUPPRESSED " + ProbeSupport.attribute("SuppressedErrors"));
        ProbeSupport.write(truth, TRUTH);
        System.out.println("reachable " + REACHABLE.size());
    }

    static void allocateInConfinedArenas() throws Throwable
    {
        closeOneKeepOne("confined", 1000);
    }

    static void allocateInSharedArenas() throws Throwable
    {
        closeOneKeepOne("shared", 2000);
    }

    static void allocateInAutoArenas() throws Throwable
    {
        closeOneKeepOne("auto", 3000);
    }

    static void allocateInGlobalArena() throws Throwable
    {
        final Object global = Ffm.arena("global");
        Ffm.allocate(global, 4000, 8);
        Ffm.allocate(global, 4000, 8);
    }

    static long allocatePageAligned() throws Throwable
    {
        final Object arena = Ffm.arena("confined");
        REACHABLE.add(arena);
        return Ffm.allocate(arena, 100, 4096);
    }

    /**
     * Three allocations in an arena that is closed (or, for auto, dropped), two in one that is kept.
     */
    private static void closeOneKeepOne(final String kind, final long bytes) throws Throwable
    {
        final Object gone = Ffm.arena(kind);
        for (int i = 0; i < 3; i++)
        {
            Ffm.allocate(gone, bytes, 8);
        }
        if (!"auto".equals(kind))
        {
            Ffm.close(gone);
        }
        final Object kept = Ffm.arena(kind);
        REACHABLE.add(kept);
        Ffm.allocate(kept, bytes, 8);
        Ffm.allocate(kept, bytes, 8);
    }
}
