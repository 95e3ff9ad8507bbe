package io.slabforge.internal;

/**
 * Where the slots sit inside one slab. Not API: generated code and the engine use it.
 *
 * <p>A slab holds slots and nothing else; everything the engine knows about a slab (generation words, free-list
 * head, live count) is on the heap, where field stores through a slot can never reach it.
 *
 * <pre>
 * offset 0                        slot 0
 * offset slotSize                 slot 1
 * ...
 * offset (n - 1) * slotSize       slot n - 1            n = slotsPerSlab = slabSize / slotSize
 * offset n * slotSize             unused tail (less than one slot)
 * offset slabSize
 * </pre>
 *
 * <p>The annotation processor computes the same numbers at compile time (to report a slot larger than its slab)
 * and writes them into the generated class; the generated class checks at class initialisation that this runtime
 * agrees ({@link SlabEngine#requireContract}).
 *
 * <pre>{@code
 * SlabGeometry g = SlabGeometry.of(32, 8, 4096);   // 128 slots of 32 bytes, 7 slot bits
 * }</pre>
 *
 * @param slotSize bytes per slot (at least 4, a multiple of the alignment)
 * @param slotAlignment alignment of every slot (a power of two, at least 4)
 * @param slabSize bytes per slab (a power of two); slabs are aligned to it
 * @param slotsPerSlab slots in every slab
 * @param slotBits handle bits that hold the slot index ({@code ceil(log2(slotsPerSlab))})
 */
public record SlabGeometry(long slotSize, long slotAlignment, long slabSize, int slotsPerSlab, int slotBits) {

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
     * @param slabSize a power of two, at most {@link #MAX_SLAB_SIZE}, at least one slot
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
        if (slabSize < slotSize) {
            throw new IllegalArgumentException("slab size " + slabSize + " is too small for one " + slotSize
                    + "-byte slot; use " + nextPowerOfTwo(slotSize));
        }
        int slots = (int) (slabSize / slotSize);
        int bits = slots <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(slots - 1L);
        return new SlabGeometry(slotSize, slotAlignment, slabSize, slots, bits);
    }

    /**
     * Bytes the smallest slab holding one slot needs.
     *
     * @param slotSize bytes per slot
     * @param slotAlignment slot alignment
     * @return the smallest slab that holds one slot
     */
    public static long minimumSlabBytes(long slotSize, long slotAlignment) {
        return slotSize;
    }

    private static long nextPowerOfTwo(long n) {
        return n <= 1 ? 1 : Long.highestOneBit(n - 1) << 1;
    }

    /** How many slabs a cache of this geometry can hold: the slab-index bits a handle leaves. */
    public int maxSlabs() {
        return 1 << (HandleFormat.INDEX_BITS - slotBits);
    }

    /**
     * Bytes of one slab not spent on slots (the unused tail).
     *
     * @return the per-slab overhead in bytes
     */
    public long overheadBytes() {
        return slabSize - slotsPerSlab * slotSize;
    }
}
