package io.pageowner.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mode of {@link BenchRunner}: a name and the JVM arguments its forks get.
 *
 * @param key         short name for {@code --modes}.
 * @param name        shown in the tables.
 * @param jvmArgs     prepended to each fork's JVM arguments.
 * @param unavailable why the mode cannot run here, or null.
 */
record Mode(String key, String name, List<String> jvmArgs, String unavailable)
{
    /** The mode every ratio is taken against. */
    static final String BASELINE = "no agent";
    /** Name of the full-tracking mode. */
    static final String FULL = "agent full";
    /** Name of the agent-off mode. */
    static final String OFF = "agent off";
    /** Name of the sampled mode ({@code sample=512k}); target 2 reads every mode named {@code sample...}. */
    static final String SAMPLED = "sample 512k";
    /** Name of full mode while a JFR recording with the JDK's default settings runs: the allocation event off. */
    static final String JFR_DEFAULT = "full, JFR default";
    /** Name of full mode while a JFR recording with page-owner.jfc runs: an event per allocation, with its stack. */
    static final String JFR_EVENTS = "full, JFR page-owner.jfc";
    /** The JFR settings file in the agent jar. */
    static final String JFC = "io/pageowner/page-owner.jfc";
    /** Name of the peer's mode. */
    static final String ASPROF = "async-profiler nativemem";

    /**
     * The modes this runner knows by default.
     *
     * @param agent the agent jar.
     * @param out   where the peer writes its recordings (deleted after each run).
     * @return key to mode, in table order.
     */
    static Map<String, Mode> known(final Path agent, final Path out)
    {
        final Map<String, Mode> modes = new LinkedHashMap<>();
        modes.put("none", new Mode("none", BASELINE, List.of(), null));
        modes.put("off", new Mode("off", OFF, List.of("-javaagent:" + agent), null));
        modes.put("full", new Mode("full", FULL, List.of("-javaagent:" + agent + "=on"), null));
        modes.put("sample", new Mode("sample", SAMPLED, List.of("-javaagent:" + agent + "=on,sample=512k"), null));
        // NOTE: maxsize bounds the repository on disk: the allocation event writes some 100 MB/s at full speed.
        final String recording = "-XX:StartFlightRecording=maxsize=64m,settings=default";
        modes.put("jfr-default", new Mode("jfr-default", JFR_DEFAULT,
            List.of("-javaagent:" + agent + "=on", recording), null));
        final Path jfc = extractJfc(agent, out);
        modes.put("jfr", new Mode("jfr", JFR_EVENTS, null == jfc ? List.of() :
            List.of("-javaagent:" + agent + "=on", recording + ",settings=" + jfc), null == jfc ? "no " + JFC : null));
        final Path asprof = AsyncProfiler.library();
        final String why = AsyncProfiler.unavailable(asprof);
        final String nativemem = out.resolve("nativemem-%p.jfr").toString();
        modes.put("asprof", new Mode("asprof", ASPROF,
            null == why ? List.of("-agentpath:" + asprof + "=start,nativemem=0,file=" + nativemem) : List.of(), why));
        return modes;
    }

    /**
     * Copies the agent jar's JFR settings into the scratch folder, for the {@code jfr} mode.
     *
     * @param agent the agent jar.
     * @param out   the scratch folder.
     * @return the file, or null if the jar has none.
     */
    private static Path extractJfc(final Path agent, final Path out)
    {
        try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(agent.toFile()))
        {
            final java.util.zip.ZipEntry entry = jar.getEntry(JFC);
            if (null == entry)
            {
                return null;
            }
            final Path file = out.resolve("page-owner.jfc");
            try (java.io.InputStream in = jar.getInputStream(entry))
            {
                java.nio.file.Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        }
        catch (final java.io.IOException ex)
        {
            return null;
        }
    }

    /**
     * A mode from the command line: {@code name:jvm args}, {@code {agent}} standing for the agent jar,
     * {@code {asprof}} for async-profiler's library and {@code {out}} for the scratch folder (files
     * named {@code nativemem-*} there are deleted after each run), e.g.
     * {@code 'sample 512k:-javaagent:{agent}=on,sample=512k'}.
     *
     * @param spec  as given to {@code --mode}.
     * @param agent the agent jar.
     * @param out   the scratch folder.
     * @param known the modes so far, whose names it may not take.
     * @return the mode, its key and name both the name given.
     */
    static Mode parse(final String spec, final Path agent, final Path out, final Map<String, Mode> known)
    {
        final int colon = spec.indexOf(':');
        if (colon <= 0)
        {
            throw new IllegalArgumentException("--mode wants 'name:jvm args', got '" + spec + "'");
        }
        final String name = spec.substring(0, colon).trim();
        if (known.containsKey(name))
        {
            throw new IllegalArgumentException("mode '" + name + "' exists already");
        }
        final List<String> jvmArgs = new ArrayList<>();
        for (final String arg : spec.substring(colon + 1).trim().split("\\s+"))
        {
            if (!arg.isEmpty())
            {
                jvmArgs.add(arg.replace("{agent}", agent.toString())
                    .replace("{asprof}", String.valueOf(AsyncProfiler.library()))
                    .replace("{out}", out.toString()));
            }
        }
        return new Mode(name, name, jvmArgs, null);
    }
}
