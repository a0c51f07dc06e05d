package io.pageowner.bench.peer;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The command line {@link RatioProbe} and {@link SwitchProbe} share: {@code <page-owner.jar> <java>
 * <unsafe|direct|mixed> <rounds> <bound> <name=agent options>...}, checked, with a usage line for what is wrong.
 *
 * @param agent    the agent jar.
 * @param java     the JVM to fork.
 * @param workload the loop's workload.
 * @param rounds   the paired rounds.
 * @param bound    the throughput ratio a mode must stay above.
 * @param modes    mode name to agent options, in the order given.
 */
record ProbeArguments(Path agent, String java, String workload, int rounds, double bound, Map<String, String> modes)
{
    /**
     * Reads the arguments.
     *
     * @param probe the probe's name, for the usage line.
     * @param args  the command line.
     * @return the arguments, or null after printing the usage line and what is wrong.
     */
    static ProbeArguments parse(final String probe, final String[] args)
    {
        final String usage = "usage: " + probe + " <page-owner.jar> <java> <unsafe|direct|mixed> <rounds> <bound> " +
            "<name=agent options>...";
        if (args.length < 6)
        {
            System.err.println(usage);
            return null;
        }
        final String workload = args[2].toLowerCase(Locale.ROOT);
        if (!"unsafe".equals(workload) && !"direct".equals(workload) && !"mixed".equals(workload))
        {
            System.err.println(usage + "\nunknown workload '" + args[2] + "'");
            return null;
        }
        final int rounds;
        final double bound;
        try
        {
            rounds = Integer.parseInt(args[3]);
            bound = Double.parseDouble(args[4]);
        }
        catch (final NumberFormatException ex)
        {
            System.err.println(usage + "\nrounds must be a whole number and bound a number: " + ex.getMessage());
            return null;
        }
        if (rounds < 1)
        {
            System.err.println(usage + "\nrounds must be at least 1");
            return null;
        }
        final Map<String, String> modes = new LinkedHashMap<>();
        for (int i = 5; i < args.length; i++)
        {
            final int eq = args[i].indexOf('=');
            if (eq <= 0)
            {
                System.err.println(usage + "\na mode is 'name=agent options' (the options may be empty): " + args[i]);
                return null;
            }
            modes.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        return new ProbeArguments(Path.of(args[0]).toAbsolutePath(), args[1], workload, rounds, bound, modes);
    }
}
