/**
 * The agent's logging: one stderr line per message, prefixed {@code [page-owner]}, with a level set by
 * an option. Never called from the recording path.
 * <p>
 * Depends on: nothing of page-owner.
 */
package io.pageowner.log;
