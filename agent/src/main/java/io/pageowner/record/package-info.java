/**
 * The recorder: what the boot hooks forward every off-heap event to, through one thin adapter
 * ({@code SinkAdapter}, the only class that names the boot sink). It captures the stack, interns it
 * and the thread, and keeps the owner table true, under a per-thread guard written once
 * ({@code ThreadState}); full and sampled mode are two strategies ({@code Recording}). It counts what
 * it could not track and why ({@code Counters}), names allocation kinds ({@code Kind}) and keeps the
 * file of each mapping.
 * <p>
 * Depends on: {@code table}, {@code depot}.
 */
package io.pageowner.record;
