/**
 * The analysis side, today {@code page-owner.jar sort}: the JVM twin of the kernel's
 * {@code tools/mm/page_owner_sort}.
 * <p>
 * <b>Compatibility.</b> Options, cull and sort keys, timestamp normalisation, the "N times, M pages" sums and the
 * output bytes follow the kernel tool (mm tree e7d6bb0d, which also has {@code -M} and {@code --module}). On
 * well-formed input of the 5.18+ format the output is byte-identical to the kernel binary's, including the order
 * of ties: glibc's qsort is a stable merge sort, so the kernel tool prints ties in the order of its cull pass, and
 * {@link io.pageowner.analysis.group.BlockComparators} breaks ties the same way (cull key, then text, then first
 * appearance), which also makes our output deterministic.
 * <p>
 * <b>Streaming.</b> Records are aggregated while they are read ({@link io.pageowner.analysis.group.Aggregator}):
 * a record becomes an interned header line (with its {@code ts} digits taken out), an interned stack text and
 * the group they belong to. Memory grows with distinct headers, stacks and groups, never with records, except that with
 * timestamps kept in the text ({@code -a}, or {@code --sort} starting with {@code at}) every timestamp is its own
 * group, as in the kernel tool; such a group costs about 150 bytes (a 1 GB dump of 1.4 million records sorts with
 * {@code -a} in a 400 MB heap). Nothing is spilled to disk.
 * <p>
 * <b>Deliberate differences from the kernel tool</b>, all where it loses data, aborts or overflows:
 * <ul>
 *     <li>Headers without {@code tgid N (comm)} (kernels before 5.18, back to 3.19), a comm longer than 15 bytes,
 *     and two empty lines in a row are read; the kernel tool stops with "Out of memory" and an empty output.
 *     Missing fields take the older tools' fallbacks: pid and tgid -1, an empty comm, the largest timestamp.</li>
 *     <li>The last record needs no empty line after it; CRLF is read as LF; a line of only blanks separates records;
 *     a header line or a {@code # } line inside a block starts a new block (reported as a missing separator);
 *     a UTF-8 byte order mark is skipped; gzip input is decompressed.</li>
 *     <li>Damaged records are skipped, counted and named by line on stderr; {@code --strict} stops at the first.
 *     An unterminated last line that is cut short, a header cut short, a record without stack, binary bytes, a
 *     line over 1 MiB or a record over 16 MiB make a record damaged. An order over 62 is damaged too (the kernel
 *     tool counts it as 0 pages or overflows), and so are a {@code bytes=} of 2^63 or more and, without
 *     {@code bytes=}, an order over 50 (4096 bytes a page would pass 2^63).</li>
 *     <li>Header fields are parsed by the structure of the line rather than with the kernel tool's six
 *     whole-block regexes; the two agree on every header a kernel or our agent writes (the comm runs to the last
 *     {@code "), ts "} as with its greedy regex), and differ only for comms made to look like other fields.</li>
 *     <li>Sums are exact 64-bit (the kernel tool's int overflows at 2^31 pages): when the pages or bytes of the
 *     records read pass 2^63 - 1 the run stops with status 2, naming the line. The representative of a group is its
 *     first record in the file (the kernel tool's, in practice); with {@code -a} a group sorts by its earliest
 *     timestamp. A block without a PFN line has no CMA or SLAB allocator bit, where the kernel tool reuses the
 *     previous block's PFN line. In our records {@code CMA} and {@code slab} are looked for only before
 *     {@code Flags}, since what follows is ours and holds file paths; the kernel tool would report a mapped
 *     {@code /data/CMAKE/x} as allocated by CMA.</li>
 *     <li>Errors and the usage after an error go to stderr; more than two operands is an error; {@code --s} is
 *     ambiguous ({@code --sort}, {@code --strict}, {@code --show-bytes}). Exit status 2 (not 0 or 1) when the input
 *     cannot be read or holds no readable record, or the output cannot be written. The "loaded N" line is printed
 *     once, without the kernel tool's carriage-return progress.</li>
 *     <li>The output is written to a temporary file next to it and renamed into place, so it is never left
 *     half-written; the kernel tool truncates it before reading the input.</li>
 *     <li>Trailer lines ({@code # ...} after the records, as our agent writes them) are printed to stderr and shown
 *     in the HTML page, not written into the text or collapsed output, which stay parseable as the kernel tool's.</li>
 * </ul>
 * <b>Additions:</b> bytes ({@code -b}, {@code --show-bytes}, sort key {@code bytes}; from our {@code bytes=} field,
 * 4096 per page for kernel records), kinds ({@code --kind}, cull and sort key {@code kind}: the names in the mask's
 * parentheses), the top application frame (cull and sort key {@code frame}: the first frame outside
 * {@code java.}, {@code javax.}, {@code jdk.}, {@code sun.} and {@code com.sun.}), sort keys {@code times} and
 * {@code pages}, {@code --format collapsed}, {@code --format html} and {@code --format pprof} (a gzipped
 * {@code profile.proto} for {@code go tool pprof}; see {@link io.pageowner.analysis.output.PprofProfile}).
 * <p>
 * <b>Sampled dumps.</b> The agent's {@code sample=<bytes>} mode records an allocation of s bytes with probability
 * p = 1 - exp(-s/P) (mean interval P) and writes {@code weight=1/p}, the number of allocations the record stands
 * for, as the last field of the PFN line's flags, and a {@code # sampling: mean interval P bytes, ...} trailer line.
 * In such a dump the times, pages and bytes of a group, printed and sorted by, are estimates: the sums of the
 * weights, of weight &times; 2^order and of weight &times; bytes, rounded half up when printed. The text output
 * starts with a {@code # sampled dump (mean interval P bytes): ...} line (a block of its own without
 * {@code --cull}) and writes a group's figures as {@code ~N times, ~M pages[, ~B bytes] (S samples)}; folded
 * stacks weigh the rounded estimate under the same first line (it ends in no number, so flame graph tools skip
 * it); the HTML page says so under its summary and marks each estimate. {@code --unweighted} counts the samples
 * instead, in the kernel's plain form after a first line saying they are sample counts. A record without a weight
 * in a sampled dump counts as 1 (one warning on stderr, and the first line says how many); a weight that is not
 * a positive decimal ({@code digits[.digits]}) makes its record damaged. The weighted sums live in a small object
 * made at a group's first record whose weight is not 1, so an unsampled dump costs what it did, and a sampled one
 * about 40 bytes more per group.
 * <p>
 * <b>Layout.</b> The command ({@code PageOwnerSort}, {@code SortOptions}, exit statuses) is this package; it uses
 * the three stages, which point one way only: {@code output} uses {@code group}, {@code group} uses
 * {@code parse}, and none uses this package. The module depends on nothing but the JDK and imports nothing of
 * the agent's runtime; the agent's jar carries it.
 */
package io.pageowner.analysis;
