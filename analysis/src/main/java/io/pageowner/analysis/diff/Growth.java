package io.pageowner.analysis.diff;

import io.pageowner.analysis.group.Group;
import io.pageowner.analysis.group.Sampling;

/**
 * One group of a diff: the same key in the old and the new dump, either of which may be missing (a new or a
 * vanished group), and the change of its times, pages and bytes. A sampled dump's figures are its estimates (sums of
 * weight), so the change of two sampled dumps is an estimate too; the samples each side rests on are kept.
 */
public final class Growth
{
    private final String key;
    private final Group older;
    private final Group newer;
    private final double[] old = new double[3];
    private final double[] now = new double[3];

    /**
     * The growth of one key.
     *
     * @param key       the group's identity, its text.
     * @param older     its group in the old dump, or null if it is new.
     * @param newer     its group in the new dump, or null if it vanished.
     * @param estimated whether the figures are the weighted estimates of sampled dumps.
     */
    public Growth(final String key, final Group older, final Group newer, final boolean estimated)
    {
        this.key = key;
        this.older = older;
        this.newer = newer;
        figures(older, estimated, old);
        figures(newer, estimated, now);
    }

    private static void figures(final Group group, final boolean estimated, final double[] into)
    {
        if (null == group)
        {
            return;
        }
        into[0] = estimated ? group.estimatedTimes() : group.times;
        into[1] = estimated ? group.estimatedPages() : group.pages;
        into[2] = estimated ? group.estimatedBytes() : group.bytes;
    }

    /**
     * The key the two dumps' groups were matched by.
     *
     * @return the key.
     */
    public String key()
    {
        return key;
    }

    /**
     * The group that shows the key's fields and stack: the new one, or the old one if the key vanished.
     *
     * @return a group, never null.
     */
    public Group representative()
    {
        return null == newer ? older : newer;
    }

    /**
     * Its group in the old dump.
     *
     * @return the group, or null if the key is new.
     */
    public Group older()
    {
        return older;
    }

    /**
     * Its group in the new dump.
     *
     * @return the group, or null if the key vanished.
     */
    public Group newer()
    {
        return newer;
    }

    /**
     * Whether the key is only in the new dump.
     *
     * @return whether it is new.
     */
    public boolean isNew()
    {
        return null == older;
    }

    /**
     * Whether the key is only in the old dump.
     *
     * @return whether it vanished.
     */
    public boolean vanished()
    {
        return null == newer;
    }

    /**
     * Change of times as printed: rounded once, after subtracting.
     *
     * @return new less old.
     */
    public long times()
    {
        return Sampling.round(now[0] - old[0]);
    }

    /**
     * Change of pages as printed.
     *
     * @return new less old.
     */
    public long pages()
    {
        return Sampling.round(now[1] - old[1]);
    }

    /**
     * Change of bytes as printed.
     *
     * @return new less old.
     */
    public long bytes()
    {
        return Sampling.round(now[2] - old[2]);
    }

    /**
     * A figure of the old dump, rounded.
     *
     * @param which 0 times, 1 pages, 2 bytes.
     * @return the old figure.
     */
    public long oldFigure(final int which)
    {
        return Sampling.round(old[which]);
    }

    /**
     * A figure of the new dump, rounded.
     *
     * @param which 0 times, 1 pages, 2 bytes.
     * @return the new figure.
     */
    public long newFigure(final int which)
    {
        return Sampling.round(now[which]);
    }

    /**
     * Whether nothing changed: same key in both, with the same rounded figures.
     *
     * @return whether the group is unchanged.
     */
    public boolean unchanged()
    {
        return null != older && null != newer && times() == 0 && pages() == 0 && bytes() == 0;
    }

    /**
     * Samples of the old dump's group (its records).
     *
     * @return samples, 0 if new.
     */
    public long oldSamples()
    {
        return null == older ? 0 : older.times;
    }

    /**
     * Samples of the new dump's group.
     *
     * @return samples, 0 if vanished.
     */
    public long newSamples()
    {
        return null == newer ? 0 : newer.times;
    }
}
