package io.slabforge;

import java.util.List;
import java.util.Objects;

/**
 * A consistent snapshot of a {@link SlabAllocator}'s memory, in total, per size class and for the large-block
 * path, as a general-purpose heap reports them (total, used and available bytes).
 *
 * <p>Exact at the moment of the snapshot, in every sync mode (there are no thread caches whose contents could go
 * uncounted): for each size class, for the large blocks and in total, {@code usedBytes} is the sum of
 * {@link SlabAllocator#usableSize} over the live blocks, and {@code availableBytes == totalBytes - usedBytes}.
 *
 * <pre>{@code
 * AllocatorStats s = allocator.stats();
 * System.out.printf("%d of %d bytes used, %d held from the provider%n", s.usedBytes(), s.totalBytes(), s.heldBytes());
 * for (AllocatorStats.SizeClassStats c : s.sizeClasses()) {
 *     System.out.printf("%5d B: %d live%n", c.blockSize(), c.liveBlocks());
 * }
 * }</pre>
 *
 * @param totalBytes bytes of all blocks that exist: slots in the held slabs of every size class, plus the buddy
 *     regions and huge blocks (live or kept for reuse) of the large-block path
 * @param usedBytes bytes of live blocks, each counted at its usable size
 * @param availableBytes {@code totalBytes - usedBytes}
 * @param heldBytes bytes currently held from the memory provider; above {@code totalBytes} by the unused tail of
 *     each slab (less than one block)
 * @param liveBlocks blocks currently allocated
 * @param sizeClasses one entry per size class, smallest first
 * @param largeBlocks the large-block path (requests above the largest size class); its {@code blockSize} is 0
 */
public record AllocatorStats(long totalBytes, long usedBytes, long availableBytes, long heldBytes, long liveBlocks,
                             List<SizeClassStats> sizeClasses, SizeClassStats largeBlocks) {

    /**
     * Copies the class list; the snapshot is immutable.
     *
     * @param totalBytes see the record description
     * @param usedBytes see the record description
     * @param availableBytes see the record description
     * @param heldBytes see the record description
     * @param liveBlocks see the record description
     * @param sizeClasses see the record description
     * @param largeBlocks see the record description
     */
    public AllocatorStats {
        sizeClasses = List.copyOf(sizeClasses);
        Objects.requireNonNull(largeBlocks, "largeBlocks");
    }

    /**
     * The entry of the size class whose blocks are {@code blockSize} bytes.
     *
     * @param blockSize a size class of the allocator
     * @return its statistics
     * @throws IllegalArgumentException if the allocator has no such class
     */
    public SizeClassStats sizeClass(long blockSize) {
        for (SizeClassStats c : sizeClasses) {
            if (c.blockSize() == blockSize) {
                return c;
            }
        }
        throw new IllegalArgumentException("no size class of " + blockSize + " bytes; the classes are "
                + sizeClasses.stream().map(c -> Long.toString(c.blockSize())).toList());
    }

    /**
     * Statistics of one size class, or of the large-block path.
     *
     * <pre>{@code
     * AllocatorStats.SizeClassStats c = allocator.stats().sizeClass(64);
     * assert c.usedBytes() == c.liveBlocks() * 64;
     * }</pre>
     *
     * @param blockSize bytes per block of this class (its usable size); 0 for the large-block path, whose blocks
     *     vary in size
     * @param liveBlocks blocks currently allocated
     * @param totalBytes bytes of all blocks: {@code capacity * blockSize} for a class; for the large path its buddy
     *     regions (whole, free parts included) and huge blocks, live or kept for reuse
     * @param usedBytes bytes of live blocks at their usable size
     * @param availableBytes {@code totalBytes - usedBytes}
     * @param heldBytes bytes held from the memory provider (whole slabs, headers included)
     */
    public record SizeClassStats(long blockSize, long liveBlocks, long totalBytes, long usedBytes,
                                 long availableBytes, long heldBytes) {}
}
