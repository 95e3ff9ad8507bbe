package io.slabforge.benchmarks;

/**
 * {@code slabforge64k}: as {@link SlabforgeStore} with the defaults of {@code create()}, for {@link Particle64K}
 * (64 KiB slabs). Used by {@link Footprint} to show what a larger slab saves.
 */
final class Slabforge64KStore extends SlabCacheStore {
    private final Particle64KSlab slab;
    private final Particle64KSlab.Ref ref;

    Slabforge64KStore(int capacity) {
        this(Particle64KSlab.create(), capacity);
    }

    private Slabforge64KStore(Particle64KSlab slab, int capacity) {
        super(slab, capacity);
        this.slab = slab;
        this.ref = slab.ref();
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
    public double sumX(int count) {
        long[] all = handles;
        Particle64KSlab.Ref r = ref;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += r.wrap(all[i]).x();
        }
        return sum;
    }
}
