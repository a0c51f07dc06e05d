/**
 * The output stage: one writer per format (text, collapsed, HTML, pprof with its small protocol buffer encoder) and
 * the output file that is renamed into place.
 * <p>
 * Depends on {@code group} and {@code parse}.
 */
package io.pageowner.analysis.output;
