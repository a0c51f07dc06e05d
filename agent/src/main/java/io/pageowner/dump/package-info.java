/**
 * The dump: records in the kernel's {@code page_owner} text format, the trailer of totals, and the
 * writer that streams the table into a file under a temporary name; also the live stacks view and the
 * memory figures (JDK pools, RSS) the trailer and MBean report.
 * <p>
 * Depends on: {@code record}, {@code table}, {@code depot}.
 */
package io.pageowner.dump;
