/**
 * The recorder: what the boot hooks forward every off-heap event to. It captures the stack, interns it
 * and the thread, and keeps the owner table true; it counts what it could not track and why
 * ({@code Counters}), names allocation kinds ({@code Kind}) and keeps the file of each mapping.
 * <p>
 * Depends on: {@code table}, {@code depot}.
 */
package io.pageowner.record;
