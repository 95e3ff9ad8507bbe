package io.slabforge.benchmarks;

/**
 * {@code slabforge64k}: as {@link SlabforgeStore} with the defaults of {@code create()}, for {@link Particle64K}
 * (64 KiB slabs). Used by {@link Footprint} to show what a larger slab saves.
 */
final class Slabforge64KStore implements ParticleStore {
    private final Particle64KSlab slab = Particle64KSlab.create();
    private final Particle64KSlab.Ref ref = slab.ref();
    private final long[] handles;

    Slabforge64KStore(int capacity) {
        handles = new long[capacity];
    }

    @Override
    public void allocate(int slot, double x, double y, double z, int id, int flags) {
        handles[slot] = slab.allocate(new Particle64K(x, y, z, id, flags));
    }

    @Override
    public double x(int slot) {
        return slab.x(handles[slot]);
    }

    @Override
    public void free(int slot) {
        slab.free(handles[slot]);
    }

    @Override
    public double sumX(int count) {
        long[] all = handles;
        Particle64KSlab.Ref r = ref;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += r.wrap(all[i]).x();
        }
        return sum;
    }

    /** Bytes the cache holds from its memory provider. */
    long reservedBytes() {
        return slab.stats().reservedBytes();
    }

    /** Where the particle in {@code slot} lives in native memory. */
    long address(int slot) {
        return slab.segment(handles[slot]).address();
    }

    @Override
    public void close() {
        slab.close();
    }
}
