/**
 * The dump signal's handler (default {@code USR1}; never {@code USR2}, which HotSpot uses itself),
 * registered through {@code jdk.internal.misc.Signal}; it only queues a dump for the agent thread.
 * <p>
 * Depends on: {@code log}.
 */
package io.pageowner.signal;
