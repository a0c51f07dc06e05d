/**
 * The peer comparison outside JMH (issue 19.3): {@link io.pageowner.bench.peer.PeerProbe} forks a plain loop of
 * Unsafe pairs under page-owner and async-profiler's {@code nativemem}, interleaved, and prints the time per pair
 * inside the loop beside the whole process's wall time and the size of what the peer wrote.
 */
package io.pageowner.bench.peer;
