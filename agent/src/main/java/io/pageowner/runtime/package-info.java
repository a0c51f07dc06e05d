/**
 * The composition root, inside the agent's own class loader: it defines the hook classes into
 * {@code java.base}, builds the table, depots and recorder, installs the advice, and runs the control
 * plane (the agent thread, dump triggers by signal, period, exit and direct-memory exhaustion, and the
 * MBean's registration).
 * <p>
 * Depends on: every runtime package below it ({@code options}, {@code instrument}, {@code record},
 * {@code table}, {@code depot}, {@code dump}, {@code jmx}, {@code jfr}, {@code signal}, {@code log}); nothing depends
 * on it.
 */
package io.pageowner.runtime;
