package io.pageowner.it;

import io.pageowner.it.apps.NettyPoolProbe;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's {@code PooledByteBufAllocator} end to end, on Netty 4.1, 4.2 and a shaded copy of 4.1 (package
 * {@code io.grpc.netty.shaded.io.netty}, as gRPC ships it): each kept buffer is one {@code POOLED} record owned by
 * the method that acquired it, with its stack starting there (Netty's frames left out); buffers acquired and
 * released leave nothing; a buffer collected by the GC without release stays, owned by its acquirer; after the
 * kept ones are released none is left; a buffer acquired 100 frames deep has the acquiring method as the first
 * of its 16 frames, and a direct buffer made there has it in its stack; the pooled bytes equal Netty's own figure
 * of the bytes its live buffers pin ({@code pinnedDirectMemory}); the chunks are marked {@code POOL_CHUNK} and
 * their bytes equal Netty's {@code usedDirectMemory}. In sampled mode the per-kind totals stay exact. Netty 4.2's
 * {@code AdaptiveByteBufAllocator} is checked the same way, but for {@code pinnedDirectMemory}, which it lacks.
 */
class NettyPoolIT
{
    private static final int KEPT = 40;
    private static final int CHURNED = 3000;
    private static final int SIZE = 1000;

    @Test
    void shouldOwnNetty41PooledBuffersByTheirAcquirer() throws Exception
    {
        check("netty41", "pageowner.it.netty41", "-");
    }

    @Test
    void shouldOwnNetty42PooledBuffersByTheirAcquirer() throws Exception
    {
        check("netty42", "pageowner.it.netty42", "-");
    }

    @Test
    void shouldMatchAShadedNettyCopy() throws Exception
    {
        check("netty-shaded", "pageowner.it.nettyShaded", "io.grpc.netty.shaded.");
    }

    @Test
    void shouldOwnNetty42AdaptiveBuffersByTheirAcquirer() throws Exception
    {
        check("netty42-adaptive", "pageowner.it.netty42", "-", "adaptive");
    }

    @Test
    void shouldOwnPooledBuffersAlikeWhenNettysWovenClassesComeFromTheCache() throws Exception
    {
        // NOTE: a cache of its own: the first start weaves Netty's classes and the agent's thread writes them at
        // once; the second takes them from the cache, with their effects (the stack capture leaves Netty's frames
        // out), and loads no Byte Buddy. Whichever way a start gets them, what it records must be the same.
        final String options = "on,cache=" + fresh(ForkedJvm.workDir().resolve("netty-cache"));
        check("netty42-cold", "pageowner.it.netty42", "-", "adaptive", options);
        check("netty42-warm", "pageowner.it.netty42", "-", "adaptive", options);
    }

    @Test
    void shouldKeepExactPooledTotalsInSampledMode() throws Exception
    {
        final ForkedJvm.Probed run = probe("netty-sampled", "on,sample=64k", "pageowner.it.netty41", "-", "pooled");
        final Dump dump = run.dump();
        final Truth truth = run.truth();
        final long[] pinned = truth.longs("PINNED");
        final List<Dump.Record> pooled = dump.records().stream().filter(r -> r.hasKind("POOLED"))
            .collect(Collectors.toList());
        assertTrue(pooled.size() <= KEPT + 2, "only sampled buffers have records: " + pooled);
        for (final Dump.Record record : pooled)
        {
            assertTrue(record.flags.containsKey("weight"), record.toString());
            assertFalse(record.hasFrame("NettyPoolProbe.churnBuffers("), record.toString());
        }
        assertEquals("records " + (KEPT + 2) + ", bytes " + pinned[0], dump.trailer("kind POOLED:"),
            "exact for every live pooled buffer, sampled or not");
        assertEquals(Long.toString(pinned[0]), truth.value("MBEAN_KINDS"));
        final Dump after = Dump.parse(Path.of(run.dumpFile() + ".after"));
        assertEquals("records 1, bytes " + pinned[1], after.trailer("kind POOLED:"));
    }

    private static ForkedJvm.Probed probe(
        final String name, final String options, final String classPath, final String prefix, final String pool)
        throws Exception
    {
        return ForkedJvm.main(NettyPoolProbe.class)
            .agent(options)
            .classPathFrom(classPath)
            .jvmArgs("-Dio.netty.leakDetection.level=disabled")
            .runProbe(name, prefix, Integer.toString(KEPT), Integer.toString(CHURNED), Integer.toString(SIZE), pool);
    }

    private static void check(final String name, final String classPath, final String prefix) throws Exception
    {
        check(name, classPath, prefix, "pooled");
    }

    private static void check(final String name, final String classPath, final String prefix, final String pool)
        throws Exception
    {
        check(name, classPath, prefix, pool, "on");
    }

    private static Path fresh(final Path dir) throws IOException
    {
        if (Files.exists(dir))
        {
            try (Stream<Path> paths = Files.walk(dir))
            {
                for (final Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList()))
                {
                    Files.delete(path);
                }
            }
        }
        return dir;
    }

    private static void check(
        final String name, final String classPath, final String prefix, final String pool, final String options)
        throws Exception
    {
        final boolean adaptive = "adaptive".equals(pool);
        final ForkedJvm.Probed run = probe(name, options, classPath, prefix, pool);
        final Dump dump = run.dump();
        final Truth truth = run.truth();
        assertFalse(run.result().stderr().contains("[page-owner]"), run.result().stderr());

        final List<Dump.Record> pooled = dump.records().stream().filter(r -> r.hasKind("POOLED"))
            .collect(Collectors.toList());
        final String keep = "NettyPoolProbe.keepBuffers(";
        final List<Dump.Record> kept = dump.having("POOLED", keep);
        assertEquals(KEPT, kept.size(), "one POOLED record per kept buffer: " + pooled);
        final Set<Long> keptAddresses = new HashSet<>();
        for (final String[] line : truth.all("KEPT"))
        {
            final long address = Long.parseLong(line[0]);
            keptAddresses.add(address);
            final Dump.Record record = pooledAt(pooled, address);
            assertNotNull(record, "no POOLED record at a kept buffer's address " + address);
            assertEquals("POOLED", record.kinds, record.toString());
            assertEquals(0x40, record.mask, record.toString());
            assertEquals(Long.parseLong(line[1]), record.bytes, "the buffer's share of its chunk: " + record);
            assertTrue(record.bytes >= SIZE && record.bytes <= SIZE + SIZE / 4, "a size class of " + SIZE + ": " +
                record);
            assertTrue(record.frames.get(0).startsWith("io.pageowner.it.apps." + keep), "the stack starts at the " +
                "acquirer, Netty's frames left out: " + record);
            assertTrue(record.hasFrame("NettyPoolProbe.main("), record.toString());
        }
        assertEquals(KEPT, keptAddresses.size());
        assertEquals(0, dump.having("POOLED", "NettyPoolProbe.churnBuffers(").size(), "released buffers own nothing");

        final long leaked = truth.longs("LEAKED")[0];
        final Dump.Record leak = pooledAt(pooled, leaked);
        assertNotNull(leak, "a buffer collected without release stays: " + pooled);
        assertTrue(leak.frames.get(0).startsWith("io.pageowner.it.apps.NettyPoolProbe.leakBuffer("), leak.toString());
        final Dump.Record unpooled = dump.at(truth.longs("UNPOOLED")[0]);
        assertNotNull(unpooled, "Netty's unpooled buffer keeps its own record");
        assertFalse(unpooled.hasKind("POOLED") || unpooled.hasKind("POOL_CHUNK"), unpooled.toString());
        assertTrue(unpooled.hasFrame("NettyPoolProbe.keepUnpooled("), "its stack reaches the application: " + unpooled);
        final Dump.Record deep = pooledAt(pooled, truth.longs("DEEP")[0]);
        assertNotNull(deep, "the buffer acquired 100 frames deep: " + pooled);
        assertTrue(deep.frames.get(0).startsWith("io.pageowner.it.apps.NettyPoolProbe.deepAcquire("), deep.toString());
        assertEquals(16, deep.frames.size(), "the default depth, all of it the application's: " + deep);
        final Dump.Record deepDirect = dump.at(truth.longs("DEEP_DIRECT")[0]);
        assertNotNull(deepDirect, "the direct buffer allocated 100 frames deep");
        assertTrue(deepDirect.hasFrame("NettyPoolProbe.deepAcquire("), "with the default depth, the acquiring " +
            "method is in the stack of a direct buffer made 100 frames deep: " + deepDirect);
        assertEquals(KEPT + 2, pooled.size(), "kept, leaked and the deep one, nothing else: " + pooled);

        final long[] pinned = truth.longs("PINNED");
        final long pooledBytes = pooled.stream().mapToLong(r -> r.bytes).sum();
        if (!adaptive)
        {
            assertEquals(pinned[0], pooledBytes, "POOLED bytes vs Netty's pinnedDirectMemory()");
        }
        assertEquals("records " + (KEPT + 2) + ", bytes " + pooledBytes, dump.trailer("kind POOLED:"));
        assertEquals(Long.toString(pooledBytes), truth.value("MBEAN_KINDS"), "the MBean's LiveBytesByKind POOLED");
        assertTrue(dump.trailer("pooled:").startsWith((KEPT + 2) + " buffers in use, bytes " + pooledBytes),
            dump.trailer("pooled:"));

        final List<Dump.Record> chunks = dump.records().stream().filter(r -> r.hasKind("POOL_CHUNK"))
            .collect(Collectors.toList());
        final long chunkBytes = chunks.stream().mapToLong(r -> r.bytes).sum();
        assertEquals(truth.longs("USED")[0], chunkBytes, "POOL_CHUNK bytes vs Netty's usedDirectMemory(): " + chunks);
        assertFalse(chunks.isEmpty());
        assertEquals("records " + chunks.size() + ", bytes " + chunkBytes, dump.trailer("kind POOL_CHUNK:"));
        for (final Dump.Record chunk : chunks)
        {
            assertEquals("chunk", chunk.flags.get("pool"), chunk.toString());
            assertFalse(chunk.hasKind("POOLED"), chunk.toString());
        }
        for (final Dump.Record buffer : pooled)
        {
            assertTrue(chunks.stream().anyMatch(c -> c.address <= buffer.address &&
                buffer.address + buffer.bytes <= c.address + c.bytes), "a pooled buffer lies inside a chunk: " +
                buffer);
        }
        if (adaptive)
        {
            final Dump after = Dump.parse(Path.of(run.dumpFile() + ".after"));
            assertEquals("records 1, bytes " + leak.bytes, after.trailer("kind POOLED:"), "only the leak is left");
            return;
        }

        final Dump after = Dump.parse(Path.of(run.dumpFile() + ".after"));
        final List<Dump.Record> left = after.records().stream().filter(r -> r.hasKind("POOLED"))
            .collect(Collectors.toList());
        assertEquals(1, left.size(), "only the leaked buffer is left once the kept ones are released: " + left);
        assertEquals(leaked, left.get(0).address);
        assertEquals(pinned[1], left.get(0).bytes, "POOLED bytes vs Netty's pinnedDirectMemory() after release");
    }

    private static Dump.Record pooledAt(final List<Dump.Record> pooled, final long address)
    {
        for (final Dump.Record record : pooled)
        {
            if (record.address == address)
            {
                return record;
            }
        }
        return null;
    }
}
