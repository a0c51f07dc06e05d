/**
 * The off-heap owner table, page-granular (any address answers with the record owning its page): its writer
 * {@code OwnerTable}, its reader {@code OwnerTableReader} and its layout in {@code OwnerTableDescriptor}; and
 * sampled mode's index of every live block, {@code LiveSizes}, with its layout in {@code LiveSizesDescriptor}.
 * Zero heap allocation on insert, remove and lookup.
 * <p>
 * Depends on: nothing of page-owner (Agrona only).
 */
package io.pageowner.table;
