package io.pageowner.analysis.output;

import io.pageowner.analysis.group.GroupOptions;
import io.pageowner.analysis.group.SortKey;

/**
 * What the writers read of the command line, on top of what the groups were made with.
 */
public interface OutputOptions extends GroupOptions
{
    /**
     * Whether a field is shown in the culled output: culled on or filtered by.
     *
     * @param key of the field.
     * @return whether the field is shown.
     */
    public boolean shows(SortKey key);

    /**
     * Whether a cull key is selected.
     *
     * @param key to test.
     * @return whether it is culled on.
     */
    public boolean culls(SortKey key);

    /**
     * Whether the bytes column is printed in the text format.
     *
     * @return whether bytes are shown.
     */
    public boolean showBytes();

    /**
     * Weight of the collapsed format.
     *
     * @return weight of the collapsed format.
     */
    public CollapsedWeight weight();
}
