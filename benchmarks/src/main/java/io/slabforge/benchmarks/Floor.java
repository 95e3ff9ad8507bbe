package io.slabforge.benchmarks;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The floor: the least a slab of particles can do, and the number Slabforge chases. One segment of fixed
 * capacity, 32-byte slots, an intrusive LIFO free list, handles that are plain byte offsets, no checks: a stale
 * handle or a double free corrupts it silently, and it never grows or gives memory back.
 */
public final class Floor implements AutoCloseable {
    static final long SLOT = 32, X = 0, Y = 8, Z = 16, ID = 24, FLAGS = 28;
    private static final long NONE = -1;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;
    private long freeHead = NONE; // the last freed slot; its first 8 bytes hold the next free slot
    private long carved;          // the first slot never handed out

    public Floor(long capacity) {
        memory = arena.allocate(capacity * SLOT, SLOT);
    }

    public long allocate() {
        long h = freeHead;
        if (h != NONE) {
            freeHead = memory.get(JAVA_LONG, h);
            return h;
        }
        h = carved;
        carved = h + SLOT;
        return h;
    }

    public void free(long h) {
        memory.set(JAVA_LONG, h, freeHead);
        freeHead = h;
    }

    public double x(long h) { return memory.get(JAVA_DOUBLE, h + X); }
    public void x(long h, double v) { memory.set(JAVA_DOUBLE, h + X, v); }
    public void y(long h, double v) { memory.set(JAVA_DOUBLE, h + Y, v); }
    public void z(long h, double v) { memory.set(JAVA_DOUBLE, h + Z, v); }
    public void id(long h, int v) { memory.set(JAVA_INT, h + ID, v); }
    public void flags(long h, int v) { memory.set(JAVA_INT, h + FLAGS, v); }

    @Override
    public void close() {
        arena.close();
    }
}
