package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.SlabException;
import io.slabforge.SlabMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A provider that closes the arena of a slab a cache still holds: the cache reports it, stays usable on its other
 * memory, never takes a fresh slab per retried allocation, and {@code close()} gives back everything it can,
 * releases its tag and reports the failures.
 */
class ClosedUnderCacheTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);

    /** One shared arena per slab, so the test can close any slab's memory; counts what is held. */
    static final class ArenaPerSlabMemory implements SlabMemory {
        final Map<MemorySegment, Arena> arenas = new IdentityHashMap<>();
        final List<MemorySegment> handedOut = new ArrayList<>();
        int allocations;
        int frees;
        boolean freeThrowsWhenClosed = true;
        /** Confined arenas (no thread handshake to close them) for a CONFINED cache, else shared ones. */
        final boolean confined;

        ArenaPerSlabMemory(boolean confined) {
            this.confined = confined;
        }

        @Override
        public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
            Arena arena = confined ? Arena.ofConfined() : Arena.ofShared();
            MemorySegment segment = arena.allocate(byteSize, byteAlignment);
            arenas.put(segment, arena);
            handedOut.add(segment);
            allocations++;
            return segment;
        }

        @Override
        public synchronized void free(MemorySegment segment) {
            Arena arena = arenas.remove(segment);
            if (arena == null) {
                throw new IllegalArgumentException("not mine: " + segment);
            }
            frees++;
            if (!segment.scope().isAlive()) {
                if (freeThrowsWhenClosed) {
                    throw new IllegalStateException("simulated: the slab's arena was closed under its cache");
                }
                return;
            }
            arena.close();
        }

        synchronized void closeUnderCache(MemorySegment segment) {
            arenas.get(segment).close();
        }

        synchronized int held() {
            return arenas.size();
        }

        @Override
        public String toString() {
            return "ArenaPerSlabMemory";
        }
    }

    enum Mode { CONFINED, NONE, LOCKED_STRIPED, LOCKED_ONE_STRIPE }

    private static SlabEngine cacheOver(SlabMemory memory, Mode mode) {
        SlabEngine.Builder b = SlabEngine.builder(GEOMETRY).memory(memory);
        return switch (mode) {
            case CONFINED -> b.build();
            case NONE -> b.sync(io.slabforge.SlabSync.NONE).build();
            case LOCKED_STRIPED -> b.sync(io.slabforge.SlabSync.LOCKED).stripes(4).build();
            case LOCKED_ONE_STRIPE -> b.sync(io.slabforge.SlabSync.LOCKED).stripes(1).build();
        };
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void retriedAllocationsDoNotTakeASlabEach(Mode mode) {
        ArenaPerSlabMemory memory = new ArenaPerSlabMemory(mode == Mode.CONFINED);
        SlabEngine engine = cacheOver(memory, mode);
        long kept = engine.allocate();
        engine.setLong(kept, 0, 1);
        memory.closeUnderCache(memory.handedOut.getFirst());
        int failures = 0;
        List<Long> allocated = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            try {
                long h = engine.allocate();
                engine.setLong(h, 0, i);
                allocated.add(h);
            } catch (SlabException e) {
                assertTrue(e.getMessage().contains("ArenaPerSlabMemory"), e.getMessage());
                failures++;
            }
        }
        int slabsForThem = (allocated.size() + GEOMETRY.slotsPerSlab() - 1) / GEOMETRY.slotsPerSlab();
        assertTrue(memory.held() <= slabsForThem + 1 + 4,
                mode + ": " + memory.held() + " slabs held for " + allocated.size() + " objects, " + failures
                        + " failures");
        assertEquals(allocated.size() + 1, engine.stats().liveObjects(), "no slot lost to a failed allocation");
        for (long h : allocated) {
            engine.free(h);
        }
        SlabException e = assertThrows(SlabException.class, engine::close);
        assertTrue(e.getMessage().contains("ArenaPerSlabMemory"), e.getMessage());
        assertEquals(0, memory.held(), "close offers every slab, the closed one too");
        assertTrue(engine.isClosed());
    }

    /**
     * 4,094 caches each closed with a provider failure used to keep their tags: then nothing could be created. In
     * small: tags are released by a failing close, so more caches than there are tags come and go (a CONFINED cache
     * over confined arenas, cheap to close; the other modes a few hundred times, as their arenas are shared and each
     * close is a thread handshake).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aFailingCloseStillReleasesTheTag(Mode mode) {
        int caches = mode == Mode.CONFINED ? SlabEngine.MAX_OPEN_CACHES + 10 : 200;
        for (int i = 0; i < caches; i++) {
            ArenaPerSlabMemory memory = new ArenaPerSlabMemory(mode == Mode.CONFINED);
            SlabEngine engine = cacheOver(memory, mode);
            engine.allocate();
            memory.closeUnderCache(memory.handedOut.getFirst());
            assertThrows(SlabException.class, engine::close);
            assertEquals(0, memory.held());
        }
        ArenaPerSlabMemory memory = new ArenaPerSlabMemory(mode == Mode.CONFINED);
        memory.freeThrowsWhenClosed = false;
        try (SlabEngine engine = cacheOver(memory, mode)) {
            engine.allocate();
        }
    }
}
