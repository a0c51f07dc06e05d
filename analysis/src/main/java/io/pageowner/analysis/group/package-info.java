/**
 * The group stage: frames records out of the parsed lines, filters them, aggregates them into groups with their
 * weights, and orders the groups (the comparators and sort keys).
 * <p>
 * Depends on {@code parse}.
 */
package io.pageowner.analysis.group;
