/**
 * JFR events: each recorded allocation ({@code io.pageowner.OffHeapAllocation}) and a periodic summary of live
 * totals beside the JDK's buffer pools and the process's RSS ({@code io.pageowner.OffHeapSummary},
 * {@code io.pageowner.OffHeapUsage} per kind), all off unless a recording asks for them. {@code JfrGate} names no
 * {@code jdk.jfr} type: nothing of {@code jdk.jfr} loads until a recording is asked for on the command line or has
 * started, and a runtime without the module gets one log line.
 * <p>
 * Depends on: {@code record}, {@code dump}, {@code log}.
 */
package io.pageowner.jfr;
