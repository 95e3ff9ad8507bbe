package io.slabforge.benchmarks;

/**
 * {@code floorCheckedOffHeap}: the {@link FloorCheckedOffHeap} slab, handles in a {@code long[]}; filled like
 * {@link FloorStore}, one setter per field.
 */
final class FloorCheckedOffHeapStore implements ParticleStore {
    private final FloorCheckedOffHeap floor;
    private final long[] handles;

    FloorCheckedOffHeapStore(int capacity) {
        floor = new FloorCheckedOffHeap(capacity);
        handles = new long[capacity];
    }

    @Override
    public void allocate(int slot, double x, double y, double z, int id, int flags) {
        long h = floor.allocate();
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
        floor.free(handles[slot]);
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
