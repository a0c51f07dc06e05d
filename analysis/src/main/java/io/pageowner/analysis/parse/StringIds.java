package io.pageowner.analysis.parse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dense ids for the strings a group key is made of (comm, kind, module, frame), so a key compares as ints.
 */
public final class StringIds
{
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> strings = new ArrayList<>();

    /**
     * Id of a string, assigned on first sight.
     *
     * @param value to look up.
     * @return its id.
     */
    public int id(final String value)
    {
        final Integer id = ids.get(value);
        if (null != id)
        {
            return id;
        }
        final int created = strings.size();
        strings.add(value);
        ids.put(value, created);
        return created;
    }

    /**
     * The string of an id.
     *
     * @param id from {@link #id(String)}.
     * @return the string.
     */
    public String string(final int id)
    {
        return strings.get(id);
    }
}
