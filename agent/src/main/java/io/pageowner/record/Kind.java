package io.pageowner.record;

/**
 * What kind of off-heap memory a record is: the dump shows it where the kernel shows the gfp mask,
 * as bits and names, e.g. {@code mask 0x2(DIRECT)}.
 * <p>
 * A record has exactly one of the kinds in {@link #KINDS}. {@link #NIO_TEMP} is a modifier, like the
 * kernel's {@code __GFP_*} modifiers: it is added to the kind of the buffer NIO allocated for itself
 * ({@code DIRECT} on JDK 17 to 23, {@code UNSAFE} on 24+), e.g. {@code mask 0x21(UNSAFE|NIO_TEMP)}.
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
    /** Modifier: a temporary direct buffer of NIO's per-thread cache ({@code sun.nio.ch.Util}). */
    public static final int NIO_TEMP = 0x20;
    /**
     * A buffer a pool (Netty's allocators) handed out of one of its chunks, from acquire to release. Its bytes
     * lie inside a chunk that has its own record ({@code DIRECT} or {@code UNSAFE}), so pooled records are
     * kept in a table of their own and their bytes are never added to the chunks'.
     */
    public static final int POOLED = 0x40;
    /**
     * Modifier: a chunk a pool (Netty's {@code PoolArena}) took from the JDK to hand out as {@link #POOLED}
     * buffers, added to its kind ({@code UNSAFE} or {@code DIRECT}); its bytes are the pool's, in use or free.
     */
    public static final int POOL_CHUNK = 0x80;
    /**
     * Modifier: a tool, not the application, made the JVM allocate this block: a {@link #NIO_TEMP} buffer that a JMX
     * connection thread keeps in NIO's per-thread cache after it served a call on page-owner's MBean (the thread of
     * {@code java -jar page-owner.jar dump <pid>} reads the request into one), or anything the JVM's
     * {@code Attach Listener} allocates. It is the application's JDK that holds it, so it stays in the dump, marked,
     * rather than hidden: {@code sort --kind ^TOOL} leaves it out.
     */
    public static final int TOOL = 0x100;
    /** The kinds proper; every record has one of them. */
    public static final int KINDS = UNSAFE | DIRECT | MAPPED | ARENA | REALLOC | POOLED;
    /** How many named bits there are: kind bit {@code i} is {@code 1 << i}. */
    public static final int BITS = 9;

    private static final String[] NAMES =
        { "UNSAFE", "DIRECT", "MAPPED", "ARENA", "REALLOC", "NIO_TEMP", "POOLED", "POOL_CHUNK", "TOOL" };
    private static final String[] TYPES =
        { "Unsafe", "Direct", "Mapped", "Arena", "Realloc", null, "Pooled", null, null };

    private Kind()
    {
    }

    /**
     * The name of one bit.
     *
     * @param bit from 0 to {@link #BITS} - 1.
     * @return e.g. {@code DIRECT} for bit 1.
     */
    public static String name(final int bit)
    {
        return NAMES[bit];
    }

    /**
     * The kind of an allocation made while a thread carries a marker: the marked kind, or
     * {@link #UNSAFE} when the marker names no kind (none, or only modifiers).
     *
     * @param marker the thread's marker bits.
     * @return the record's kind bits.
     */
    public static int ofAllocation(final int marker)
    {
        return 0 == (marker & KINDS) ? marker | UNSAFE : marker;
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
     * @return the name of the highest kind bit set, modifiers left out, e.g. {@code Direct}.
     */
    public static String type(final int kind)
    {
        for (int i = TYPES.length - 1; i >= 0; i--)
        {
            if (null != TYPES[i] && 0 != (kind & (1 << i)))
            {
                return TYPES[i];
            }
        }
        return "Unknown";
    }
}
