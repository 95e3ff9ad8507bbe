package io.slabforge.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * The memory of one column: a column slab for every slab its primary holds, taken when the primary takes the slab
 * and given back when the primary gives it back (the primary's pools call {@link #acquired} and {@link #released}
 * under their locks). Column slot {@code i} of a column slab belongs to slot {@code i} of the primary slab, so a
 * primary handle addresses both, and the column's table reads the primary's generation words: a handle is valid
 * on the column exactly when it is valid on the primary.
 *
 * <pre>
 *  primary slab 5:  [ Order 0 ][ Order 1 ] ... [ Order 127 ]        4096 bytes
 *  column  slab 5:  [ Fill 0 ][ Fill 1 ] ... [ Fill 127 ]           nextPowerOfTwo(128 * 16) bytes
 *  words[5 << 7 | i]   shared: one generation word per slot pair
 * </pre>
 *
 * <p>New column slabs are zeroed; a freed primary slot's column slots are zeroed at the free (under the pool's
 * lock), so a column slot reads as zeros when the primary allocates its slot again.
 */
final class ColumnSlabs {
    final SlotTable table;
    private final SlabSource source;
    private final int zeroLongs;
    private final boolean zeroTailInt;

    ColumnSlabs(SlotTable table, SlabSource source) {
        this.table = table;
        this.source = source;
        this.zeroLongs = (int) (table.slotSize >>> 3);
        this.zeroTailInt = (table.slotSize & 4) != 0;
    }

    /** The primary took slab {@code slab}: take a zeroed column slab for it. */
    void acquired(int slab) {
        MemorySegment segment = source.take(slab, false, 0);
        segment.fill((byte) 0);
        MemorySegment via = source.viaOf(segment);
        table.publish(slab, via, table.direct ? segment.address() : segment.address() - via.address());
    }

    /** The primary gave slab {@code slab} back (or closes): give its column slab back too. */
    void released(int slab) {
        if (slab >= table.slabCapacity() || table.via(slab) == SlotTable.RELEASED) {
            return;
        }
        long at = table.slabAddress(slab);
        table.unpublish(slab);
        source.give(slab, at);
    }

    /** Zeroes the column slot of primary slot {@code index}, which was just freed. */
    void clear(int index) {
        int slab = index >>> table.slotBits;
        if (table.via(slab) == SlotTable.RELEASED) {
            return; // the free gave the primary's slab back, and this column's with it; a new one comes zeroed
        }
        MemorySegment memory = table.memoryOfSlab(slab);
        long at = table.slotAt(slab, index & table.slotMask);
        for (int i = 0; i < zeroLongs; i++) {
            memory.set(JAVA_LONG_UNALIGNED, at + ((long) i << 3), 0L);
        }
        if (zeroTailInt) {
            memory.set(JAVA_INT_UNALIGNED, at + ((long) zeroLongs << 3), 0);
        }
    }
}
