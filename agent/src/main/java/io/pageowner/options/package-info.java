/**
 * The agent's options ({@code -javaagent:page-owner.jar=on,key=value...}): parsing, validation and
 * their one description for users. Safe on any class loader: it uses nothing but {@code java.base}.
 * <p>
 * Depends on: nothing of page-owner.
 */
package io.pageowner.options;
