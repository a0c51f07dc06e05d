package io.pageowner.analysis.parse;

/**
 * Reads the fields of a record's {@code PFN} line: the allocator bits (CMA, slab, vmalloc), our {@code bytes=}
 * and, in a sampled dump, {@code weight=}.
 */
final class PfnFields
{
    private static final byte[] CMA = Bytes.ascii("CMA");
    private static final byte[] SLAB = Bytes.ascii("slab");
    private static final byte[] BYTES_FIELD = Bytes.ascii("bytes=");
    private static final byte[] WEIGHT_FIELD = Bytes.ascii("weight=");
    private static final byte[] JVM_FLAGS = Bytes.ascii(" Flags 0x0(address=");
    private static final int WEIGHT_EXCERPT = 40;
    /** Bytes of a kernel record are 4096 per page. */
    private static final int PAGE_SHIFT = 12;
    /** Decimals of up to this many significant digits are exact as a double, as is their quotient by 10^n. */
    private static final int EXACT_DIGITS = 15;
    private static final double[] POWERS_OF_TEN =
    {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22
    };

    private PfnFields()
    {
    }

    /**
     * Read the {@code weight=} field of a sampled dump's PFN line into the record: digits with an optional
     * fraction, positive and finite, ended by {@code |} or {@code )}. A record without one has weight 1.
     *
     * @param block  holding the PFN line.
     * @param record to set the weight of.
     * @return false if the weight is malformed (the block is then damaged).
     */
    static boolean parseWeight(final Block block, final RecordFields record)
    {
        record.weight = 1.0;
        record.hasWeight = false;
        final byte[] pfn = block.pfn;
        final int pfnLength = block.pfnLength;
        if (pfnLength == 0)
        {
            return true;
        }
        final int field = findField(pfn, pfnLength, WEIGHT_FIELD);
        if (field < 0)
        {
            return true;
        }

        final int start = field + WEIGHT_FIELD.length;
        final int integerEnd = Bytes.digitsEnd(pfn, start, pfnLength);
        int end = integerEnd;
        boolean wellFormed = integerEnd > start;
        if (wellFormed && end < pfnLength && pfn[end] == '.')
        {
            end = Bytes.digitsEnd(pfn, end + 1, pfnLength);
            wellFormed = end > integerEnd + 1;
        }
        wellFormed &= end < pfnLength && (pfn[end] == '|' || pfn[end] == ')');
        if (!wellFormed)
        {
            final String value = excerpt(pfn, pfnLength, start);
            block.damage(block.pfnLine, value.isEmpty() ? "malformed weight: 'weight=' has no value; expected a " +
                "positive decimal such as weight=128.5" : "malformed weight 'weight=" + value + "': expected a " +
                "positive decimal such as weight=128.5 (digits, optionally '.' and digits)");
            return false;
        }

        final double weight = decimal(pfn, start, integerEnd, end);
        if (weight == 0.0)
        {
            block.damage(block.pfnLine, "malformed weight 'weight=" + excerpt(pfn, pfnLength, start) + "': a " +
                "weight must be positive (the number of allocations the record stands for)");
            return false;
        }
        if (Double.isInfinite(weight))
        {
            block.damage(block.pfnLine, "malformed weight 'weight=" + excerpt(pfn, pfnLength, start) +
                "': out of range");
            return false;
        }
        record.weight = weight;
        record.hasWeight = true;
        return true;
    }

    /**
     * The value of {@code digits[.digits]}, correctly rounded: exactly from the parsed digits when there are few
     * enough significant ones, else by {@code Double.parseDouble}.
     */
    private static double decimal(final byte[] pfn, final int start, final int integerEnd, final int end)
    {
        final int fractionStart = integerEnd < end ? integerEnd + 1 : end;
        final int fractionDigits = end - fractionStart;
        int significantStart = start;
        while (significantStart < end && (pfn[significantStart] == '0' || pfn[significantStart] == '.'))
        {
            significantStart++;
        }
        final int significant = end - significantStart - (significantStart < integerEnd && integerEnd < end ? 1 : 0);
        if (significant <= EXACT_DIGITS && fractionDigits < POWERS_OF_TEN.length)
        {
            final long integer = Bytes.parseUnsigned(pfn, start, integerEnd);
            final long fraction = fractionDigits == 0 ? 0 : Bytes.parseUnsigned(pfn, fractionStart, end);
            // NOTE: with at most 15 significant digits the integer part is 0 or has at most 15 - fractionDigits
            // digits, so the mantissa is exact, and both operands are exact doubles, so the quotient is the
            // correctly rounded value of the decimal.
            final long mantissa = integer == 0 ? fraction : integer * (long)POWERS_OF_TEN[fractionDigits] + fraction;
            return mantissa / POWERS_OF_TEN[fractionDigits];
        }
        return Double.parseDouble(Bytes.latin1(pfn, start, end));
    }

