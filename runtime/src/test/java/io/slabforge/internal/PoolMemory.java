package io.slabforge.internal;

import io.slabforge.SlabMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * A test provider that never gives memory back until closed: freed slabs are pooled and handed out again. Cheap
 * for tests that make a cache take and return slabs millions of times ({@code reserveSlabs(0)} at a slab
 * boundary), which with {@link SlabMemory#ofArena()} maps and unmaps a region each time. Thread-safe.
 */
public final class PoolMemory implements SlabMemory, AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final ArrayDeque<MemorySegment> pool = new ArrayDeque<>();
    private long slabSize;

    @Override
    public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
        if (slabSize == 0) {
            slabSize = byteSize;
        }
        if (byteSize != slabSize || byteAlignment != byteSize) {
            throw new AssertionError("pool of " + slabSize + "-byte slabs asked for " + byteSize + "/" + byteAlignment);
        }
        MemorySegment segment = pool.pollFirst();
        return segment != null ? segment : arena.allocate(byteSize, byteAlignment);
    }

    @Override
    public synchronized void free(MemorySegment segment) {
        pool.addFirst(segment);
    }

    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return "PoolMemory";
    }
}
