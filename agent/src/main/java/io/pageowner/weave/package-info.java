/**
 * Puts the advice into the JDK's classes, fast: a class file transformer that applies the woven bytes
 * of an earlier start from an on-disk cache, and asks the weaver (Byte Buddy, in {@code instrument})
 * only for classes it has not seen. A warm start loads no Byte Buddy class at all. No class here
 * names a Byte Buddy type; {@link io.pageowner.weave.Weaver} is the one seam.
 * <p>
 * May use: {@code log}.
 */
package io.pageowner.weave;
