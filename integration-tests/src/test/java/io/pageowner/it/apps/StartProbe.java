package io.pageowner.it.apps;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.management.ObjectName;

/**
 * What a program sees of the agent the moment its {@code main} starts: whether the MBean is already
 * registered (its first statement asks), and which buffers the agent counts as made before it started.
 * <p>
 * Arguments: dump path, ground-truth path, then the number of 64 KiB direct buffers to allocate first
 * thing in {@code main} (0 for an idle program).
 */
public final class StartProbe
{
    /** Bytes in each of the buffers made first thing in main. */
    public static final int BUFFER_BYTES = 64 * 1024;

    private StartProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args dump path, ground-truth path, buffers.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final boolean registered =
            ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName(ProbeSupport.MBEAN));
        final List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(args[2]); i++)
        {
            buffers.add(ByteBuffer.allocateDirect(BUFFER_BYTES));
        }
        final String summary = ProbeSupport.dump(Path.of(args[0]));
        ProbeSupport.write(Path.of(args[1]), List.of(
            "REGISTERED_AT_MAIN " + registered,
            "BEFORE_START " + ProbeSupport.mapAttribute("BeforeStart"),
            "BUFFERS " + buffers.size(),
            "SUMMARY " + summary));
    }
}
