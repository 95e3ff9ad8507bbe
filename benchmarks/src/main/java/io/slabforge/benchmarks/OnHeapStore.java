package io.slabforge.benchmarks;

/** {@code onheap}: {@code new Particle(...)} in an array slot; free nulls the slot and leaves the rest to the GC. */
final class OnHeapStore implements ParticleStore {
    private final Particle[] particles;

    OnHeapStore(int capacity) {
        particles = new Particle[capacity];
    }

    @Override
    public void allocate(int slot, double x, double y, double z, int id, int flags) {
        particles[slot] = new Particle(x, y, z, id, flags);
    }

    @Override
    public double x(int slot) {
        return particles[slot].x();
    }

    @Override
    public void free(int slot) {
        particles[slot] = null;
    }

    @Override
    public double sumX(int count) {
        Particle[] all = particles;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += all[i].x();
        }
        return sum;
    }

    @Override
    public void close() {
        java.util.Arrays.fill(particles, null);
    }
}
