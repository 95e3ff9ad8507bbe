package io.slabforge.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * Per-handle cookies in every 8-byte word of a slot (the seed's pressure-test check, extended to the slot), written
 * through the engine's field accessors (as generated code writes) and verified through {@code segment(h)}, an
 * independent path to the same slot.
 */
public final class Cookies {
    private Cookies() {}

    public static long cookie(long handle, long word, long salt) {
        long z = handle ^ salt ^ word * 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** Writes the cookie of {@code handle} through {@code setLong}/{@code setInt}, as generated accessors do. */
    public static void write(SlabEngine engine, long handle, long salt) {
        long size = engine.geometry().slotSize();
        long word = 0;
        for (; word * 8 + 8 <= size; word++) {
            engine.setLong(handle, word * 8, cookie(handle, word, salt));
        }
        if (word * 8 < size) {
            engine.setInt(handle, word * 8, (int) cookie(handle, word, salt));
        }
    }

    /**
     * Fails with a message naming the handle and the word if the slot does not hold the handle's cookie: every word
     * through {@code segment(h)}, the first also through {@code getLong}/{@code getInt}.
     */
    public static void verify(SlabEngine engine, long handle, long salt) {
        MemorySegment slot = engine.segment(handle);
        long size = slot.byteSize();
        if (size != engine.geometry().slotSize()) {
            throw new AssertionError("segment(h) of " + size + " bytes, not one slot " + Seeds.rerun());
        }
        long first = size >= 8 ? engine.getLong(handle, 0) : engine.getInt(handle, 0);
        long expectedFirst = size >= 8 ? cookie(handle, 0, salt) : (int) cookie(handle, 0, salt);
        if (first != expectedFirst) {
            throw new AssertionError("slot of handle " + engine.describe(handle) + " corrupted at word 0 (getLong) "
                    + Seeds.rerun());
        }
        long word = 0;
        for (; word * 8 + 8 <= size; word++) {
            long found = slot.get(JAVA_LONG, word * 8);
            if (found != cookie(handle, word, salt)) {
                throw new AssertionError("slot of handle " + engine.describe(handle) + " corrupted at word " + word
                        + ": 0x" + Long.toHexString(found) + " instead of 0x"
                        + Long.toHexString(cookie(handle, word, salt)) + " " + Seeds.rerun());
            }
        }
        if (word * 8 < size && slot.get(JAVA_INT, word * 8) != (int) cookie(handle, word, salt)) {
            throw new AssertionError("slot of handle " + engine.describe(handle) + " corrupted in its last int "
                    + Seeds.rerun());
        }
    }

    /** Whether every byte of the slot is zero. */
    public static boolean isZero(SlabEngine engine, long handle) {
        MemorySegment slot = engine.segment(handle);
        for (long i = 0; i < slot.byteSize(); i += 4) {
            if (slot.get(JAVA_INT, i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The global slot index of a handle, without generation and tag: two live handles must never share it. */
    public static long place(long handle) {
        return HandleFormat.index(handle);
    }

    public static int slabIndex(SlabEngine engine, long handle) {
        return HandleFormat.index(handle) >>> engine.geometry().slotBits();
    }

    public static int slot(SlabEngine engine, long handle) {
        return HandleFormat.index(handle) & ((1 << engine.geometry().slotBits()) - 1);
    }

    public static int generation(long handle) {
        return HandleFormat.generation(handle);
    }
}
