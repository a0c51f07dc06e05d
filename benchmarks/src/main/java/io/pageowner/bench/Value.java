package io.pageowner.bench;

import java.util.Locale;

/**
 * A figure with its JMH error (99.9 % confidence half-width), carried through differences and ratios as
 * independent errors, so that a verdict can say when the error bars alone decide nothing. A figure without an
 * error (the footprint's) has a NaN error.
 *
 * @param v   the figure; NaN when it was not measured.
 * @param err its error; NaN when it has none.
 */
record Value(double v, double err)
{
    /** No figure. */
    static final Value NONE = new Value(Double.NaN, Double.NaN);

    /**
     * A figure without an error.
     *
     * @param v the figure.
     * @return it, with a NaN error.
     */
    static Value exact(final double v)
    {
        return new Value(v, Double.NaN);
    }

    Value minus(final Value o)
    {
        return new Value(v - o.v, Math.hypot(err, o.err));
    }

    Value over(final Value o)
    {
        final double r = v / o.v;
        return new Value(r, Math.abs(r) * Math.hypot(err / v, o.err / o.v));
    }

    boolean missing()
    {
        return Double.isNaN(v);
    }

    /**
     * The figure and its error.
     *
     * @param format for both, e.g. {@code %.0f}.
     * @return e.g. {@code 947 ± 83}, or {@code n/a}.
     */
    String show(final String format)
    {
        return missing() ? "n/a" : String.format(Locale.ROOT, format, v) +
            (Double.isNaN(err) ? "" : String.format(Locale.ROOT, " ± " + format, err));
    }
}
