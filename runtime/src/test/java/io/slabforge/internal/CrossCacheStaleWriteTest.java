package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The adversarial run's bug #2: a cache keeps {@code segment(h)} of its objects, frees them, its slab goes back to
 * the shared provider and on to another cache, and the stale segments are written with garbage. The write may
 * damage data in those slots' memory, but the other cache stays able to allocate (a damaged free list is reported
 * at most once per damage and repaired), accepts no wrong handle, and its counts stay exact.
 */
@ExtendWith(Seeds.class)
class CrossCacheStaleWriteTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);

    @ParameterizedTest
    @EnumSource(Configuration.class)
    void staleWritesIntoASlabAnotherCacheNowHoldsNeverWedgeIt(Configuration configuration) {
        SplittableRandom random = Seeds.random("cross-cache-" + configuration);
        RegionSlabMemory shared = new RegionSlabMemory();
        MemorySegment keep = shared.allocate(4096, 4096); // keeps the region open, so the slab is reused in place
        List<MemorySegment> stale = new ArrayList<>();
        try (SlabEngine first = SlabEngine.builder(GEOMETRY).memory(shared).reserveSlabs(0).build()) {
            List<Long> handles = new ArrayList<>();
            for (int i = 0; i < GEOMETRY.slotsPerSlab(); i++) {
                long h = first.allocate();
                handles.add(h);
                stale.add(first.segment(h));
            }
            for (long h : handles) {
                first.free(h); // the last free gives the slab back to the shared provider
            }
            assertEquals(1, shared.openRegions());
        }
        try (SlabEngine other = configuration.builder(GEOMETRY, shared).build()) {
            // the other cache takes the block (some of its slots live, some free), then the stale writes land
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < GEOMETRY.slotsPerSlab() / 2; i++) {
                live.add(other.allocate());
            }
            for (int i = 0; i < live.size(); i += 3) {
                other.free(live.remove(i));
            }
            long freedHandle = other.allocate();
            other.free(freedHandle);
            for (MemorySegment slot : stale) {
                try {
                    for (long off = 0; off < slot.byteSize(); off += 4) {
                        slot.set(ValueLayout.JAVA_INT_UNALIGNED, off, random.nextInt(4) == 0 ? random.nextInt(200)
                                : random.nextInt());
                    }
                } catch (IllegalStateException closed) {
                    // on paths where the slab is not reused in place, the stale segment is closed: nothing to do
                }
            }
            Set<Long> handedOut = new HashSet<>(live);
            int before = live.size();
            int reported = 0;
            for (int i = 0; i < 3 * GEOMETRY.slotsPerSlab(); i++) {
                long h;
                try {
                    h = other.allocate();
                } catch (SlabException damage) {
                    assertFalse(damage instanceof InvalidHandleException, damage.toString());
                    reported++;
                    assertTrue(reported <= 2 * GEOMETRY.slotsPerSlab(), "repair does not converge: " + damage);
                    i--;
                    continue;
                }
                assertTrue(handedOut.add(h), () -> Seeds.msg("handed out twice: " + Long.toHexString(h)));
                other.setLong(h, 8, h);
                live.add(h);
            }
            assertEquals(live.size(), other.stats().liveObjects(), Seeds.msg("exact live count"));
            assertFalse(other.isLive(freedHandle), Seeds.msg("a stale handle stays refused"));
            for (int i = 0; i < live.size(); i++) {
                long h = live.get(i);
                assertTrue(other.isLive(h));
                if (i >= before) { // written after the stale writes: must read back exactly
                    assertEquals(h, other.getLong(h, 8), Seeds.msg("slot " + Long.toHexString(h) + " kept its value"));
                }
            }
            for (long h : live) {
                other.free(h);
            }
            assertEquals(0, other.stats().liveObjects());
            long again = other.allocate(); // still able to allocate after all of it
            other.free(again);
        }
        shared.free(keep);
    }
}
