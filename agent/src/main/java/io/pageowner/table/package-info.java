/**
 * The off-heap owner table, page-granular (any address answers with the record owning its page), with
 * its layout in {@code OwnerTableDescriptor}; and sampled mode's index of every live block,
 * {@code LiveSizes}, with its own layout. Zero heap allocation on insert, remove and lookup.
 * <p>
 * Depends on: nothing of page-owner (Agrona only).
 */
package io.pageowner.table;
