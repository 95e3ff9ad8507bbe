package io.slabforge.processor;

/**
 * The slab geometry formula of the runtime's {@code io.slabforge.internal.SlabGeometry.of}, mirrored so that the
 * processor can report a slab that is too small at compile time without loading the runtime jar. A processor test
 * compares both for many inputs; generated code re-checks at class initialisation through
 * {@code SlabEngine.requireContract}. A slab holds slots only: the engine keeps its bookkeeping on the heap.
 */
final class SlabGeometryMath {
    /** {@code SlabGeometry.MIN_SLOT_SIZE}. */
    static final long MIN_SLOT_SIZE = 4;
    /** {@code SlabGeometry.MIN_SLOT_ALIGNMENT}. */
    static final long MIN_SLOT_ALIGNMENT = 4;
    /** {@code SlabGeometry.MAX_SLAB_SIZE}: 16 MiB. */
    static final long MAX_SLAB_SIZE = 1L << 24;

    private SlabGeometryMath() {}

    /** Bytes a slab needs for one slot. */
    static long minimumSlabBytes(long slotSize, long slotAlignment) {
        return slotSize;
    }

    /** Slots in one slab; the inputs must satisfy the runtime's rules. */
    static int slotsPerSlab(long slotSize, long slotAlignment, long slabSize) {
        return (int) (slabSize / slotSize);
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
