package io.slabforge.internal;

import io.slabforge.SlabCache;

/**
 * Attaches columns to generated caches: {@code FillSlab.columnOf(orders)} calls {@link #attach}. Not API.
 *
 * <p>The column is an engine of its own for field access only: its table has the primary's tag, checking and
 * thread owner, reads the primary's generation words and locates slots in the column's own slabs; its slabs come
 * from the primary's memory provider (for a {@code LOCKED} primary, its private regions: a lock-free column
 * access racing a release lands in the primary's own memory, never another cache's). Generated {@code Column}
 * code calls only the field accessors, {@code segment} and {@code isLive} of that engine.
 */
public final class SlabColumns {
    private SlabColumns() {}

    /**
     * A column of {@code slotSize}-byte slots (aligned to {@code slotAlignment}) for every slot of
     * {@code primary}, zeroed, alive until the primary closes.
     *
     * @param primary a generated cache
     * @param slotSize the column record's slot size
     * @param slotAlignment the column record's slot alignment
     * @return the column's engine
     * @throws IllegalArgumentException if {@code primary} is not a generated cache
     * @throws IllegalStateException if it is closed
     */
    public static SlabEngine attach(SlabCache primary, long slotSize, long slotAlignment) {
        return SlabCacheBase.engineOf(primary).attachColumn(slotSize, slotAlignment, null);
    }

    /**
     * As {@link #attach(SlabCache, long, long)} for the column record's {@code GEOMETRY}, which the generated
     * {@code Column} code then passes to every access.
     *
     * @param primary a generated cache
     * @param recordGeometry the column record's {@code GEOMETRY}
     * @return the column's engine
     */
    public static SlabEngine attach(SlabCache primary, SlabGeometry recordGeometry) {
        return SlabCacheBase.engineOf(primary).attachColumn(recordGeometry.slotSize(), recordGeometry.slotAlignment(),
                recordGeometry);
    }

    /** Column slab bytes for a primary of {@code slotsPerSlab} slots: a power of two, aligned to itself. */
    static long columnSlabSize(int slotsPerSlab, long slotSize) {
        long bytes = Math.max(64, slotsPerSlab * slotSize);
        return Long.bitCount(bytes) == 1 ? bytes : Long.highestOneBit(bytes) << 1;
    }
}
