package io.slabforge.benchmarks;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The checked floor: {@link Floor} plus a heap {@code int[]} of generations, the least a slab that catches stale
 * handles can do (issue "Engine v2": "the floor plus a heap int[] of generations, handle = generation and slot,
 * each field accessor validating on its own"). A handle is {@code generation << 32 | slot index}. Every field
 * accessor, getter or setter, checks its handle against the slot's generation in the heap array on its own and
 * throws on a mismatch; {@link #free} checks too and then bumps the generation, so a stale handle or a double
 * free throws instead of touching memory. Otherwise as {@link Floor}: one segment of fixed capacity, 32-byte
 * slots, an intrusive LIFO free list, single-threaded, no growth (carving past the capacity throws
 * {@link IndexOutOfBoundsException}).
 *
 * <p>Why it is a peer: the generations live on the heap and the slots in native memory, two memory slices C2
 * knows to be disjoint, so it may keep one generation load for the five checks of an allocate-and-fill. What this
 * peer costs over {@link Floor} is the price of validating alone. {@link FloorCheckedOffHeap} is the same with the
 * generations inside the segment, where C2 cannot prove that a field store leaves them unchanged.
 */
public final class FloorChecked implements AutoCloseable {
    static final long SLOT = Floor.SLOT, X = Floor.X, Y = Floor.Y, Z = Floor.Z, ID = Floor.ID, FLAGS = Floor.FLAGS;
    private static final int NONE = -1;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;
    private final int[] generations; // per slot; a handle is valid while its generation equals its slot's
    private int freeHead = NONE;     // the last freed slot; its first 4 bytes hold the next free slot
    private int carved;              // the first slot never handed out

    public FloorChecked(int capacity) {
        memory = arena.allocate(capacity * SLOT, SLOT);
        generations = new int[capacity];
    }

    public long allocate() {
        int i = freeHead;
        if (i != NONE) {
            freeHead = memory.get(JAVA_INT, i * SLOT);
        } else {
            i = carved++;
        }
        return (long) generations[i] << 32 | i;
    }

    public void free(long h) {
        int i = slot(h);
        generations[i]++;
        memory.set(JAVA_INT, i * SLOT, freeHead);
        freeHead = i;
    }

    /** The byte offset of a live handle's slot; throws if the handle is stale (the array checks the index). */
    private long at(long h) {
        return slot(h) * SLOT;
    }

    private int slot(long h) {
        int i = (int) h;
        if (generations[i] != (int) (h >>> 32)) {
            throw stale(h);
        }
        return i;
    }

    static IllegalArgumentException stale(long h) {
        return new IllegalArgumentException("stale handle 0x" + Long.toHexString(h));
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
