/**
 * Byte Buddy only: one {@code *Instrumentation} per JDK allocation path, each with nested
 * {@code *Advice} classes whose bodies are one static call into {@code jdk.internal.misc.PageOwnerHooks},
 * and the installer with its per-version checks of what matched.
 * <p>
 * Depends on: {@code record} (kind constants, inlined at compile time), {@code log}.
 */
package io.pageowner.instrument;
