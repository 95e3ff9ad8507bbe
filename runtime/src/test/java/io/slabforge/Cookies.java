package io.slabforge;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/** Per-handle cookies written into every 8 bytes of a slot (the seed's pressure-test check, extended to the slot). */
final class Cookies {
    private Cookies() {}

    static long cookie(long handle, long word, long salt) {
        long z = handle ^ salt ^ word * 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** Writes the cookie of {@code handle} through {@code slabOf}, as generated accessors do. */
    static void write(SlabEngine engine, long handle, long salt) {
        MemorySegment slab = engine.slabOf(handle);
        long base = engine.slotOffset(handle);
        long size = engine.geometry().slotSize();
        long word = 0;
        for (; word * 8 + 8 <= size; word++) {
            slab.set(JAVA_LONG, base + word * 8, cookie(handle, word, salt));
        }
        if (word * 8 < size) {
            slab.set(JAVA_INT, base + word * 8, (int) cookie(handle, word, salt));
        }
    }

    /** Fails with a message naming the handle and the word if the slot does not hold the handle's cookie. */
    static void verify(SlabEngine engine, long handle, long salt) {
        MemorySegment slot = engine.segment(handle);
        long size = slot.byteSize();
        long word = 0;
        for (; word * 8 + 8 <= size; word++) {
            long found = slot.get(JAVA_LONG, word * 8);
            if (found != cookie(handle, word, salt)) {
                throw new AssertionError("slot of handle 0x" + Long.toHexString(handle) + " corrupted at word " + word
                        + ": 0x" + Long.toHexString(found) + " instead of 0x"
                        + Long.toHexString(cookie(handle, word, salt)));
            }
        }
        if (word * 8 < size && slot.get(JAVA_INT, word * 8) != (int) cookie(handle, word, salt)) {
            throw new AssertionError("slot of handle 0x" + Long.toHexString(handle) + " corrupted in its last int");
        }
    }

    /** Whether every byte of the slot is zero. */
    static boolean isZero(SlabEngine engine, long handle) {
        MemorySegment slot = engine.segment(handle);
        for (long i = 0; i < slot.byteSize(); i += 4) {
            if (slot.get(JAVA_INT, i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The slab index and slot of a handle, without generation and tag: two live handles must never share it. */
    static long place(SlabEngine engine, long handle) {
        return handle & SlabEngine.INDEX_MASK;
    }

    static int slabIndex(SlabEngine engine, long handle) {
        return (int) ((handle & SlabEngine.INDEX_MASK) >>> engine.geometry().slotBits());
    }

    static int generation(long handle) {
        return (int) (handle >>> SlabEngine.GENERATION_SHIFT) & SlabEngine.GENERATION_MASK;
    }
}
