package io.slabforge.benchmarks;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * {@link FloorChecked} with its generations in the floor's native segment instead of a heap {@code int[]}: the
 * segment starts with one 4-byte generation per slot (rounded up to a whole slot), then the 32-byte slots.
 * Handles, checks and free list are those of {@link FloorChecked}; single-threaded, fixed capacity, no growth.
 *
 * <p>Why it is a peer: a generation word and a field are now both native memory, and C2 cannot prove that a
 * field store does not overwrite a generation, so after every setter the next accessor must load the generation
 * again for its check. That is where a slab engine keeping its generations in the
 * slab header or beside the slot stands; the difference to {@link FloorChecked} is what that aliasing costs.
 */
public final class FloorCheckedOffHeap implements AutoCloseable {
    static final long SLOT = Floor.SLOT, X = Floor.X, Y = Floor.Y, Z = Floor.Z, ID = Floor.ID, FLAGS = Floor.FLAGS;
    private static final int NONE = -1;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;
    private final int capacity;
    private final long slots;    // offset of slot 0; the generations (4 bytes per slot) come before it
    private int freeHead = NONE; // the last freed slot; its first 4 bytes hold the next free slot
    private int carved;          // the first slot never handed out

    public FloorCheckedOffHeap(int capacity) {
        this.capacity = capacity;
        slots = (capacity * 4L + SLOT - 1) / SLOT * SLOT;
        memory = arena.allocate(slots + capacity * SLOT, SLOT); // zeroed: every generation starts at 0
    }

    public long allocate() {
        int i = freeHead;
        if (i != NONE) {
            freeHead = memory.get(JAVA_INT, slots + i * SLOT);
        } else {
            i = Objects.checkIndex(carved++, capacity);
        }
        return (long) memory.get(JAVA_INT, i * 4L) << 32 | i;
    }

    public void free(long h) {
        int i = slot(h);
        memory.set(JAVA_INT, i * 4L, memory.get(JAVA_INT, i * 4L) + 1);
        memory.set(JAVA_INT, slots + i * SLOT, freeHead);
        freeHead = i;
    }

    /** The byte offset of a live handle's slot; throws if the handle is stale. */
    private long at(long h) {
        return slots + slot(h) * SLOT;
    }

    private int slot(long h) {
        // The heap array checks its index; here an index past the capacity would read slot bytes as a generation.
        int i = Objects.checkIndex((int) h, capacity);
        if (memory.get(JAVA_INT, i * 4L) != (int) (h >>> 32)) {
            throw FloorChecked.stale(h);
        }
        return i;
    }

    public double x(long h) { return memory.get(JAVA_DOUBLE, at(h) + X); }
    public double y(long h) { return memory.get(JAVA_DOUBLE, at(h) + Y); }
    public double z(long h) { return memory.get(JAVA_DOUBLE, at(h) + Z); }
    public int id(long h) { return memory.get(JAVA_INT, at(h) + ID); }
    public int flags(long h) { return memory.get(JAVA_INT, at(h) + FLAGS); }
    public void x(long h, double v) { memory.set(JAVA_DOUBLE, at(h) + X, v); }
    public void y(long h, double v) { memory.set(JAVA_DOUBLE, at(h) + Y, v); }
    public void z(long h, double v) { memory.set(JAVA_DOUBLE, at(h) + Z, v); }
    public void id(long h, int v) { memory.set(JAVA_INT, at(h) + ID, v); }
    public void flags(long h, int v) { memory.set(JAVA_INT, at(h) + FLAGS, v); }

    @Override
    public void close() {
        arena.close();
    }
}
