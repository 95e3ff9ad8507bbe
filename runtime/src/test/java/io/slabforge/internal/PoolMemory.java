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
    private final Arena arena;
    private final boolean automatic;
    private final ArrayDeque<MemorySegment> pool = new ArrayDeque<>();
    private long slabSize;

    /** A pool whose memory goes back on {@link #close()}. */
    public PoolMemory() {
        this(false);
    }

    /**
     * A pool of {@code Arena.ofShared()} memory (given back on {@link #close()}), or, if {@code automatic}, of
     * {@code Arena.ofAuto()} memory, given back when the pool is garbage (for {@link Configuration}, whose
     * providers nobody closes).
     */
    public PoolMemory(boolean automatic) {
        this.automatic = automatic;
        this.arena = automatic ? Arena.ofAuto() : Arena.ofShared();
    }

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
        if (!automatic) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "PoolMemory";
    }
}
