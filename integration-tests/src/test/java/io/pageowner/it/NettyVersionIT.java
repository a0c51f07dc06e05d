package io.pageowner.it;

import io.pageowner.it.apps.OddNettyProbe;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A class named like Netty's pooled buffer (a shaded name) whose fields and methods differ from the versions
 * page-owner knows is named in a warning, with what it lacks, and left alone: the application runs and nothing is
 * half tracked.
 */
class NettyVersionIT
{
    @Test
    void shouldNameAnUnknownNettyVersionAndLeaveItAlone() throws Exception
    {
        // NOTE: twice over a cache of its own: a later start takes the class's verdict from the cache, where the
        // first start's weaving left it, and names it alike.
        final Path cache = ForkedJvm.workDir().resolve("netty-version-cache-" + System.nanoTime());
        for (int start = 0; start < 2; start++)
        {
            final ForkedJvm.Result result =
                ForkedJvm.main(OddNettyProbe.class).agent("on,cache=" + cache).run().assertSuccess();
            assertTrue(
                result.stderr().contains("[page-owner] pool Netty PooledByteBuf: fake.io.netty.buffer.PooledByteBuf"),
                result.stderr());
            assertTrue(result.stderr().contains("lacks field int maxLength, method init(7 or 8 arguments), " +
                "method init0(7 or 9 arguments)"), result.stderr());
            assertTrue(result.stderr().contains("its buffers are not tracked"), result.stderr());
            assertTrue(result.stdout().contains("USED"), result.stdout());
            assertTrue(result.stdout().contains("POOLED 0"), result.stdout());
        }
    }
}
