package io.pageowner.dump;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The cgroup memory limit from sample {@code /proc/self/cgroup}, {@code mountinfo} and limit files of
 * cgroup v1 and v2 machines and containers.
 */
class CgroupMemoryTest
{
    private static final String V2_MOUNTINFO =
        "25 30 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n" +
        "26 30 0:24 / /proc rw,nosuid - proc proc rw\n";
    private static final String V1_MOUNTINFO =
        "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n" +
        "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n" +
        "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n" +
        "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

    private final Map<String, String> files = new HashMap<>();

    @Test
    void shouldReadTheSmallestMemoryMaxUpTheV2Path()
    {
        files.put("/sys/fs/cgroup/system.slice/app.service/memory.max", "max\n");
        files.put("/sys/fs/cgroup/system.slice/memory.max", "1073741824\n");
        assertEquals(1L << 30, limit("0::/system.slice/app.service\n", V2_MOUNTINFO));
    }

    @Test
    void shouldSayUnlimitedWhenEveryV2LevelSaysMax()
    {
        files.put("/sys/fs/cgroup/user.slice/memory.max", "max\n");
        assertEquals(CgroupMemory.UNLIMITED, limit("0::/user.slice\n", V2_MOUNTINFO));
    }

    @Test
    void shouldReadAContainersOwnCgroupMountedAtItsRoot()
    {
        // NOTE: in a container with a cgroup namespace, the path is "/" and the mount shows the container's cgroup.
        files.put("/sys/fs/cgroup/memory.max", "536870912\n");
        assertEquals(512L << 20, limit("0::/\n", V2_MOUNTINFO));
    }

    @Test
    void shouldReadTheV1MemoryControllersLimitInBytes()
    {
        files.put("/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "268435456\n");
        files.put("/sys/fs/cgroup/memory/docker/memory.limit_in_bytes", "9223372036854771712\n");
        final String cgroups = "12:pids:/docker/abc\n4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n0::/\n";
        assertEquals(256L << 20, limit(cgroups, V1_MOUNTINFO));
    }

    @Test
    void shouldTakeV1sHugeLimitForNoLimit()
    {
        files.put("/sys/fs/cgroup/memory/process_api/x/memory.limit_in_bytes", "9223372036854771712\n");
        assertEquals(CgroupMemory.UNLIMITED, limit("4:memory:/process_api/x\n0::/\n", V1_MOUNTINFO));
    }

    @Test
    void shouldMakeTheCgroupPathRelativeToTheMountsRoot()
    {
        // NOTE: a v1 container without a cgroup namespace: its cgroup is mounted with the host path as root.
        final String mountinfo =
            "34 30 0:31 /kubepods/pod1/c1 /sys/fs/cgroup/memory ro,relatime - cgroup cgroup rw,memory\n";
        files.put("/sys/fs/cgroup/memory/memory.limit_in_bytes", "104857600\n");
        assertEquals(100L << 20, limit("9:memory:/kubepods/pod1/c1\n", mountinfo));
    }

    @Test
    void shouldSayUnlimitedWhenNothingCanBeRead()
    {
        assertEquals(CgroupMemory.UNLIMITED, CgroupMemory.limit(null, V2_MOUNTINFO, files::get));
        assertEquals(CgroupMemory.UNLIMITED, limit("0::/a\n", V2_MOUNTINFO));
        assertEquals(CgroupMemory.UNLIMITED, limit("4:memory:/a\n", "1 0 0:1 / / rw - ext4 /dev/sda rw\n"));
        files.put("/sys/fs/cgroup/b/memory.max", "garbage\n");
        assertEquals(CgroupMemory.UNLIMITED, limit("0::/b\n", V2_MOUNTINFO));
    }

    @Test
    void shouldReadThisMachinesLimitWithoutFailing()
    {
        final long limit = CgroupMemory.limit();
        assertEquals(true, CgroupMemory.UNLIMITED == limit || limit > 0, "limit " + limit);
    }

    private long limit(final String cgroups, final String mountinfo)
    {
        return CgroupMemory.limit(cgroups, mountinfo, files::get);
    }
}
