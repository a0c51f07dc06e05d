/**
 * The start-up benchmark (issue 19): {@link io.pageowner.bench.startup.StartUpRunner} forks small programs
 * under each agent mode, interleaved, and prints median wall time, time to {@code main} and classes loaded.
 */
package io.pageowner.bench.startup;
