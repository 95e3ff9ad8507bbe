package io.slabforge.benchmarks;

import io.slabforge.SlabSync;

/**
 * {@code slabforge*}: the generated {@link ParticleSlab} on the default memory ({@code SlabMemory.ofArena()}),
 * default slab size and reserve; handles in a {@code long[]}. Allocation is {@code allocate(Particle)} (the record
 * is scalar-replaced by the JIT: the benchmarks' {@code -prof gc} shows 0 bytes per operation), or, for the
 * {@code *Setters} peers, {@code allocate()} followed by one setter per field, as the floors fill their slots.
 * Scans walk a {@link ParticleSlab.Ref} flyweight.
 */
final class SlabforgeStore extends SlabCacheStore {
    private final ParticleSlab slab;
    private final ParticleSlab.Ref ref;
    private final boolean setters;
    /** The cache file of a file-backed store, else null. */
    private final java.nio.file.Path file;

    /** A store that allocates with {@code allocate(Particle)}. */
    SlabforgeStore(int capacity, SlabSync sync, boolean checked) {
        this(capacity, sync, checked, false);
    }

    /**
     * @param setters {@code allocate()} then {@code x(h, v)}, {@code y(h, v)}, {@code z(h, v)}, {@code id(h, v)},
     *                {@code flags(h, v)} instead of {@code allocate(Particle)}
     */
    SlabforgeStore(int capacity, SlabSync sync, boolean checked, boolean setters) {
        this(ParticleSlab.builder().sync(sync).checked(checked).build(), capacity, setters, null);
    }

    private SlabforgeStore(ParticleSlab slab, int capacity, boolean setters, java.nio.file.Path file) {
        super(slab, capacity);
        this.slab = slab;
        ref = slab.ref();
        this.setters = setters;
        this.file = file;
    }

    /**
     * {@code slabforgeFile*}: a file-backed CONFINED cache ({@code ParticleSlab.open}) in a new file under
     * {@code java.io.tmpdir} (the machine's disk unless that is a tmpfs), deleted on close.
     */
    static SlabforgeStore inFile(int capacity, boolean setters) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("slabforge-bench", ".slab");
            java.nio.file.Files.delete(file); // open() creates it
            return new SlabforgeStore(ParticleSlab.open(file), capacity, setters, file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void allocate(int slot, double x, double y, double z, int id, int flags) {
        if (setters) { // the same in every call of a fork: the JIT keeps only the branch taken
            long h = slab.allocate();
            slab.x(h, x);
            slab.y(h, y);
            slab.z(h, z);
            slab.id(h, id);
            slab.flags(h, flags);
            handles[slot] = h;
        } else {
            handles[slot] = slab.allocate(new Particle(x, y, z, id, flags));
        }
    }

    @Override
    public double x(int slot) {
        return slab.x(handles[slot]);
    }

    @Override
    public double sumX(int count) {
        long[] all = handles;
        ParticleSlab.Ref r = ref;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += r.wrap(all[i]).x();
        }
        return sum;
    }

    @Override
    public double scanX(int count) {
        double[] sum = {0};
        slab.scan(r -> sum[0] += r.x());
        return sum[0];
    }

    @Override
    public void close() {
        super.close();
        if (file != null) {
            try {
                java.nio.file.Files.deleteIfExists(file);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
