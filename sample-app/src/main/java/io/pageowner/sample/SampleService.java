package io.pageowner.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A small service that uses off-heap memory the ways real services do, and leaks some of it: worker
 * threads serve requests with direct response buffers (released) and a per-thread growable native
 * scratch area (closed at shutdown only on the one worker that runs the close task: the classic
 * per-thread resource leak), users log in and out of an off-heap session cache (which leaks on
 * every re-login), a metrics exporter keeps every snapshot in a direct buffer, and an index maps
 * segment files to search them (unmapped after) and to "warm them up" (never unmapped).
 * <p>
 * {@code --dump <path>} asks page-owner (if loaded) for a dump over JMX before exiting, as an
 * operator would from JConsole; {@code --requests <n>} sets the load.
 */
public final class SampleService
{
    private static final Logger LOG = LoggerFactory.getLogger(SampleService.class);

    private SampleService()
    {
    }

    /**
     * Runs the service for a fixed load, then exits.
     *
     * @param args {@code [--requests n] [--dump path]}.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        int requests = 20_000;
        Path dump = null;
        for (int i = 0; i < args.length; i++)
        {
            if ("--requests".equals(args[i]) && i + 1 < args.length)
            {
                requests = Integer.parseInt(args[++i]);
            }
            else if ("--dump".equals(args[i]) && i + 1 < args.length)
            {
                dump = Path.of(args[++i]);
            }
            else
            {
                System.err.println("usage: sample-app [--requests n] [--dump path]");
                System.exit(2);
            }
        }

        final SessionCache sessions = new SessionCache();
        final IndexFiles index = new IndexFiles();
        final MetricsExporter metrics = new MetricsExporter();
        final ExecutorService workers = Executors.newFixedThreadPool(4, r ->
        {
            final Thread thread = new Thread(r);
            thread.setName("http-worker-" + thread.getId());
            return thread;
        });
        final ThreadLocal<RequestHandler> handlers = ThreadLocal.withInitial(RequestHandler::new);

        LOG.info("serving {} requests on 4 workers", requests);
        final List<Future<?>> pending = new ArrayList<>();
        for (int i = 0; i < requests; i++)
        {
            final int id = i;
            pending.add(workers.submit(() ->
            {
                handlers.get().handle(id);
                final String user = "user-" + (id % 50);
                if (id % 10 == 0)
                {
                    sessions.put(user, "token-" + id);
                }
                else if (id % 97 == 0)
                {
                    sessions.logout(user);
                }
                if (id % 500 == 0)
                {
                    metrics.snapshot(id);
                }
                if (id % 200 == 0)
                {
                    index.search(id);
                }
                if (id % 2500 == 0)
                {
                    index.warmUp(id);
                }
            }));
        }
        for (final Future<?> future : pending)
        {
            future.get();
        }
        workers.submit(() -> handlers.get().close()).get();
        workers.shutdown();
        workers.awaitTermination(10, TimeUnit.SECONDS);
        LOG.info("done: {} sessions open, {} metric snapshots retained", sessions.size(), metrics.retained());

        if (null != dump)
        {
            requestDump(dump);
        }
        index.close();
    }

    private static void requestDump(final Path path) throws Exception
    {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        final ObjectName name = new ObjectName("io.pageowner:type=PageOwner");
        for (int i = 0; i < 200 && !server.isRegistered(name); i++)
        {
            Thread.sleep(10);
        }
        if (!server.isRegistered(name))
        {
            LOG.warn("page-owner is not loaded (run with -javaagent:page-owner.jar=on); no dump written");
            return;
        }
        final Object summary = server.invoke(
            name, "dump", new Object[]{ path.toAbsolutePath().toString() }, new String[]{ String.class.getName() });
        LOG.info("page-owner: {}", summary);
    }
}
