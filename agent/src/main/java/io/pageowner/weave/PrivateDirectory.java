package io.pageowner.weave;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A directory only its owner may write to: made {@code 0700}, and an existing one used only if it is not a
 * symbolic link, belongs to this process's user and is writable by no one else. Where code is read from
 * (the woven-class cache), anything less lets another user choose what the JVM runs.
 */
final class PrivateDirectory
{
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private PrivateDirectory()
    {
    }

    /**
     * Makes the directory, owner-only, and its parents if needed; an existing one is left as it is.
     *
     * @param path the directory.
     * @throws IOException if it cannot be made.
     */
    static void create(final Path path) throws IOException
    {
        if (!Files.isDirectory(path))
        {
            if (null != path.getParent())
            {
                Files.createDirectories(path.getParent());
            }
            try
            {
                Files.createDirectory(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            }
            catch (final FileAlreadyExistsException ex)
            {
                // NOTE: another JVM made it meanwhile; it is checked below like any other.
            }
        }
    }

    /**
     * Why a cache directory must not be used: not ours, or writable by others.
     *
     * @param root the directory.
     * @return the reason, or null when it is safe.
     * @throws IOException if its attributes cannot be read.
     */
    static String whyUnsafe(final Path root) throws IOException
    {
        if (Files.isSymbolicLink(root))
        {
            return "it is a symbolic link";
        }
        final Object owner = Files.getAttribute(root, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        final Object self = ownUid();
        if (null != self && !self.equals(owner))
        {
            return "it belongs to uid " + owner + ", not to this process's uid " + self;
        }
        final Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(root, LinkOption.NOFOLLOW_LINKS);
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) ||
            permissions.contains(PosixFilePermission.OTHERS_WRITE))
        {
            return "others may write to it (" + PosixFilePermissions.toString(permissions) + ")";
        }
        return null;
    }

    private static Object ownUid()
    {
        try
        {
            // NOTE: /proc/self belongs to the process's effective uid.
            return Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }
}
