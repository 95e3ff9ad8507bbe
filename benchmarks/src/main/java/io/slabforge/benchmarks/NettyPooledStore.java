package io.slabforge.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * {@code nettyPooled}: a 32-byte direct buffer from Netty's {@link PooledByteBufAllocator} per particle, fields in
 * little-endian (native) order, {@code release()} to free. Its own allocator instance with the thread caches on
 * for every thread (not only Netty's event-loop threads), Netty's default arena, page and cache sizes.
 */
final class NettyPooledStore implements ParticleStore {
    static final int SIZE = 32;
    private final PooledByteBufAllocator allocator = new PooledByteBufAllocator(true, 0,
            PooledByteBufAllocator.defaultNumDirectArena(), PooledByteBufAllocator.defaultPageSize(),
            PooledByteBufAllocator.defaultMaxOrder(), PooledByteBufAllocator.defaultSmallCacheSize(),
            PooledByteBufAllocator.defaultNormalCacheSize(), true);
    private final ByteBuf[] buffers;

    NettyPooledStore(int capacity) {
        buffers = new ByteBuf[capacity];
    }

    @Override
    public void allocate(int slot, double x, double y, double z, int id, int flags) {
        ByteBuf b = allocator.directBuffer(SIZE, SIZE);
        b.setDoubleLE(0, x);
        b.setDoubleLE(8, y);
        b.setDoubleLE(16, z);
        b.setIntLE(24, id);
        b.setIntLE(28, flags);
        buffers[slot] = b;
    }

    @Override
    public double x(int slot) {
        return buffers[slot].getDoubleLE(0);
    }

    @Override
    public void free(int slot) {
        buffers[slot].release();
        buffers[slot] = null;
    }

    @Override
    public double sumX(int count) {
        ByteBuf[] all = buffers;
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += all[i].getDoubleLE(0);
        }
        return sum;
    }

    @Override
    public void close() {
        for (int i = 0; i < buffers.length; i++) {
            if (buffers[i] != null) {
                buffers[i].release();
                buffers[i] = null;
            }
        }
        allocator.trimCurrentThreadCache();
    }
}
