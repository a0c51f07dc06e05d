package io.pageowner.instrument;

/**
 * What kind of off-heap memory a record is: the dump shows it where the kernel shows the gfp mask,
 * as bits and names, e.g. {@code mask 0x2(DIRECT)}.
 */
public final class Kind
{
    /** Raw {@code Unsafe.allocateMemory}, from {@code sun.misc} or {@code jdk.internal.misc}. */
    public static final int UNSAFE = 0x1;
    /** {@code ByteBuffer.allocateDirect}. */
    public static final int DIRECT = 0x2;
    /** {@code FileChannel.map}. */
    public static final int MAPPED = 0x4;
    /** FFM {@code Arena.allocate}. */
    public static final int ARENA = 0x8;
    /** The result of {@code Unsafe.reallocateMemory}. */
    public static final int REALLOC = 0x10;

    private static final String[] NAMES = { "UNSAFE", "DIRECT", "MAPPED", "ARENA", "REALLOC" };
    private static final String[] TYPES = { "Unsafe", "Direct", "Mapped", "Arena", "Realloc" };

    private Kind()
    {
    }

    /**
     * The kind bits as the kernel's {@code %pGg} prints gfp flags: names joined by {@code |}.
     *
     * @param kind bits.
     * @return e.g. {@code DIRECT}, or {@code UNSAFE|REALLOC}; empty for 0.
     */
    public static String names(final int kind)
    {
        final StringBuilder sb = new StringBuilder(16);
        int rest = kind;
        for (int i = 0; i < NAMES.length; i++)
        {
            if (0 != (kind & (1 << i)))
            {
                if (sb.length() > 0)
                {
                    sb.append('|');
                }
                sb.append(NAMES[i]);
                rest &= ~(1 << i);
            }
        }
        if (0 != rest)
        {
            if (sb.length() > 0)
            {
                sb.append('|');
            }
            sb.append("0x").append(Integer.toHexString(rest));
        }
        return sb.toString();
    }

    /**
     * The kind as a single word for the PFN line's {@code type} fields (the kernel's migratetype).
     *
     * @param kind bits.
     * @return the name of the highest kind bit set, e.g. {@code Direct}.
     */
    public static String type(final int kind)
    {
        for (int i = TYPES.length - 1; i >= 0; i--)
        {
            if (0 != (kind & (1 << i)))
            {
                return TYPES[i];
            }
        }
        return "Unknown";
    }
}
