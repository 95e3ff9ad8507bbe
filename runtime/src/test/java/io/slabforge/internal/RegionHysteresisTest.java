package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * A cache with {@code reserveSlabs(0)} that takes and gives back one slab in a loop used to make the region
 * provider map (or allocate) and unmap a whole region on every cycle. One emptied region is kept for reuse, for a
 * while and within a bound, so the churn reuses it.
 */
class RegionHysteresisTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);

    /** A provider that keeps a spare, as the process-wide {@code SlabMemory.ofArena()} does. */
    private static RegionSlabMemory likeTheShared() {
        return RegionSlabMemory.withSpare(AnonymousMappings.available());
    }

    @Test
    void churnAtReserveZeroReusesOneRegion() {
        RegionSlabMemory regions = likeTheShared();
        CountingMemory counted = new CountingMemory("counted regions", regions);
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(counted).reserveSlabs(0).build()) {
            for (int i = 0; i < 1000; i++) {
                long h = engine.allocate();
                engine.setLong(h, 0, i);
                engine.free(h);
            }
            assertEquals(1000, counted.allocateCalls(), "reserveSlabs(0): every cycle takes a slab and gives it back");
            assertEquals(1000, counted.freeCalls());
        }
        assertEquals(1, regions.regionsCreated(), "one region for 1,000 cycles");
        assertEquals(0, regions.openRegions(), "the kept region holds no block");
    }

    /** The bound: at most one empty region is kept; emptying a second closes one of them. */
    @Test
    void atMostOneEmptyRegionIsKept() {
        RegionSlabMemory regions = likeTheShared();
        MemorySegment a = regions.allocate(4096, 4096);
        MemorySegment b = regions.allocate(1 << 16, 1 << 16);
        assertEquals(2, regions.openRegions());
        regions.free(a);
        regions.free(b);
        assertEquals(0, regions.openRegions());
        assertTrue(regions.spareRegions() <= 1, "spare regions: " + regions.spareRegions());
        MemorySegment c = regions.allocate(1 << 16, 1 << 16);
        assertEquals(2, regions.regionsCreated(), "the kept region was reused");
        regions.free(c);
    }

    /**
     * Only the process-wide provider keeps a spare: any other instance (a LOCKED cache's private regions, a test's
     * provider) may be dropped, and nothing would close a spare it kept.
     */
    @Test
    void otherProvidersCloseAnEmptyRegionAtOnce() {
        RegionSlabMemory regions = new RegionSlabMemory();
        MemorySegment a = regions.allocate(4096, 4096);
        regions.free(a);
        assertEquals(0, regions.spareRegions());
        assertFalse(a.scope().isAlive(), "closed at once");
        RegionSlabMemory locked = regions.newPrivate();
        MemorySegment b = locked.allocate(4096, 4096);
        locked.free(b);
        assertFalse(b.scope().isAlive());
    }
}
