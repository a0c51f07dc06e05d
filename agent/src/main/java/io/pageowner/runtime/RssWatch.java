package io.pageowner.runtime;

import io.pageowner.options.RssSize;

import java.util.function.Consumer;

/**
 * When to write a dump as the process's resident memory grows ({@code rss_dump}): once when it first
 * reaches the threshold, and again each time it has grown by the step since the last such dump, so that
 * the evidence exists before the kernel's OOM killer ends the process (no Java code runs then) without
 * a dump at every poll of a process that stays high.
 */
final class RssWatch
{
    private final long threshold;
    private final long step;
    private long next;

    RssWatch(final long threshold, final long step)
    {
        this.threshold = threshold;
        this.step = Math.max(1, step);
        this.next = threshold;
    }

    /**
     * The watch the options ask for.
     *
     * @param dump   {@code rss_dump}.
     * @param step   {@code rss_step}, or none for a tenth of the threshold.
     * @param limit  the cgroup memory limit in bytes, or negative when there is none.
     * @param refuse told why there is no watch when the options ask for one that cannot be.
     * @return the watch, or null for none.
     */
    static RssWatch create(
        final RssSize dump, final RssSize step, final long limit, final Consumer<String> refuse)
    {
        if (RssSize.NONE == dump)
        {
            return null;
        }
        if ((dump.relative() || step.relative()) && limit <= 0)
        {
            refuse.accept("rss_dump=" + dump + (RssSize.NONE == step ? "" : ",rss_step=" + step) +
                " needs a cgroup memory limit, and this process has none that can be read; no rss dump is written");
            return null;
        }
        final long threshold = dump.bytes(limit);
        final long growth = RssSize.NONE == step ? Math.max(1, threshold / 10) : step.bytes(limit);
        return new RssWatch(threshold, growth);
    }

    /**
     * Whether a dump is due at this resident size; if so, the next is due a step above it.
     *
     * @param rss resident bytes now.
     * @return true to write a dump now.
     */
    boolean due(final long rss)
    {
        if (rss < next)
        {
            return false;
        }
        next = rss + step;
        return true;
    }

    long threshold()
    {
        return threshold;
    }

    long step()
    {
        return step;
    }

    long next()
    {
        return next;
    }
}
