package io.pageowner.cli;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.spi.AttachProvider;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Starts a target JVM's attach listener before {@code VirtualMachine.attach}, so that attaching does not wait.
 * <p>
 * HotSpot starts its attach listener when it receives SIGQUIT while a file {@code .attach_pid<pid>}, owned by its
 * own user, lies in its working directory; the listener then creates the socket {@code /tmp/.java_pid<pid>}. The
 * JDK's attach client does exactly this, but after sending the signal it sleeps 100 ms before it first looks for
 * the socket, then 200 ms, and so on; a listener is up within a few milliseconds. So {@link #prime(long)} does the
 * same steps and looks for the socket every 2 ms; {@code VirtualMachine.attach} then finds it and connects at once.
 * <p>
 * Best effort, and only where it is plainly safe: the target in this command's pid namespace (its socket is where
 * we look), of this command's user (HotSpot ignores a trigger file of another owner, and SIGQUIT alone would make
 * it print a thread dump), catching SIGQUIT ({@link TargetProcess} checked), saying in its performance data that
 * it supports attach (one started with {@code -XX:+DisableAttachMechanism} prints a thread dump on SIGQUIT; the
 * JDK's client refuses it before signalling, and so do we: {@link PerfDataCapabilities}), and a way to send
 * the signal (the JDK's own, or a {@code kill} command on the path). If anything is not so, or the socket does
 * not appear within a second, nothing is lost: the JDK's attach does its own handshake as before (and refuses a
 * JVM without attach, with its own message). The trigger file is always removed. A socket file older than the
 * target is an earlier process's with the same pid ({@link TargetProcess#predates(Path, long)}): where the rest
 * holds, it is removed first; else the JDK's attach, whose check of the performance data comes before the socket,
 * decides.
 */
final class AttachHandshake
{
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long POLL_MILLIS = 2;
    private static final String HOTSPOT_PROVIDER = "sun.tools.attach.AttachProviderImpl";
    private static final String HOTSPOT_VM = "sun.tools.attach.VirtualMachineImpl";

    private AttachHandshake()
    {
    }

    /**
     * Has the target start its attach listener, if it has none yet and that can be done safely.
     *
     * @param pid the target, checked by {@link TargetProcess#check(long)}.
     * @return true if the socket is there now (it may have been before).
     */
    private static boolean prime(final long pid)
    {
        final Path proc = Path.of("/proc", Long.toString(pid));
        final Path socket = proc.resolve("root/tmp/.java_pid" + pid);
        final boolean found = Files.exists(socket);
        if (found && !TargetProcess.predates(socket, pid))
        {
            return true;
        }
        final String status = TargetProcess.read(proc.resolve("status"));
        final String self = TargetProcess.read(Path.of("/proc/self/status"));
        if (null == status || null == self || !samePidNamespace(status) || !sameUser(status, self) ||
            PerfDataCapabilities.Attach.SUPPORTED != PerfDataCapabilities.of(pid))
        {
            return false;
        }
        if (found)
        {
            // NOTE: an earlier process's with this pid (same namespace, so the name is the target's), on which no
            // listener answers: neither this command nor the JDK's client would ever signal the target while it
            // lies there, and connecting to it is refused. It is removed, as HotSpot removes it too when its
            // listener starts.
            try
            {
                Files.deleteIfExists(socket);
            }
            catch (final IOException | SecurityException ex)
            {
                return false;
            }
        }
        final Path trigger = proc.resolve("cwd/.attach_pid" + pid);
        try
        {
            Files.createFile(trigger);
        }
        catch (final IOException | UnsupportedOperationException | SecurityException ex)
        {
            return false;
        }
        try
        {
            if (!sendQuit(pid))
            {
                return false;
            }
            final long deadline = System.nanoTime() + WAIT_NANOS;
            while (!Files.exists(socket))
            {
                if (System.nanoTime() - deadline > 0)
                {
                    return false;
                }
                Thread.sleep(POLL_MILLIS);
            }
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        finally
        {
            try
            {
                Files.deleteIfExists(trigger);
            }
            catch (final IOException ex)
            {
                // NOTE: HotSpot ignores a stale trigger file unless it also gets SIGQUIT; nothing else reads it.
            }
        }
    }

    /**
     * Attaches to a JVM, starting its attach listener first if that can be done safely.
     * <p>
     * Once this command has found the listener's socket itself, it connects without the JDK client's check of the
     * target's performance data through jvmstat (30-50 ms of class loading on a small host), which
     * {@link #prime(long)} has answered already from the same counter; the JDK's {@code VirtualMachineImpl} is
     * reached through the same opened package as the signal. Anything unexpected there, or a listener not started
     * by us, goes through {@link VirtualMachine#attach(String)} as before.
     *
     * @param pid the target, checked by {@link TargetProcess#check(long)}.
     * @return the attached JVM.
     * @throws AttachNotSupportedException if the attach mechanism refuses.
     * @throws IOException                 if it fails.
     */
    static VirtualMachine attach(final long pid) throws AttachNotSupportedException, IOException
    {
        final String id = Long.toString(pid);
        if (prime(pid))
        {
            try
            {
                for (final AttachProvider provider : AttachProvider.providers())
                {
                    if (HOTSPOT_PROVIDER.equals(provider.getClass().getName()))
                    {
                        final Constructor<?> connect = Class.forName(HOTSPOT_VM)
                            .getDeclaredConstructor(AttachProvider.class, String.class);
                        connect.setAccessible(true);
                        return (VirtualMachine)connect.newInstance(provider, id);
                    }
                }
            }
            catch (final InvocationTargetException ex)
            {
                if (ex.getCause() instanceof AttachNotSupportedException)
                {
                    throw (AttachNotSupportedException)ex.getCause();
                }
                if (ex.getCause() instanceof IOException)
                {
                    throw (IOException)ex.getCause();
                }
                // NOTE: anything else is the JDK's to report, through its own path below.
            }
            catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
            {
                // NOTE: not opened (run from a class path) or another JDK's attach client: the public path.
            }
        }
        return VirtualMachine.attach(id);
    }

    /**
     * Sends SIGQUIT: through the JDK attach client's own native call when the jar's manifest opened it to us
     * ({@code Add-Opens: jdk.attach/sun.tools.attach}, honoured for {@code java -jar}), which saves forking a
     * process (tens of ms on a small host); through the {@code kill} command otherwise.
     *
     * @param pid the target.
     * @return true if the signal was sent.
     * @throws IOException          if the command cannot be run.
     * @throws InterruptedException if interrupted while waiting for it.
     */
    private static boolean sendQuit(final long pid) throws IOException, InterruptedException
    {
        if (pid > 0 && pid <= Integer.MAX_VALUE)
        {
            try
            {
                final Method quit = Class.forName(HOTSPOT_VM)
                    .getDeclaredMethod("sendQuitTo", int.class);
                quit.setAccessible(true);
                quit.invoke(null, (int)pid);
                return true;
            }
            catch (final InvocationTargetException ex)
            {
                // NOTE: the call itself failed (the process is gone, or not ours): the command would too.
                return false;
            }
            catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
            {
                // NOTE: not opened (run from a class path), or another JDK's attach client: the command.
            }
        }
        final Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(pid))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!kill.waitFor(1, TimeUnit.SECONDS) || 0 != kill.exitValue())
        {
            kill.destroyForcibly();
            return false;
        }
        return true;
    }

    /**
     * Whether the process is in this command's pid namespace: its {@code NSpid} line holds one id.
     *
     * @param status the text of {@code /proc/<pid>/status}.
     * @return true if so, or if the kernel does not say (before 4.1 there was no NSpid line and no question).
     */
    static boolean samePidNamespace(final String status)
    {
        for (final String line : status.split("\n"))
        {
            if (line.startsWith("NSpid:"))
            {
                return 1 == line.substring("NSpid:".length()).trim().split("\\s+").length;
            }
        }
        return true;
    }

    /**
     * Whether two processes have the same effective user id ({@code Uid:} line, second field).
     *
     * @param status the target's {@code /proc/<pid>/status}.
     * @param self   this command's {@code /proc/self/status}.
     * @return true if both effective uids read and are equal.
     */
    static boolean sameUser(final String status, final String self)
    {
        final String target = effectiveUid(status);
        return null != target && target.equals(effectiveUid(self));
    }

    private static String effectiveUid(final String status)
    {
        for (final String line : status.split("\n"))
        {
            if (line.startsWith("Uid:"))
            {
                final String[] ids = line.substring("Uid:".length()).trim().split("\\s+");
                return ids.length > 1 ? ids[1] : null;
            }
        }
        return null;
    }
}
