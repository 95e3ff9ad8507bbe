package io.slabforge;

/**
 * Where everything sits inside one slab of a cache: the header, the per-slot generation words and the slots.
 *
 * <p>The annotation processor computes the same numbers at compile time (to report a slab that is too small) and
 * writes them into the generated class as constants; the generated class checks at class initialisation that this
 * runtime agrees, so a runtime jar that lays slabs out differently fails at once with a clear message.
 *
 * <pre>
 * offset 0                       slab header, {@value #HEADER_FIXED_BYTES} bytes (see docs/ARCHITECTURE.md)
 * offset 32                      int generation word per slot, slotsPerSlab of them
 * offset slotsOffset             slotsPerSlab slots of slotSize bytes, slotsOffset aligned to slotAlignment
 * ...                            unused tail (less than one slot plus its generation word)
 * offset slabSize
 * </pre>
 *
 * <p>A handle keeps the slot index in its low {@link #slotBits()} bits, so the slot's offset inside its slab is
 * {@link #slotOffset(long)}: constant-folded by the JIT when the geometry is a {@code static final} field.
 *
 * <p>Build one with {@link #of}; the engine refuses a geometry whose numbers disagree with {@code of}.
 *
 * <pre>{@code
 * SlabGeometry g = SlabGeometry.of(32, 8, 4096);   // 113 slots of 32 bytes, slots at offset 480
 * }</pre>
 *
 * @param slotSize bytes per slot (at least 4, a multiple of 4)
 * @param slotAlignment alignment of every slot (a power of two, at least 4)
 * @param slabSize bytes per slab (a power of two); slabs are aligned to it
 * @param slotsPerSlab slots in every slab
 * @param slotsOffset offset of slot 0 inside a slab
 * @param slotBits handle bits that hold the slot index ({@code ceil(log2(slotsPerSlab))})
 */
public record SlabGeometry(
        long slotSize, long slotAlignment, long slabSize, int slotsPerSlab, long slotsOffset, int slotBits) {

    /** Bytes of fixed slab header before the generation words. */
    public static final int HEADER_FIXED_BYTES = 28;
    /** Bytes of one per-slot generation word. */
    public static final int GENERATION_WORD_BYTES = 4;
    /** Smallest slot: it must hold the 4-byte free-list link. */
    public static final long MIN_SLOT_SIZE = 4;
    /** Smallest slot alignment: the free-list link is an aligned int. */
    public static final long MIN_SLOT_ALIGNMENT = 4;
    /** Largest supported slab: 16 MiB, so that at least 64 slabs stay addressable by a handle. */
    public static final long MAX_SLAB_SIZE = 1L << 24;

    /**
     * Computes the geometry of slabs of {@code slabSize} bytes holding slots of {@code slotSize} bytes.
     *
     * @param slotSize bytes per slot: at least 4 and a multiple of {@code slotAlignment}
     * @param slotAlignment a power of two, at least 4
     * @param slabSize a power of two, at most {@link #MAX_SLAB_SIZE}, large enough for the header and one slot
     * @return the geometry
     * @throws IllegalArgumentException naming the value, the limit and the fix, if any rule is broken
     */
    public static SlabGeometry of(long slotSize, long slotAlignment, long slabSize) {
        if (slotAlignment < MIN_SLOT_ALIGNMENT || Long.bitCount(slotAlignment) != 1) {
            throw new IllegalArgumentException("slot alignment " + slotAlignment
                    + " must be a power of two of at least " + MIN_SLOT_ALIGNMENT);
        }
        if (slotSize < MIN_SLOT_SIZE || slotSize % slotAlignment != 0) {
            throw new IllegalArgumentException("slot size " + slotSize + " must be at least " + MIN_SLOT_SIZE
                    + " and a multiple of the slot alignment " + slotAlignment);
        }
        if (slabSize <= 0 || Long.bitCount(slabSize) != 1) {
            throw new IllegalArgumentException("slab size " + slabSize + " is not a power of two");
        }
        if (slabSize > MAX_SLAB_SIZE) {
            throw new IllegalArgumentException("slab size " + slabSize + " is above the maximum " + MAX_SLAB_SIZE);
        }
        long needed = minimumSlabBytes(slotSize, slotAlignment);
        if (slabSize < needed) {
            throw new IllegalArgumentException("slab size " + slabSize + " is too small: the slab header and one "
                    + slotSize + "-byte slot need " + needed + " bytes; use " + nextPowerOfTwo(needed));
        }
        int slots = slotsPerSlab(slotSize, slotAlignment, slabSize);
        int bits = slots <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(slots - 1L);
        return new SlabGeometry(slotSize, slotAlignment, slabSize, slots, slotsOffset(slots, slotAlignment), bits);
    }

    /**
     * Bytes a slab needs for its header and a single slot.
     *
     * @param slotSize bytes per slot
     * @param slotAlignment slot alignment
     * @return the smallest slab that holds one slot
     */
    public static long minimumSlabBytes(long slotSize, long slotAlignment) {
        return slotsOffset(1, slotAlignment) + slotSize;
    }

    private static int slotsPerSlab(long slotSize, long slotAlignment, long slabSize) {
        long n = (slabSize - HEADER_FIXED_BYTES) / (slotSize + GENERATION_WORD_BYTES);
        while (n > 0 && slotsOffset(n, slotAlignment) + n * slotSize > slabSize) {
            n--;
        }
        return (int) n;
    }

    private static long slotsOffset(long slots, long slotAlignment) {
        long end = HEADER_FIXED_BYTES + slots * GENERATION_WORD_BYTES;
        return (end + slotAlignment - 1) & -slotAlignment;
    }

    private static long nextPowerOfTwo(long n) {
        return Long.highestOneBit(n - 1) << 1;
    }

    /**
     * Offset, inside its slab, of the slot a handle names. Does not validate the handle.
     *
     * @param handle a handle of a cache with this geometry
     * @return the byte offset of the slot inside its slab segment
     */
    public long slotOffset(long handle) {
        return slotsOffset + (handle & ((1L << slotBits) - 1)) * slotSize;
    }

    /**
     * Offset of a slot's generation word inside its slab.
     *
     * @param slot a slot index
     * @return the byte offset of the slot's generation word
     */
    public long generationOffset(int slot) {
        return HEADER_FIXED_BYTES + (long) slot * GENERATION_WORD_BYTES;
    }

    /**
     * Bytes of one slab spent on anything but slots (header, generation words, padding, unused tail).
     *
     * @return the per-slab overhead in bytes
     */
    public long overheadBytes() {
        return slabSize - slotsPerSlab * slotSize;
    }
}
