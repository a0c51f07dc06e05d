package io.pageowner.dump;

import java.util.function.Function;

/**
 * The memory limit of the process's cgroup: the limit the kernel's OOM killer enforces on a
 * container. cgroup v2 ({@code memory.max}, the smallest along the path up to the mount) and v1
 * ({@code memory.limit_in_bytes}), found as the JDK's container support finds them: the process's
 * cgroup path from {@code /proc/self/cgroup}, made relative to the root of the controller's mount in
 * {@code /proc/self/mountinfo} (a container sees its own cgroup mounted at {@code /sys/fs/cgroup}).
 * <p>
 * Files are read by {@link MemoryFigures#read(String)}, not NIO, for the reason {@link MemoryFigures} gives.
 */
public final class CgroupMemory
{
    /** No limit, or none could be read. */
    public static final long UNLIMITED = -1;
    /** cgroup v1 writes "no limit" as a huge number rounded down to a page: anything from here up. */
    static final long V1_UNLIMITED_FROM = 1L << 62;

    private CgroupMemory()
    {
    }

    /**
     * The memory limit of this process's cgroup.
     *
     * @return bytes, or {@link #UNLIMITED}.
     */
    public static long limit()
    {
        // NOTE: an anonymous class, not MemoryFigures::read: a lambda bootstraps method handles at start.
        return limit(MemoryFigures.read("/proc/self/cgroup"), MemoryFigures.read("/proc/self/mountinfo"),
            new Function<>()
            {
                @Override
                public String apply(final String path)
                {
                    return MemoryFigures.read(path);
                }
            });
    }

    /**
     * The memory limit from the given files' contents.
     *
     * @param cgroups   the text of {@code /proc/self/cgroup}, or null.
     * @param mountinfo the text of {@code /proc/self/mountinfo}, or null.
     * @param files     reads a file by absolute path, null when it cannot.
     * @return bytes, or {@link #UNLIMITED}.
     */
    static long limit(final String cgroups, final String mountinfo, final Function<String, String> files)
    {
        if (null == cgroups || null == mountinfo)
        {
            return UNLIMITED;
        }
        String v1Path = null;
        String v2Path = null;
        for (final String line : cgroups.split("\n"))
        {
            final String[] fields = line.split(":", 3);
            if (3 != fields.length)
            {
                continue;
            }
            if ("0".equals(fields[0]) && fields[1].isEmpty())
            {
                v2Path = fields[2];
            }
            else
            {
                for (final String controller : fields[1].split(","))
                {
                    if ("memory".equals(controller))
                    {
                        v1Path = fields[2];
                    }
                }
            }
        }
        if (null != v1Path)
        {
            final String[] mount = mount(mountinfo, "cgroup", "memory");
            final long limit = null == mount ? UNLIMITED :
                smallest(mount, v1Path, "memory.limit_in_bytes", files);
            return limit >= V1_UNLIMITED_FROM ? UNLIMITED : limit;
        }
        if (null != v2Path)
        {
            final String[] mount = mount(mountinfo, "cgroup2", null);
            return null == mount ? UNLIMITED : smallest(mount, v2Path, "memory.max", files);
        }
        return UNLIMITED;
    }

    /**
     * The smallest limit in a file of the cgroup's folder and of each parent up to the mount point.
     */
    private static long smallest(
        final String[] mount, final String cgroupPath, final String file, final Function<String, String> files)
    {
        final String root = mount[0];
        final String point = mount[1];
        String relative = cgroupPath;
        if (!"/".equals(root))
        {
            if (!(cgroupPath.equals(root) || cgroupPath.startsWith(root + "/")))
            {
                // NOTE: a cgroup outside what is mounted here: read the mount point's own limit.
                relative = "";
            }
            else
            {
                relative = cgroupPath.substring(root.length());
            }
        }
        if (relative.endsWith("/"))
        {
            relative = relative.substring(0, relative.length() - 1);
        }
        long limit = UNLIMITED;
        while (true)
        {
            final long value = parse(files.apply(point + relative + "/" + file));
            if (value >= 0 && (UNLIMITED == limit || value < limit))
            {
                limit = value;
            }
            if (relative.isEmpty())
            {
                return limit;
            }
            final int slash = relative.lastIndexOf('/');
            relative = slash <= 0 ? "" : relative.substring(0, slash);
        }
    }

    /**
     * The root and mount point of the first mount of a file-system type (and, for v1, with the
     * controller among its super options), from mountinfo's fields: id, parent, major:minor, root,
     * mount point, options, optional fields, "-", type, source, super options.
     */
    private static String[] mount(final String mountinfo, final String type, final String controller)
    {
        for (final String line : mountinfo.split("\n"))
        {
            final int dash = line.indexOf(" - ");
            if (dash < 0)
            {
                continue;
            }
            final String[] before = line.substring(0, dash).split(" ");
            final String[] after = line.substring(dash + 3).split(" ");
            if (before.length < 5 || after.length < 3 || !type.equals(after[0]))
            {
                continue;
            }
            if (null != controller && !java.util.List.of(after[2].split(",")).contains(controller))
            {
                continue;
            }
            return new String[]{ unescape(before[3]), unescape(before[4]) };
        }
        return null;
    }

    /** mountinfo writes a space, tab, newline and backslash in a path as an octal escape. */
    private static String unescape(final String field)
    {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    private static long parse(final String text)
    {
        if (null == text)
        {
            return UNLIMITED;
        }
        final String value = text.trim();
        if (value.isEmpty() || "max".equals(value))
        {
            return UNLIMITED;
        }
        try
        {
            final long bytes = Long.parseLong(value);
            return bytes < 0 ? UNLIMITED : bytes;
        }
        catch (final NumberFormatException ex)
        {
            return UNLIMITED;
        }
    }
}
