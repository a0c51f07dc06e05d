package io.pageowner.jmx;

import io.pageowner.dump.KindTotals;
import io.pageowner.dump.MemoryFigures;
import io.pageowner.dump.PageOwnerFormat;
import io.pageowner.dump.PageOwnerWriter;
import io.pageowner.instrument.AgentInstaller;
import io.pageowner.instrument.Recorder;
import io.pageowner.table.OwnerRecord;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The implementation of {@link PageOwnerMXBean}. Every operation runs with the recorder's guard
 * held, so what it allocates off-heap is never recorded.
 */
public final class PageOwnerMBean implements PageOwnerMXBean
{
    private final Recorder recorder;
    private final PageOwnerWriter writer;
    private final PageOwnerFormat format;
    private final AgentInstaller installer;
    private final String options;
    private final String defaultDumpPath;

    /**
     * Creates the MBean.
     *
     * @param recorder        the agent's recorder.
     * @param writer          writes dumps.
     * @param format          formats single records.
     * @param installer       knows what the advice matched.
     * @param options         the options, as described for users.
     * @param defaultDumpPath where {@code dump("")} writes.
     */
    public PageOwnerMBean(
        final Recorder recorder,
        final PageOwnerWriter writer,
        final PageOwnerFormat format,
        final AgentInstaller installer,
        final String options,
        final String defaultDumpPath)
    {
        this.recorder = recorder;
        this.writer = writer;
        this.format = format;
        this.installer = installer;
        this.options = options;
        this.defaultDumpPath = defaultDumpPath;
    }

    @Override
    public boolean isEnabled()
    {
        return recorder.recording();
    }

    @Override
    public long getLiveAllocations()
    {
        return recorder.table().liveCount();
    }

    @Override
    public long getLiveBytes()
    {
        return recorder.table().liveBytes();
    }

    @Override
    public long getLivePages()
    {
        return recorder.table().livePages();
    }

    @Override
    public Map<String, Long> getLiveAllocationsByKind()
    {
        return asAgent(() -> KindTotals.scan(recorder.table()).recordsByName());
    }

    @Override
    public Map<String, Long> getLiveBytesByKind()
    {
        return asAgent(() -> KindTotals.scan(recorder.table()).bytesByName());
    }

    @Override
    public Map<String, Long> getJdkBufferPools()
    {
        return asAgent(MemoryFigures::jdkBufferPools);
    }

    @Override
    public Map<String, Long> getProcessMemory()
    {
        return asAgent(MemoryFigures::processMemory);
    }

    private Map<String, Long> asAgent(final Callable<Map<String, Long>> work)
    {
        try
        {
            return recorder.asAgent(work);
        }
        catch (final Exception ex)
        {
            return Map.of();
        }
    }

    @Override
    public long getUntracked()
    {
        return recorder.counters().untracked();
    }

    @Override
    public Map<String, Long> getUntrackedByReason()
    {
        return recorder.counters().untrackedByReason();
    }

    @Override
    public long getSuppressedErrors()
    {
        return recorder.counters().suppressedErrors();
    }

    @Override
    public int getDistinctStacks()
    {
        return recorder.stacks().size();
    }

    @Override
    public Map<String, Integer> getAdviceMatches()
    {
        return installer.matches();
    }

    @Override
    public Map<String, String> getAdviceVersions()
    {
        return installer.versions();
    }

    @Override
    public String getOptions()
    {
        return options;
    }

    @Override
    public String dump(final String path) throws IOException
    {
        final Path target = Path.of(null == path || path.isBlank() ? defaultDumpPath : path);
        try
        {
            return recorder.asAgent(() -> "wrote " + target.toAbsolutePath() + ": " + writer.write(target).describe());
        }
        catch (final IOException ex)
        {
            // NOTE: a JMX client may lack our classes, so only a plain IOException with the message crosses.
            throw new IOException(ex.getMessage());
        }
        catch (final Exception ex)
        {
            throw new IOException("dump to " + target.toAbsolutePath() + " failed: " + ex);
        }
    }

    @Override
    public String ownerOf(final long address)
    {
        try
        {
            return recorder.asAgent(() ->
            {
                final OwnerRecord record = new OwnerRecord();
                final StringBuilder sb = new StringBuilder();
                if (recorder.table().ownerOf(address, record))
                {
                    format.append(record, sb);
                }
                return sb.toString();
            });
        }
        catch (final Exception ex)
        {
            return "";
        }
    }

    @Override
    public String ownersOfPage(final long pageNumber)
    {
        try
        {
            return recorder.asAgent(() ->
            {
                final StringBuilder sb = new StringBuilder();
                recorder.table().forEachOwnerOfPage(pageNumber, (final OwnerRecord record) -> format.append(record, sb));
                return sb.toString();
            });
        }
        catch (final Exception ex)
        {
            return "";
        }
    }
}
