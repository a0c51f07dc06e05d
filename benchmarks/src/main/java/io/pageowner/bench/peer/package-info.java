/**
 * Probes outside JMH that fork plain loops: {@link io.pageowner.bench.peer.PeerProbe} compares page-owner with
 * async-profiler's {@code nativemem} (issue 19.3); {@link io.pageowner.bench.peer.RatioProbe} and
 * {@link io.pageowner.bench.peer.SwitchProbe} give verdicts on throughput ratios a noisy host can resolve (issue
 * 19.4). They depend on the JDK only (and its attach API); page-owner is loaded into their forks as a jar.
 */
package io.pageowner.bench.peer;
