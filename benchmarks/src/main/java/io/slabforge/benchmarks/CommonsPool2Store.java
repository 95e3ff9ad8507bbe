package io.slabforge.benchmarks;

import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * {@code commonsPool2}: a {@link GenericObjectPool} of mutable particles; borrow and fill to allocate, return to
 * free. Unbounded, LIFO, no JMX, no validation, no eviction: the pool at its lightest.
 */
final class CommonsPool2Store implements ParticleStore {

    /** The pooled object: a particle whose fields can be rewritten. */
    static final class MutableParticle {
        double x;
        double y;
        double z;
        int id;
        int flags;
    }

    private static final class Factory extends BasePooledObjectFactory<MutableParticle> {
        @Override
        public MutableParticle create() {
            return new MutableParticle();
        }

        @Override
        public PooledObject<MutableParticle> wrap(MutableParticle particle) {
            return new DefaultPooledObject<>(particle);
        }
    }

    private final GenericObjectPool<MutableParticle> pool;
    private final MutableParticle[] particles;

    CommonsPool2Store(int capacity) {
        GenericObjectPoolConfig<MutableParticle> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(-1);
        config.setMaxIdle(-1);
        config.setBlockWhenExhausted(false);
        config.setLifo(true);
        config.setJmxEnabled(false);
        pool = new GenericObjectPool<>(new Factory(), config);
        particles = new MutableParticle[capacity];
    }

    @Override
    public void allocate(int slot, double x, double y, double z, int id, int flags) {
        MutableParticle p;
        try {
            p = pool.borrowObject();
        } catch (Exception e) {
            throw new IllegalStateException("commons-pool2 failed to lend an object", e);
        }
        p.x = x;
        p.y = y;
        p.z = z;
        p.id = id;
        p.flags = flags;
        particles[slot] = p;
    }

    @Override
    public double x(int slot) {
        return particles[slot].x;
    }

    @Override
    public void free(int slot) {
        pool.returnObject(particles[slot]);
        particles[slot] = null;
    }

    @Override
    public double sumX(int count) {
        MutableParticle[] all = particles;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += all[i].x;
        }
        return sum;
    }

    @Override
    public void close() {
        // Lent objects are dropped, not returned: returning a million and closing is quadratic in commons-pool2
        // (each destroy removes from a linked deque by search).
        java.util.Arrays.fill(particles, null);
        pool.close();
    }
}
