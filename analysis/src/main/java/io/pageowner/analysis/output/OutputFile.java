package io.pageowner.analysis.output;

import io.pageowner.analysis.parse.SortException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where the sorted output goes. A regular file is written to a temporary file in the same directory and renamed
 * over the target only when everything has been written, so the target is either the old file or the whole new
 * one, never a part. Standard output ({@code -}) and existing non-regular files (a FIFO, {@code /dev/null}) are
 * written directly.
 */
public final class OutputFile implements AutoCloseable
{
    private static final int BUFFER_LENGTH = 1 << 20;
    private static final Set<PosixFilePermission> DEFAULT_PERMISSIONS = PosixFilePermissions.fromString("rw-r--r--");

    private final String name;
    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private final OutputStream stream;
    private boolean committed;

    private OutputFile(
        final String name,
        final Path target,
        final Path temporary,
        final FileChannel channel,
        final OutputStream stream)
    {
        this.name = name;
        this.target = target;
        this.temporary = temporary;
        this.channel = channel;
        this.stream = stream;
    }

    /**
     * Open the output before any input is read, so an unwritable output fails at once.
     *
     * @param name   as given on the command line; {@code -} is standard output.
     * @param stdout standard output.
     * @return the open output.
     * @throws SortException naming the file if it cannot be written.
     */
    public static OutputFile open(final String name, final PrintStream stdout) throws SortException
    {
        if ("-".equals(name))
        {
            return new OutputFile(name, null, null, null, new BufferedOutputStream(stdout, BUFFER_LENGTH));
        }

        final Path target;
        try
        {
            target = Paths.get(name);
        }
        catch (final InvalidPathException ex)
        {
            throw new SortException("cannot write " + name + ": invalid path");
        }
        if (Files.isDirectory(target))
        {
            throw new SortException("cannot write " + name + ": is a directory");
        }
        try
        {
            if (Files.exists(target) && !Files.isRegularFile(target))
            {
                final FileChannel channel = FileChannel.open(
                    target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                return new OutputFile(name, null, null, channel,
                    new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_LENGTH));
            }
            if (Files.exists(target) && !Files.isWritable(target))
            {
                throw new SortException("cannot write " + name + ": permission denied");
            }

            // NOTE: write through a symbolic link as fopen would, rather than replace the link by a file.
            final Path absolute = Files.isSymbolicLink(target) ? target.toRealPath() : target.toAbsolutePath();
            final Path directory = absolute.getParent();
            if (null == directory || !Files.isDirectory(directory))
            {
                throw new SortException("cannot write " + name + ": directory " + directory + " does not exist");
            }
            final Path temporary = Files.createTempFile(directory, "." + absolute.getFileName() + ".", ".tmp");
            final FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
            return new OutputFile(name, absolute, temporary, channel,
                new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_LENGTH));
        }
        catch (final AccessDeniedException ex)
        {
            throw new SortException("cannot write " + name + ": permission denied", ex);
        }
        catch (final NoSuchFileException ex)
        {
            throw new SortException("cannot write " + name + ": no such file or directory", ex);
        }
        catch (final IOException ex)
        {
            throw new SortException("cannot write " + name + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Stream to write the output to.
     *
     * @return stream to write the output to.
     */
    public OutputStream stream()
    {
        return stream;
    }

    /**
     * Finish writing and put the output in place.
     *
     * @throws SortException naming the file if writing or renaming fails; the target is then unchanged.
     */
    public void commit() throws SortException
    {
        try
        {
            stream.flush();
            if (null != temporary)
            {
                channel.force(false);
                channel.close();
                setPermissions();
                try
                {
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                catch (final AtomicMoveNotSupportedException ex)
                {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            else if (null != channel)
            {
                channel.close();
            }
            committed = true;
        }
        catch (final IOException ex)
        {
            throw new SortException("cannot write " + name + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * A new file gets the usual {@code rw-r--r--} rather than the temporary file's {@code rw-------}; a replaced
     * file keeps its own permissions.
     */
    private void setPermissions() throws IOException
    {
        try
        {
            final Set<PosixFilePermission> permissions = Files.exists(target) ?
                Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS) : DEFAULT_PERMISSIONS;
            Files.setPosixFilePermissions(temporary, permissions);
        }
        catch (final UnsupportedOperationException ex)
        {
            // NOTE: not a POSIX file system; the temporary file's own permissions stay.
        }
    }

    /**
     * Remove the temporary file unless {@link #commit()} succeeded.
     */
    public void close()
    {
        if (committed)
        {
            return;
        }
        try
        {
            if (null != channel)
            {
                channel.close();
            }
            if (null != temporary)
            {
                Files.deleteIfExists(temporary);
            }
            else if (null == channel)
            {
                stream.flush();
            }
        }
        catch (final IOException ignore)
        {
            // NOTE: the run already failed and says why; a leftover temporary file is all that can remain.
        }
    }
}
