package io.pageowner.analysis.output;

/**
 * Weight of a folded stack in the collapsed format.
 */
public enum CollapsedWeight
{
    /**
     * Sum of bytes.
     */
    BYTES,

    /**
     * Sum of pages.
     */
    PAGES,

    /**
     * Number of records.
     */
    TIMES
}
