/**
 * What grew between two dumps: the groups of each dump matched by their text (never by the ids one run gives them,
 * so dumps of different processes of the same program compare), the growth of each, and its text and folded
 * output. Memory grows with the number of groups of the two dumps, never with their records.
 */
package io.pageowner.analysis.diff;
