package io.slabforge.benchmarks;

import io.slabforge.SlabCache;

/**
 * What every Slabforge store does the same for any generated cache, written once against {@link SlabCache}: the
 * handles by slot, free, the bytes held, where a slot lives, close. The subclasses add what needs the record's
 * type (allocate with a record, the typed accessor, the flyweight scan).
 */
abstract class SlabCacheStore implements ParticleStore {
    private final SlabCache cache;
    final long[] handles;

    SlabCacheStore(SlabCache cache, int capacity) {
        this.cache = cache;
        this.handles = new long[capacity];
    }

    @Override
    public final void free(int slot) {
        cache.free(handles[slot]);
    }

    /** Bytes the cache holds from its memory provider. */
    final long reservedBytes() {
        return cache.stats().reservedBytes();
    }

    /** Where the particle in {@code slot} lives in native memory. */
    final long address(int slot) {
        return cache.segment(handles[slot]).address();
    }

    @Override
    public void close() {
        cache.close();
    }
}
