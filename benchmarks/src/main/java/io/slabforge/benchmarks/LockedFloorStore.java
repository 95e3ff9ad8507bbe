package io.slabforge.benchmarks;

import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code floor} made shareable the simplest way: one {@link ReentrantLock} around the {@link Floor}'s allocate and
 * free, field accesses unlocked. The same scheme as a {@code LOCKED} Slabforge cache, so it is the floor of the
 * shared benchmark.
 */
final class LockedFloorStore implements ParticleStore {
    private final ReentrantLock lock = new ReentrantLock();
    private final Floor floor;
    private final long[] handles;

    LockedFloorStore(int capacity) {
        floor = new Floor(capacity);
        handles = new long[capacity];
    }

    @Override
    public void allocate(int slot, double x, double y, double z, int id, int flags) {
        long h;
        lock.lock();
        try {
            h = floor.allocate();
        } finally {
            lock.unlock();
        }
        floor.x(h, x);
        floor.y(h, y);
        floor.z(h, z);
        floor.id(h, id);
        floor.flags(h, flags);
        handles[slot] = h;
    }

    @Override
    public double x(int slot) {
        return floor.x(handles[slot]);
    }

    @Override
    public void free(int slot) {
        lock.lock();
        try {
            floor.free(handles[slot]);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public double sumX(int count) {
        long[] all = handles;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += floor.x(all[i]);
        }
        return sum;
    }

    @Override
    public void close() {
        floor.close();
    }
}
