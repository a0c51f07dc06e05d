/**
 * The two classes the pool advice calls, inlined into a pool's own classes (Netty's buffers), which the
 * application's class loader loads. They ship as {@code io/pageowner/boot/*.classdata}, not as classes, and the
 * runtime defines them with the boot loader into its unnamed module, which every loader reaches and which exports
 * every package: nothing is exported to the application, and no jar is appended to the boot class path. Depends
 * on nothing but {@code java.base}.
 */
package io.pageowner.pool;
