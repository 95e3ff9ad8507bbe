package io.slabforge;

import java.lang.foreign.MemorySegment;

/**
 * One region of {@link SlabAllocator}'s large-block path: {@value #REGION_BYTES} bytes from the memory provider,
 * aligned to its size, split buddy-style into power-of-two blocks of {@value #MIN_BLOCK_BYTES} bytes up to the
 * whole region. A block of {@code 2^k} bytes sits at an offset that is a multiple of {@code 2^k}, so it is aligned
 * to its size; freeing merges it with its buddy while the buddy is free.
 *
 * <p>The bookkeeping is kept off the region's memory (free bitmaps per level, and the level and requested length of
 * every allocated block), so a write through a stale segment cannot corrupt it, and {@code free} can refuse
 * anything but the exact start and length of an allocated block. Not thread-safe; the allocator guards it.
 */
final class BuddyRegion {
    static final int REGION_SHIFT = 22;
    static final long REGION_BYTES = 1L << REGION_SHIFT;
    static final int MIN_BLOCK_SHIFT = 12;
    static final long MIN_BLOCK_BYTES = 1L << MIN_BLOCK_SHIFT;
    /** Levels 0 ({@value #MIN_BLOCK_BYTES} bytes) to {@code LEVELS - 1} (the whole region). */
    static final int LEVELS = REGION_SHIFT - MIN_BLOCK_SHIFT + 1;
    private static final int UNITS = 1 << (REGION_SHIFT - MIN_BLOCK_SHIFT);

    final MemorySegment memory;
    final long base;
    /** {@code free[k]}: a bit per block of level {@code k}, set when that block is free and not split. */
    private final long[][] free = new long[LEVELS][];
    /** Per {@value #MIN_BLOCK_BYTES}-byte unit: 1 + the level of the allocated block starting there, else 0. */
    private final byte[] allocatedLevel = new byte[UNITS];
    /** Per unit: the byte size the allocated block starting there was allocated with. */
    private final int[] lengths = new int[UNITS];
    /** Bit {@code k} set when some block of level {@code k} is free. */
    private int freeLevels;
    private int liveBlocks;
    private long usedBytes;

    BuddyRegion(MemorySegment memory) {
        this.memory = memory;
        this.base = memory.address();
        for (int k = 0; k < LEVELS; k++) {
            free[k] = new long[Math.max(1, (UNITS >>> k) >>> 6)];
        }
        setFree(LEVELS - 1, 0);
    }

    /** The level of the smallest block of at least {@code bytes} bytes; {@code bytes <= REGION_BYTES}. */
    static int levelFor(long bytes) {
        return bytes <= MIN_BLOCK_BYTES ? 0 : 64 - Long.numberOfLeadingZeros(bytes - 1) - MIN_BLOCK_SHIFT;
    }

    static long blockBytes(int level) {
        return MIN_BLOCK_BYTES << level;
    }

    boolean hasFree(int level) {
        return (freeLevels & (-1 << level)) != 0;
    }

    boolean isEmpty() {
        return liveBlocks == 0;
    }

    int liveBlocks() {
        return liveBlocks;
    }

    long usedBytes() {
        return usedBytes;
    }

    /**
     * Takes a block of {@code level}, splitting a larger free one if needed; {@link #hasFree} must be true.
     *
     * @return the block's offset in the region
     */
    long allocate(int level, long length) {
        int from = Integer.numberOfTrailingZeros(freeLevels & (-1 << level));
        int index = takeFree(from);
        // Split down: keep the lower half each time, the upper half becomes a free block one level lower.
        for (int k = from; k > level; k--) {
            index <<= 1;
            setFree(k - 1, index + 1);
        }
        long offset = (long) index << (MIN_BLOCK_SHIFT + level);
        int unit = (int) (offset >>> MIN_BLOCK_SHIFT);
        allocatedLevel[unit] = (byte) (level + 1);
        lengths[unit] = (int) length;
        liveBlocks++;
        usedBytes += blockBytes(level);
        return offset;
    }

    /** Why a segment at {@code offset} of {@code length} bytes is not an allocated block, or {@code null} if it is. */
    String refusal(long offset, long length) {
        if ((offset & (MIN_BLOCK_BYTES - 1)) != 0 || allocatedLevel[(int) (offset >>> MIN_BLOCK_SHIFT)] == 0) {
            return "no allocated large block starts there (a slice of one, or a block already freed)";
        }
        int allocated = lengths[(int) (offset >>> MIN_BLOCK_SHIFT)];
        if (allocated != length) {
            return "the large block there was allocated with " + allocated + " bytes (a slice of it?)";
        }
        return null;
    }

    /**
     * Frees the allocated block at {@code offset} (checked with {@link #refusal}) and merges it with free buddies.
     *
     * @return the block's size
     */
    long free(long offset) {
        int unit = (int) (offset >>> MIN_BLOCK_SHIFT);
        int level = allocatedLevel[unit] - 1;
        allocatedLevel[unit] = 0;
        long size = blockBytes(level);
        liveBlocks--;
        usedBytes -= size;
        int index = (int) (offset >>> (MIN_BLOCK_SHIFT + level));
        while (level < LEVELS - 1 && isFree(level, index ^ 1)) {
            clearFree(level, index ^ 1);
            index >>>= 1;
            level++;
        }
        setFree(level, index);
        return size;
    }

    private boolean isFree(int level, int index) {
        return (free[level][index >>> 6] & (1L << index)) != 0;
    }

    private void setFree(int level, int index) {
        free[level][index >>> 6] |= 1L << index;
        freeLevels |= 1 << level;
    }

    private void clearFree(int level, int index) {
        long[] bits = free[level];
        bits[index >>> 6] &= ~(1L << index);
        if (bits[index >>> 6] == 0 && allZero(bits)) {
            freeLevels &= ~(1 << level);
        }
    }

    private int takeFree(int level) {
        long[] bits = free[level];
        for (int w = 0; w < bits.length; w++) {
            if (bits[w] != 0) {
                int index = (w << 6) + Long.numberOfTrailingZeros(bits[w]);
                clearFree(level, index);
                return index;
            }
        }
        throw new IllegalStateException("level " + level + " marked free but has no free block");
    }

    private static boolean allZero(long[] bits) {
        for (long b : bits) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
