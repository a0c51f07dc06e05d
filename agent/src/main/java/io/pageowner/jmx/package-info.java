/**
 * The MBean {@code io.pageowner:type=PageOwner}: live figures read from the recorder and table, and
 * operations that it hands to the running agent through {@code AgentOperations}, an interface this
 * package owns, so that the runtime depends on this package and never the reverse.
 * <p>
 * Depends on: {@code record}, {@code table}, {@code depot}, {@code dump}, {@code instrument}.
 */
package io.pageowner.jmx;
