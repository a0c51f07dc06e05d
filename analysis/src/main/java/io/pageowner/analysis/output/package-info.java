/**
 * The output stage: one writer per format (text, collapsed, HTML) and the output file that is renamed into place.
 * <p>
 * Depends on {@code group} and {@code parse}.
 */
package io.pageowner.analysis.output;
