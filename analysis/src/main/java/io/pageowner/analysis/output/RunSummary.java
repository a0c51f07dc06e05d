package io.pageowner.analysis.output;

import io.pageowner.analysis.group.Sampling;
import io.pageowner.analysis.parse.DumpTime;

import java.util.List;

/**
 * What a run read, for the formats that show it next to the groups.
 *
 * @param input       name of the input.
 * @param commandLine the command and its arguments, e.g. {@code sort --cull=st dump.txt}.
 * @param records     well-formed records read.
 * @param accepted    records that passed the filters.
 * @param damaged     damaged records skipped.
 * @param comments    trailer lines of the dump.
 * @param sampling    whether the dump is sampled, and how its figures are shown.
 * @param time        when the dump was taken, from its trailer, or null if it does not say.
 */
public record RunSummary(
    String input, String commandLine, long records, long accepted, long damaged, List<String> comments,
    Sampling sampling, DumpTime time)
{
}
