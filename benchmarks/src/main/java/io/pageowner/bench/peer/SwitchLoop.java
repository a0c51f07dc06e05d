package io.pageowner.bench.peer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The forked program of {@link SwitchProbe}: {@link PeerLoop}'s loop measured twice in one JVM, before and after
 * the probe loads an agent into it.
 * <p>
 * It runs its rounds, prints {@code SWITCH} and waits for a line on its standard input (the probe sends it once
 * the agent's {@code agentmain} has returned), then runs the rounds again, the first ones again uncounted (the
 * agent's retransformation throws away the loop's compiled code, which the JIT then compiles anew). It prints
 * the fastest counted round of each phase as {@code BEFORE} and {@code AFTER}, in ns per operation.
 */
public final class SwitchLoop
{
    private SwitchLoop()
    {
    }

    /**
     * Runs both phases.
     *
     * @param args depth, operations per round, rounds per phase, and the uncounted warm-up rounds among them.
     * @throws IOException if the probe's line cannot be read.
     */
    public static void main(final String[] args) throws IOException
    {
        final int depth = Integer.parseInt(args[0]);
        final int pairs = Integer.parseInt(args[1]);
        final int rounds = Integer.parseInt(args[2]);
        final int warmUp = Integer.parseInt(args[3]);
        long sink = 0;
        final double[] before = new double[rounds - warmUp];
        sink += phase(depth, pairs, warmUp, before);
        System.out.println("SWITCH");
        System.out.flush();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (null == in.readLine())
        {
            throw new IllegalStateException("the probe closed the pipe before switching");
        }
        final double[] after = new double[rounds - warmUp];
        sink += phase(depth, pairs, warmUp, after);
        // NOTE: the host's other work only ever adds time, so the fastest round is the least disturbed one.
        System.out.println("BEFORE " + Arrays.stream(before).min().orElseThrow());
        System.out.println("AFTER " + Arrays.stream(after).min().orElseThrow());
        System.out.println("SINK " + (sink & 1));
    }

    private static long phase(final int depth, final int pairs, final int warmUp, final double[] counted)
    {
        long sink = 0;
        for (int r = 0; r < warmUp + counted.length; r++)
        {
            final long start = System.nanoTime();
            sink += PeerLoop.round(depth, pairs, false);
            final double ns = (System.nanoTime() - start) / (double)pairs;
            if (r >= warmUp)
            {
                counted[r - warmUp] = ns;
            }
        }
        return sink;
    }
}
