package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.SlabMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * Every built-in provider takes back only what it handed out, exactly once: a double free, a free of a segment it
 * never handed out, of a slice or of a copy with the same address is refused with {@link IllegalArgumentException}
 * and changes nothing, so no region is ever unmapped under a cache that still holds one of its slabs. Runs with and
 * without native access (direct path and region path).
 */
class ProviderOwnershipTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);

    /**
     * The adversarial run's scenario: a block freed twice, the second time after a cache took it, then the region's
     * other block freed. It used to unmap the region under the cache (SIGSEGV on the direct path).
     */
    @Test
    void aDoubleFreeOfABlockACacheNowHoldsIsRefusedAndTheCacheKeepsItsMemory() {
        RegionSlabMemory shared = new RegionSlabMemory();
        MemorySegment keep = shared.allocate(4096, 4096);
        MemorySegment s = shared.allocate(4096, 4096);
        shared.free(s);
        try (SlabEngine cache = SlabEngine.builder(GEOMETRY).memory(shared).build()) {
            long h = cache.allocate();
            cache.setLong(h, 8, 0x5EED_CAFEL);
            assertEquals(s.address(), cache.segment(h).address() & -4096L, "the cache got the block s named");

            IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class, () -> shared.free(s));
            assertTrue(e.getMessage().contains("already"), e.getMessage());
            shared.free(keep);

            assertEquals(1, shared.openRegions(), "the region the cache uses stays open");
            assertEquals(0x5EED_CAFEL, cache.getLong(h, 8));
            cache.setLong(h, 8, 7);
            assertEquals(7, cache.getLong(h, 8));
            cache.free(h);
        }
        assertEquals(0, shared.openRegions(), "the cache gave its slab back: the region is closed");
    }

    /** The same against the process-wide provider the issue used (what other tests hold there is not touched). */
    @Test
    void theSharedProviderRefusesASecondFree() {
        SlabMemory shared = SlabMemory.ofArena();
        MemorySegment keep = shared.allocate(4096, 4096);
        MemorySegment s = shared.allocate(4096, 4096);
        shared.free(s);
        try (SlabEngine cache = SlabEngine.builder(GEOMETRY).build()) {
            long h = cache.allocate();
            cache.setLong(h, 0, 42);
            assertThrowsExactly(IllegalArgumentException.class, () -> shared.free(s));
            shared.free(keep);
            assertThrowsExactly(IllegalArgumentException.class, () -> shared.free(keep));
            assertEquals(42, cache.getLong(h, 0));
        }
    }

    @Test
    void regionsRefuseForeignSlicedAndLookAlikeSegments() {
        RegionSlabMemory regions = new RegionSlabMemory();
        MemorySegment block = regions.allocate(4096, 4096);
        try (Arena arena = Arena.ofConfined()) {
            assertThrowsExactly(IllegalArgumentException.class, () -> regions.free(arena.allocate(4096, 4096)));
        }
        assertThrowsExactly(IllegalArgumentException.class, () -> regions.free(block.asSlice(0, 2048)));
        assertThrowsExactly(IllegalArgumentException.class, () -> regions.free(block.asSlice(0)));
        assertEquals(1, regions.openRegions());
        regions.free(block);
        assertEquals(0, regions.openRegions());
        assertThrowsExactly(IllegalArgumentException.class, () -> regions.free(block));
    }

    /**
     * A cache takes its slabs from the regions by address and keeps no segment for them: no segment naming such a
     * slab is taken back by {@code free}, not even the one {@code allocateForEngine} returned, and the engine path
     * takes back only a block an engine holds, once.
     */
    @Test
    void blocksHeldByAnEngineGoBackByAddressOnlyAndOnce() {
        RegionSlabMemory regions = new RegionSlabMemory();
        MemorySegment engineBlock = regions.allocateForEngine(4096, 4096);
        MemorySegment userBlock = regions.allocate(4096, 4096);
        assertThrowsExactly(IllegalArgumentException.class, () -> regions.free(engineBlock));
        IllegalStateException e = assertThrowsExactly(IllegalStateException.class,
                () -> regions.freeForEngine(userBlock.address()));
        assertTrue(e.getMessage().contains("nothing was freed"), e.getMessage());
        assertThrowsExactly(IllegalStateException.class, () -> regions.freeForEngine(engineBlock.address() + 64));
        regions.freeForEngine(engineBlock.address());
        assertThrowsExactly(IllegalStateException.class, () -> regions.freeForEngine(engineBlock.address()));
        assertThrowsExactly(IllegalArgumentException.class, () -> regions.free(engineBlock));
        assertEquals(1, regions.openRegions(), "the user's block keeps the region open");
        regions.free(userBlock);
        assertEquals(0, regions.openRegions());

        try (SlabEngine cache = SlabEngine.builder(GEOMETRY).memory(regions).build()) {
            long h = cache.allocate();
            cache.setLong(h, 0, 42);
            assertThrowsExactly(IllegalArgumentException.class, () -> regions.free(cache.segment(h)));
            assertEquals(42, cache.getLong(h, 0));
            cache.free(h);
        }
        assertEquals(0, regions.openRegions(), "the cache gave its slab back by address: the region is closed");
    }

    /** A bounded provider over a delegate that takes anything back still refuses what it did not hand out. */
    @Test
    void boundedRefusesWhatItDidNotHandOutEvenOverALaxDelegate() {
        try (PoolMemory lax = new PoolMemory()) {
            BoundedSlabMemory bounded = new BoundedSlabMemory(lax, 3 * 4096);
            MemorySegment a = bounded.allocate(4096, 4096);
            MemorySegment b = bounded.allocate(4096, 4096);
            assertEquals(2 * 4096, bounded.heldBytes());
            bounded.free(a);
            IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class, () -> bounded.free(a));
            assertTrue(e.getMessage().contains(bounded.toString()), e.getMessage());
            assertThrowsExactly(IllegalArgumentException.class, () -> bounded.free(lax.allocate(4096, 4096)));
            assertThrowsExactly(IllegalArgumentException.class, () -> bounded.free(b.asSlice(0)));
            assertEquals(4096, bounded.heldBytes(), "a refused free changes no budget");
            MemorySegment c = bounded.allocate(4096, 4096);
            MemorySegment d = bounded.allocate(4096, 4096);
            assertEquals(null, bounded.allocate(4096, 4096), "the budget still holds: 3 slabs");
            bounded.free(b);
            bounded.free(c);
            bounded.free(d);
            assertEquals(0, bounded.heldBytes());
        }
    }

    /** Bounded over regions (what caches with maxBytes over the default provider use): the same scenario. */
    @Test
    void boundedOverRegionsRefusesADoubleFreeOfACachesBlock() {
        RegionSlabMemory regions = new RegionSlabMemory();
        BoundedSlabMemory bounded = new BoundedSlabMemory(regions, 1 << 20);
        MemorySegment keep = bounded.allocate(4096, 4096);
        MemorySegment s = bounded.allocate(4096, 4096);
        bounded.free(s);
        try (SlabEngine cache = SlabEngine.builder(GEOMETRY).memory(bounded).build()) {
            long h = cache.allocate();
            cache.setLong(h, 0, 99);
            assertThrowsExactly(IllegalArgumentException.class, () -> bounded.free(s));
            assertThrowsExactly(IllegalArgumentException.class, () -> regions.free(s));
            bounded.free(keep);
            assertEquals(99, cache.getLong(h, 0));
            assertEquals(4096, bounded.heldBytes());
        }
        assertEquals(0, bounded.heldBytes());
        assertEquals(0, regions.openRegions());
    }
}
