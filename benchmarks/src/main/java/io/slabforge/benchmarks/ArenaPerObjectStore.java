package io.slabforge.benchmarks;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code arenaPerObject}: the only per-object free plain FFM offers, an arena per particle, closed to free it.
 * Confined arenas single-threaded; shared ones (any thread may free, at the price of a thread handshake per
 * close) when the store must be shareable.
 */
final class ArenaPerObjectStore implements ParticleStore {
    private final boolean shared;
    private final Arena[] arenas;
    private final MemorySegment[] segments;

    ArenaPerObjectStore(int capacity, boolean shared) {
        this.shared = shared;
        arenas = new Arena[capacity];
        segments = new MemorySegment[capacity];
    }

    @Override
    public void allocate(int slot, double x, double y, double z, int id, int flags) {
        Arena arena = shared ? Arena.ofShared() : Arena.ofConfined();
        MemorySegment s = arena.allocate(32, 8);
        s.set(JAVA_DOUBLE, 0, x);
        s.set(JAVA_DOUBLE, 8, y);
        s.set(JAVA_DOUBLE, 16, z);
        s.set(JAVA_INT, 24, id);
        s.set(JAVA_INT, 28, flags);
        arenas[slot] = arena;
        segments[slot] = s;
    }

    @Override
    public double x(int slot) {
        return segments[slot].get(JAVA_DOUBLE, 0);
    }

    @Override
    public void free(int slot) {
        arenas[slot].close();
        arenas[slot] = null;
        segments[slot] = null;
    }

    @Override
    public double sumX(int count) {
        MemorySegment[] all = segments;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += all[i].get(JAVA_DOUBLE, 0);
        }
        return sum;
    }

    @Override
    public void close() {
        for (int i = 0; i < arenas.length; i++) {
            if (arenas[i] != null) {
                arenas[i].close();
                arenas[i] = null;
                segments[i] = null;
            }
        }
    }
}
