/**
 * Stack and thread interning (each distinct stack and thread stored once, named by a small id) and
 * stack capture, from a {@code Throwable}'s backtrace or {@code StackWalker}.
 * <p>
 * Depends on: nothing of page-owner.
 */
package io.pageowner.depot;
