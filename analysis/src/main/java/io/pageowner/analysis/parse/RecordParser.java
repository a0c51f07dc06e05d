package io.pageowner.analysis.parse;

/**
 * Turns a whole record block into its fields: normalises the header line (takes its {@code ts} digits out, so
 * records that differ only in time share one interned header), interns the header and the stack, and reads the
 * PFN line. The distinct headers and stacks, and the ids of the strings a group key is made of, live here.
 */
public final class RecordParser
{
    private final boolean keepTimestamps;
    private final ByteTable<RecordHeader> headers = new ByteTable<>();
    private final ByteTable<StackText> stacks = new ByteTable<>();
    private final StringIds commIds = new StringIds();
    private final StringIds kindIds = new StringIds();
    private final StringIds moduleIds = new StringIds();
    private final ByteTable.Factory<RecordHeader> headerFactory = this::newHeader;
    private final ByteTable.Factory<StackText> stackFactory = this::newStack;
    private byte[] scratch = new byte[1 << 10];
    private String headerError;

    /**
     * A parser for one input.
     *
     * @param keepTimestamps whether the {@code ts} digits stay in the header text (sorting by allocation time).
     */
    public RecordParser(final boolean keepTimestamps)
    {
        this.keepTimestamps = keepTimestamps;
    }

    /**
     * Read a whole record (one with a header line and a stack) into its fields.
     *
     * @param block  of the record.
     * @param record to fill.
     * @return false if the record is damaged (the block says why).
     */
    public boolean parse(final Block block, final RecordFields record)
    {
        if (!PfnFields.parseWeight(block, record))
        {
            return false;
        }

        final byte[] text = block.text;
        final int headerEnd = block.headerEnd;
        final int digits = RecordHeader.findTimestamp(text, 0, headerEnd);
        int digitsEnd = digits;
        long timestamp = -1L;
        if (digits >= 0)
        {
            digitsEnd = Bytes.digitsEnd(text, digits, headerEnd);
            timestamp = Bytes.parseUnsigned(text, digits, digitsEnd);
        }
        final int digitCount = digitsEnd - digits;
        final boolean tsAsKey = keepTimestamps && digitCount > 0 && digitCount <= 18 &&
            (digitCount == 1 || text[digits] != '0');

        final RecordHeader header;
        headerError = null;
        if (digitCount > 0 && (!keepTimestamps || tsAsKey))
        {
            final int normalLength = headerEnd - digitCount;
            if (scratch.length < normalLength)
            {
                scratch = new byte[Math.max(normalLength, scratch.length * 2)];
            }
            System.arraycopy(text, 0, scratch, 0, digits);
            System.arraycopy(text, digitsEnd, scratch, digits, headerEnd - digitsEnd);
            header = headers.intern(scratch, 0, normalLength, headerFactory);
        }
        else
        {
            header = headers.intern(text, 0, headerEnd, headerFactory);
        }
        if (null == header)
        {
            block.damage(block.line, headerError);
            return false;
        }

        final StackText stack = stacks.intern(text, headerEnd + 1, block.length - headerEnd - 1, stackFactory);
        record.header = header;
        record.stack = stack;
        record.timestamp = timestamp;
        record.tsKey = tsAsKey ? timestamp : -1L;
        return PfnFields.parse(block, record, header, stack);
    }

    private RecordHeader newHeader(final byte[] bytes, final int hash)
    {
        final RecordHeader header = new RecordHeader(bytes, hash);
        headerError = header.parse();
        if (null != headerError)
        {
            return null;
        }
        header.commId = commIds.id(header.comm);
        header.kindId = kindIds.id(header.kind);
        header.moduleId = null == header.module ? -1 : moduleIds.id(header.module);
        return header;
    }

    private StackText newStack(final byte[] bytes, final int hash)
    {
        final StackText stack = new StackText(bytes, hash);
        stack.moduleId = moduleIds.id(null == stack.module ? "vmlinux" : stack.module);
        return stack;
    }

    /**
     * The distinct header lines, with their {@code ts} digits taken out unless timestamps are kept.
     *
     * @return the distinct header lines.
     */
    public ByteTable<RecordHeader> headers()
    {
        return headers;
    }

    /**
     * The distinct stack texts.
     *
     * @return the distinct stack texts.
     */
    public ByteTable<StackText> stacks()
    {
        return stacks;
    }
}
