package io.pageowner.it;

import io.pageowner.it.apps.MetricsProbe;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Prometheus' jmx_exporter agent (the real jar, from Maven Central) beside page-owner's, with the rules file the
 * project ships ({@code metrics/jmx_exporter.yaml}): its {@code /metrics} page names page-owner's figures as the
 * README documents them, with the values the probe knows, before and after it frees its memory.
 */
class MetricsIT
{
    @Test
    void shouldExposeLiveMemoryPerKindUntrackedRssAndPoolsThroughJmxExporter() throws Exception
    {
        final Path exporter = Path.of(System.getProperty("pageowner.it.jmxExporter"));
        final Path rules = Path.of(System.getProperty("pageowner.it.jmxExporterRules"));
        assertTrue(Files.isRegularFile(exporter), exporter.toString());
        assertTrue(Files.isRegularFile(rules), rules.toString());
        final Path mapped = ForkedJvm.workDir().resolve("metrics-mapped.bin");

        ForkedJvm.Background probe = null;
        int port = 0;
        for (int attempt = 0; null == probe; attempt++)
        {
            // NOTE: a free port can be taken between closing it here and the exporter binding it: try another.
            try (ServerSocket socket = new ServerSocket(0))
            {
                port = socket.getLocalPort();
            }
            final ForkedJvm.Background started = ForkedJvm.main(MetricsProbe.class)
                .jvmArgs("-javaagent:" + exporter + "=127.0.0.1:" + port + ":" + rules)
                .agent("on")
                .args(mapped.toString())
                .start();
            try
            {
                started.awaitLine("READY");
                probe = started;
            }
            catch (final AssertionError ex)
            {
                started.close();
                if (attempt >= 2 || !ex.getMessage().contains("BindException"))
                {
                    throw ex;
                }
            }
        }
        try (ForkedJvm.Background running = probe)
        {
            final long mappedBytes = value(running, "MAPPED");
            final long reallocBytes = value(running, "REALLOC");
            final long directBytes = value(running, "DIRECT");

            final Map<String, Double> live = scrape(port);
            assertEquals(mappedBytes, live.get("page_owner_live_bytes{kind=\"MAPPED\"}"), live.toString());
            assertEquals(1.0, live.get("page_owner_live_records{kind=\"MAPPED\"}"));
            assertEquals(reallocBytes, live.get("page_owner_live_bytes{kind=\"REALLOC\"}"));
            assertEquals(1.0, live.get("page_owner_live_records{kind=\"REALLOC\"}"));
            final double direct = live.get("page_owner_live_bytes{kind=\"DIRECT\"}");
            // NOTE: the exporter's own HTTP thread reads requests into NIO temporary buffers (DIRECT on 17-23).
            assertTrue(direct >= directBytes && direct <= directBytes + (1 << 20), live.toString());
            assertTrue(live.get("page_owner_live_records{kind=\"DIRECT\"}") >= 3);
            for (final String kind : new String[]{ "UNSAFE", "ARENA", "NIO_TEMP", "POOLED", "POOL_CHUNK", "TOOL" })
            {
                assertTrue(live.containsKey("page_owner_live_bytes{kind=\"" + kind + "\"}"), kind);
                assertTrue(live.containsKey("page_owner_live_records{kind=\"" + kind + "\"}"), kind);
            }
            assertTrue(live.get("page_owner_live_bytes_all") >= mappedBytes + reallocBytes + directBytes);
            assertTrue(live.get("page_owner_live_records_all") >= 5);
            assertTrue(live.get("page_owner_live_pages_all") >= 5);

            assertEquals(mappedBytes, live.get("page_owner_jdk_buffer_pool_used_bytes{pool=\"mapped\"}"));
            assertEquals(mappedBytes, live.get("page_owner_jdk_buffer_pool_capacity_bytes{pool=\"mapped\"}"));
            assertEquals(1.0, live.get("page_owner_jdk_buffer_pool_buffers{pool=\"mapped\"}"));
            assertTrue(live.get("page_owner_jdk_buffer_pool_used_bytes{pool=\"direct\"}") >= directBytes);

            final double rss = live.get("page_owner_process_memory_bytes{figure=\"VmRSS\"}");
            final long kernelRss = vmRss(running.pid());
            assertTrue(rss > 0.5 * kernelRss && rss < 2.0 * kernelRss, rss + " against " + kernelRss);
            assertTrue(live.containsKey("page_owner_process_memory_bytes{figure=\"Anonymous\"}"), live.toString());
            for (final String reason : new String[]{ "table_full", "before_start", "while_off", "agent_own" })
            {
                assertTrue(live.containsKey("page_owner_untracked_total{reason=\"" + reason + "\"}"), reason);
            }
            assertEquals(0.0, live.get("page_owner_untracked_total{reason=\"table_full\"}"));
            assertEquals(0.0, live.get("page_owner_untracked_bytes_total{reason=\"table_full\"}"));
            assertEquals(0.0, live.get("page_owner_untracked_bytes_total{reason=\"while_off\"}"));
            assertEquals(1.0, live.get("page_owner_enabled"));
            assertEquals(0.0, live.get("page_owner_suppressed_errors_total"));
            assertEquals(0.0, live.get("page_owner_sample_bytes"));
            assertEquals(0.0, live.get("page_owner_dumps_written_total"));
            assertTrue(live.get("page_owner_distinct_stacks") >= 3);

            running.send("free");
            running.awaitLine("DONE free");
            final Map<String, Double> freed = scrape(port);
            assertEquals(0.0, freed.get("page_owner_live_bytes{kind=\"MAPPED\"}"), freed.toString());
            assertEquals(0.0, freed.get("page_owner_live_records{kind=\"MAPPED\"}"));
            assertEquals(0.0, freed.get("page_owner_live_bytes{kind=\"REALLOC\"}"));
            assertTrue(freed.get("page_owner_live_bytes{kind=\"DIRECT\"}") <= 1 << 20, freed.toString());
            assertEquals(0.0, freed.get("page_owner_jdk_buffer_pool_used_bytes{pool=\"mapped\"}"));

            final ForkedJvm.Result result = running.stop();
            assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        }
    }

    private static long value(final ForkedJvm.Background probe, final String name) throws Exception
    {
        return Long.parseLong(probe.awaitLine(name + " ").substring(name.length() + 1).strip());
    }

    /** The page-owner samples of one scrape, by name and labels as the page writes them. */
    private static Map<String, Double> scrape(final int port) throws Exception
    {
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        final HttpResponse<String> response = client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        final Map<String, Double> samples = new TreeMap<>();
        for (final String line : response.body().split("\n"))
        {
            if (line.startsWith("page_owner_"))
            {
                final int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        assertTrue(samples.size() > 30, response.body());
        return samples;
    }

    private static long vmRss(final long pid) throws Exception
    {
        for (final String line : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
        {
            if (line.startsWith("VmRSS:"))
            {
                return 1024 * Long.parseLong(line.substring(6).replace("kB", "").strip());
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }
}
