package io.pageowner.options;

/**
 * A size of resident memory as {@code rss_dump} and {@code rss_step} take it: bytes, or a percentage of
 * the cgroup memory limit, which only the running agent can read and turn into bytes.
 */
public final class RssSize
{
    /** Not given. */
    public static final RssSize NONE = new RssSize(0, 0);

    private final long bytes;
    private final int percent;

    private RssSize(final long bytes, final int percent)
    {
        this.bytes = bytes;
        this.percent = percent;
    }

    /**
     * Reads {@code 3g}, {@code 512m}, {@code 1048576} or {@code 80%}.
     *
     * @param value as given.
     * @return the size, or null if the value is neither a positive size nor a percentage from 1 to 100.
     */
    static RssSize parse(final String value)
    {
        if (value.endsWith("%"))
        {
            final long percent = OptionValues.parseCount(value.substring(0, value.length() - 1));
            return percent >= 1 && percent <= 100 ? new RssSize(0, (int)percent) : null;
        }
        final long bytes = OptionValues.parseBytes(value);
        return bytes >= 1 ? new RssSize(bytes, 0) : null;
    }

    /**
     * Whether this is a share of the cgroup memory limit.
     *
     * @return true for a percentage.
     */
    public boolean relative()
    {
        return percent > 0;
    }

    /**
     * The size in bytes.
     *
     * @param limit the cgroup memory limit in bytes, for a percentage; ignored for a size in bytes.
     * @return bytes, or 0 for {@link #NONE}.
     */
    public long bytes(final long limit)
    {
        return relative() ? limit / 100 * percent + limit % 100 * percent / 100 : bytes;
    }

    @Override
    public String toString()
    {
        return relative() ? percent + "%" : Long.toString(bytes);
    }
}
