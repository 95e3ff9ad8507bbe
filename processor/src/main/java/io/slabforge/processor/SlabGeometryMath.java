package io.slabforge.processor;

/**
 * The slab geometry formula of the runtime's {@code io.slabforge.SlabGeometry.of}, mirrored so that the processor
 * can report a slab that is too small at compile time without loading the runtime jar. A processor test compares
 * both for many inputs; generated code re-checks at class initialisation through {@code SlabEngine.requireContract}.
 */
final class SlabGeometryMath {
    /** {@code SlabGeometry.HEADER_FIXED_BYTES}. */
    static final long HEADER_FIXED_BYTES = 28;
    /** {@code SlabGeometry.GENERATION_WORD_BYTES}. */
    static final long GENERATION_WORD_BYTES = 4;
    /** {@code SlabGeometry.MIN_SLOT_SIZE}. */
    static final long MIN_SLOT_SIZE = 4;
    /** {@code SlabGeometry.MIN_SLOT_ALIGNMENT}. */
    static final long MIN_SLOT_ALIGNMENT = 4;
    /** {@code SlabGeometry.MAX_SLAB_SIZE}: 16 MiB. */
    static final long MAX_SLAB_SIZE = 1L << 24;

    private SlabGeometryMath() {}

    /** Bytes a slab needs for its header, one generation word and one slot. */
    static long minimumSlabBytes(long slotSize, long slotAlignment) {
        return slotsOffset(1, slotAlignment) + slotSize;
    }

    /** Slots in one slab; the inputs must satisfy the runtime's rules. */
    static int slotsPerSlab(long slotSize, long slotAlignment, long slabSize) {
        long n = (slabSize - HEADER_FIXED_BYTES) / (slotSize + GENERATION_WORD_BYTES);
        while (n > 0 && slotsOffset(n, slotAlignment) + n * slotSize > slabSize) {
            n--;
        }
        return (int) n;
    }

    /** Offset of slot 0: after the header and the generation words, aligned to the slot alignment. */
    static long slotsOffset(long slots, long slotAlignment) {
        long end = HEADER_FIXED_BYTES + slots * GENERATION_WORD_BYTES;
        return alignUp(end, slotAlignment);
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    static boolean isPowerOfTwo(long value) {
        return value > 0 && Long.bitCount(value) == 1;
    }

    /** The smallest power of two at least {@code value} (1 for values below 1). */
    static long nextPowerOfTwo(long value) {
        return value <= 1 ? 1 : Long.highestOneBit(value - 1) << 1;
    }
}
