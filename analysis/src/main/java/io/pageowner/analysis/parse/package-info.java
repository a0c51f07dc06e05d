/**
 * The parse stage: the line reader, byte searches and the one number parser, interning of record texts, and the
 * fields of a record's header, stack and PFN line.
 * <p>
 * Depends on the JDK only.
 */
package io.pageowner.analysis.parse;