    /**
     * The value of a weight field for a message: up to its {@code |} or {@code )}, at most 40 bytes.
     */
    private static String excerpt(final byte[] pfn, final int pfnLength, final int start)
    {
        int end = start;
        while (end < pfnLength && end - start < WEIGHT_EXCERPT && pfn[end] != '|' && pfn[end] != ')')
        {
            end++;
        }
        final boolean cut = end - start == WEIGHT_EXCERPT && end < pfnLength && pfn[end] != '|' && pfn[end] != ')';
        return Bytes.latin1(pfn, start, end) + (cut ? "..." : "");
    }

    /**
     * Start of the first {@code name=} field of the flags, one that follows {@code (} or {@code |}.
     */
    private static int findField(final byte[] pfn, final int pfnLength, final byte[] name)
    {
        int from = 0;
        while (from < pfnLength)
        {
            final int found = Bytes.indexOf(pfn, from, pfnLength, name);
            if (found < 0)
            {
                return -1;
            }
            if (found > 0 && (pfn[found - 1] == '(' || pfn[found - 1] == '|'))
            {
                return found;
            }
            from = found + 1;
        }
        return -1;
    }

    /**
     * Read the allocator bits, the bytes and the module of a record into its fields.
     *
     * @param block  holding the PFN line, if the record has one.
     * @param record to set the fields of.
     * @param header of the record.
     * @param stack  of the record.
     * @return false if the record's bytes are 2^63 or more (the block is then damaged): no total could hold them.
     */
    static boolean parse(final Block block, final RecordFields record, final RecordHeader header, final StackText stack)
    {
        final byte[] pfn = block.pfn;
        final int pfnLength = block.pfnLength;
        int allocator = 0;
        long bytes = -1;
        if (pfnLength > 0)
        {
            // NOTE: the kernel's tool looks for CMA and slab anywhere in the PFN line, where they can only be a
            // migratetype or a page flag. In our records the flags part holds a file path, which may well contain
            // either word, so only the part before it counts.
            final int jvmFlags = Bytes.indexOf(pfn, 0, pfnLength, JVM_FLAGS);
            final int allocatorEnd = jvmFlags >= 0 ? jvmFlags : pfnLength;
            if (Bytes.indexOf(pfn, 0, allocatorEnd, CMA) >= 0)
            {
                allocator |= RecordFields.ALLOCATOR_CMA;
            }
            if (Bytes.indexOf(pfn, 0, allocatorEnd, SLAB) >= 0)
            {
                allocator |= RecordFields.ALLOCATOR_SLAB;
            }
            final int field = Bytes.indexOf(pfn, 0, pfnLength, BYTES_FIELD);
            if (field > 0 && (pfn[field - 1] == '(' || pfn[field - 1] == '|'))
            {
                final int digits = field + BYTES_FIELD.length;
                final int digitsEnd = Bytes.digitsEnd(pfn, digits, pfnLength);
                if (digitsEnd > digits)
                {
                    bytes = Bytes.parseUnsigned(pfn, digits, digitsEnd);
                    if (bytes < 0)
                    {
                        final boolean cut = digitsEnd - digits > WEIGHT_EXCERPT;
                        block.damage(block.pfnLine, "bytes=" +
                            Bytes.latin1(pfn, digits, cut ? digits + WEIGHT_EXCERPT : digitsEnd) + (cut ? "..." : "") +
                            " is out of range: 2^63 bytes or more cannot be summed exactly");
                        return false;
                    }
                }
            }
        }
        if (bytes < 0)
        {
            if (header.pages > Long.MAX_VALUE >> PAGE_SHIFT)
            {
                block.damage(block.line, "order " + header.order + " without a bytes= field is 2^" +
                    (header.order + PAGE_SHIFT) + " bytes (4096 per page), out of range: 2^63 bytes or more " +
                    "cannot be summed exactly");
                return false;
            }
            bytes = header.pages << PAGE_SHIFT;
        }

        final int vmalloc = header.vmallocVerdict != StackText.VMALLOC_NONE ?
            header.vmallocVerdict : stack.vmallocVerdict;
        if (vmalloc == StackText.VMALLOC_YES || (vmalloc == StackText.VMALLOC_IF_HEADER && header.containsAllocPages))
        {
            allocator |= RecordFields.ALLOCATOR_VMALLOC;
        }
        if (allocator == 0)
        {
            allocator = RecordFields.ALLOCATOR_OTHERS;
        }
        record.allocator = allocator;
        record.bytes = bytes;

        if (null != header.module)
        {
            record.module = header.module;
            record.moduleId = header.moduleId;
        }
        else
        {
            record.module = null == stack.module ? "vmlinux" : stack.module;
            record.moduleId = stack.moduleId;
        }
        return true;
    }
}
