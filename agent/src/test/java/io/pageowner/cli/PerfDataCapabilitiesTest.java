package io.pageowner.cli;

import io.pageowner.cli.PerfDataCapabilities.Attach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerfDataCapabilitiesTest
{
    @Test
    void shouldReadThatThisJvmSupportsAttach()
    {
        assertEquals(Attach.SUPPORTED, PerfDataCapabilities.of(ProcessHandle.current().pid()));
    }

    @Test
    void shouldReadThatAJvmStartedWithDisableAttachMechanismDoesNot() throws Exception
    {
        assertEquals(Attach.DISABLED, capabilityOfAJvmWith("-XX:+DisableAttachMechanism"));
    }

    @Test
    void shouldAnswerUnknownForAJvmWithoutPerformanceData() throws Exception
    {
        assertEquals(Attach.UNKNOWN, capabilityOfAJvmWith("-XX:-UsePerfData"));
    }

    @Test
    void shouldReadBothByteOrders()
    {
        assertEquals(Attach.SUPPORTED, PerfDataCapabilities.parse(file(ByteOrder.LITTLE_ENDIAN, "1000")));
        assertEquals(Attach.DISABLED, PerfDataCapabilities.parse(file(ByteOrder.BIG_ENDIAN, "0100")));
    }

    @Test
    void shouldAnswerUnknownForAGarbledOrTruncatedFile()
    {
        final byte[] good = file(ByteOrder.LITTLE_ENDIAN, "1000").array();
        assertEquals(Attach.UNKNOWN, PerfDataCapabilities.parse(ByteBuffer.wrap(new byte[0])));
        assertEquals(Attach.UNKNOWN, PerfDataCapabilities.parse(ByteBuffer.wrap(new byte[64])), "no magic");
        for (int length = 0; length < good.length; length++)
        {
            final Attach read = PerfDataCapabilities.parse(ByteBuffer.wrap(Arrays.copyOf(good, length)));
            assertEquals(Attach.UNKNOWN, read, "truncated to " + length);
        }
        final byte[] bad = good.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(28, 1 << 30);
        assertEquals(Attach.SUPPORTED, PerfDataCapabilities.parse(ByteBuffer.wrap(bad)), "found before the end");
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(24, -5);
        assertEquals(Attach.UNKNOWN, PerfDataCapabilities.parse(ByteBuffer.wrap(bad)), "entries before the prologue");
        final byte[] value = good.clone();
        value[value.length - 4] = 'x';
        assertEquals(Attach.UNKNOWN, PerfDataCapabilities.parse(ByteBuffer.wrap(value)), "neither 0 nor 1");
    }

    /**
     * A performance-data file with one other counter and then the capabilities, laid out as HotSpot lays it out.
     */
    private static ByteBuffer file(final ByteOrder order, final String capabilities)
    {
        final byte[] other = entry(order, "sun.rt.other", "x");
        final byte[] wanted = entry(order, PerfDataCapabilities.NAME, capabilities);
        final ByteBuffer data = ByteBuffer.allocate(32 + other.length + wanted.length);
        data.order(ByteOrder.BIG_ENDIAN).putInt(0, 0xcafec0c0);
        data.put(4, (byte)(ByteOrder.BIG_ENDIAN == order ? 0 : 1));
        data.order(order).putInt(24, 32).putInt(28, 2);
        data.put(32, other).put(32 + other.length, wanted);
        return data.order(ByteOrder.BIG_ENDIAN);
    }

    private static byte[] entry(final ByteOrder order, final String name, final String value)
    {
        final byte[] nameBytes = (name + '\0').getBytes(StandardCharsets.US_ASCII);
        final byte[] valueBytes = value.getBytes(StandardCharsets.US_ASCII);
        final int length = 20 + nameBytes.length + valueBytes.length;
        final ByteBuffer entry = ByteBuffer.allocate(length).order(order);
        entry.putInt(length).putInt(20).putInt(valueBytes.length).put((byte)'B').put((byte)0).put((byte)5)
            .put((byte)1).putInt(20 + nameBytes.length).put(nameBytes).put(valueBytes);
        return entry.array();
    }

    /** The performance-data file is written while the VM starts, so it is there once {@code main} runs. */
    private static Attach capabilityOfAJvmWith(final String option) throws Exception
    {
        final Process jvm = sleepingJvm(option);
        try
        {
            awaitReady(jvm);
            return PerfDataCapabilities.of(jvm.pid());
        }
        finally
        {
            jvm.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Process sleepingJvm(final String option) throws IOException
    {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final List<String> command = new ArrayList<>(List.of(java.toString(), option, "-Xshare:auto",
            "-cp", System.getProperty("java.class.path"), SleepingMain.class.getName()));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void awaitReady(final Process jvm) throws IOException
    {
        final BufferedReader out = new BufferedReader(
            new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("READY", out.readLine());
        assertTrue(jvm.isAlive());
    }

    /** A JVM that waits to be killed. */
    public static final class SleepingMain
    {
        private SleepingMain()
        {
        }

        /**
         * Sleeps.
         *
         * @param args ignored.
         * @throws InterruptedException never in practice.
         */
        public static void main(final String[] args) throws InterruptedException
        {
            System.out.println("READY");
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }
}
