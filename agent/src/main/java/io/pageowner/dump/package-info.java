/**
 * The dump: records in the kernel's {@code page_owner} text format ({@code PageOwnerFormat}), the trailer of
 * totals ({@code DumpTrailer}), the per-stack totals of the live stacks view ({@code StackTotals}), full or sampled
 * ({@code DumpMode}), and the writer that streams them into a file under a temporary name; also the memory figures
 * (JDK pools, RSS) the trailer and MBean report.
 * <p>
 * Depends on: {@code record}, {@code table}, {@code depot}.
 */
package io.pageowner.dump;
