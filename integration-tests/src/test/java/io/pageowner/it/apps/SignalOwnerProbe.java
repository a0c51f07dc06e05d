package io.pageowner.it.apps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.tools.attach.VirtualMachine;
import sun.misc.Signal;

/**
 * An application that handles SIGUSR1 itself, then loads the agent into itself (as
 * {@code page-owner on <pid>} would): the agent must leave the signal to the application.
 * <p>
 * Arguments: ground-truth path, agent jar. Needs {@code -Djdk.attach.allowAttachSelf=true}.
 */
public final class SignalOwnerProbe
{
    private SignalOwnerProbe()
    {
    }

    /**
     * Runs the scenario.
     *
     * @param args ground-truth path, agent jar.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final CountDownLatch appHandled = new CountDownLatch(1);
        Signal.handle(new Signal("USR1"), signal -> appHandled.countDown());
        final String pid = Long.toString(ProcessHandle.current().pid());
        final VirtualMachine vm = VirtualMachine.attach(pid);
        try
        {
            vm.loadAgent(args[1], "on");
        }
        finally
        {
            vm.detach();
        }
        ProbeSupport.awaitMBean();
        new ProcessBuilder("kill", "-USR1", pid).inheritIO().start().waitFor();
        final List<String> truth = new ArrayList<>();
        truth.add("APP_HANDLED " + appHandled.await(10, TimeUnit.SECONDS));
        truth.add("SIGNAL_HANDLED " + ProbeSupport.attribute("SignalHandled"));
        truth.add("DUMPS " + ProbeSupport.attribute("DumpsWritten"));
        ProbeSupport.write(Path.of(args[0]), truth);
    }
}
