package io.slabforge;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Write-after-free through a stale {@code segment(h)}: a freed slot's first bytes hold the free-list link. A damaged
 * link is reported as a {@link SlabException} (never a slot handed out twice, never a lost slot for good), the list
 * is rebuilt from the generation words, and the cache keeps working.
 */
class FreeListCorruptionTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);
    private static final int SLOTS = GEOMETRY.slotsPerSlab();

    /** One slab: 50 live objects, then slots A, B and K freed in that order (list K -> B -> A). */
    private static final class OneSlab implements AutoCloseable {
        final SlabEngine engine = SlabEngine.builder(GEOMETRY).maxBytes(GEOMETRY.slabSize()).build();
        final List<Long> live = new ArrayList<>();
        final MemorySegment staleK;
        final int slotA;
        final int slotK;

        OneSlab() {
            for (int i = 0; i < 50; i++) {
                long h = engine.allocate();
                Cookies.write(engine, h, 77);
                live.add(h);
            }
            long a = live.remove(10);
            long b = live.remove(20);
            long k = live.remove(30);
            staleK = engine.segment(k); // taken while live, used after free: the bug under test
            slotA = slot(a);
            slotK = slot(k);
            engine.free(a);
            engine.free(b);
            engine.free(k);
        }

        long allocateLive() {
            long h = engine.allocate();
            Cookies.write(engine, h, 77);
            live.add(h);
            return h;
        }

        int liveSlot() {
            return slot(live.get(0));
        }

        /** The allocation that follows damage fails with a SlabException; nothing else changes. */
        void assertNextAllocationReports() {
            SlabStats before = engine.stats();
            SlabException e = assertThrowsExactly(SlabException.class, engine::allocate);
            assertTrue(e.getMessage().contains("free list of slab 0 was corrupted"), e.getMessage());
            assertTrue(e.getMessage().contains("rebuilt"), e.getMessage());
            assertEquals(before, engine.stats(), "a reported corruption allocates nothing");
        }

        /** Every slot can be had again exactly once: the bounded cache fills to exactly one slab. */
        void assertRecovered() {
            Set<Long> places = new HashSet<>();
            live.forEach(h -> places.add(Cookies.place(engine, h)));
            int added = 0;
            for (long h; (h = engine.tryAllocate()) != 0; added++) {
                assertTrue(places.add(Cookies.place(engine, h)), "slot handed out twice");
            }
            assertEquals(SLOTS, places.size(), "no slot lost");
            assertEquals(SLOTS, engine.liveCount());
            live.forEach(h -> Cookies.verify(engine, h, 77));
            assertTrue(added > 0);
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    static int slot(long handle) {
        return (int) (handle & ((1L << GEOMETRY.slotBits()) - 1));
    }

    static int encoded(int slot) {
        return slot ^ SlabEngine.LINK_KEY;
    }

    /** Damage that the very next allocation from the slab catches. */
    enum Damage {
        ZEROS, MINUS_ONE, SMALL_INT, RANDOM_BYTES, LINK_TO_LIVE_SLOT, LINK_OUT_OF_RANGE, LINK_TO_UNCARVED_SLOT,
        LINK_NEGATIVE
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void damagedLinkIsReportedAtTheNextAllocation(Damage damage) {
        try (OneSlab s = new OneSlab()) {
            switch (damage) {
                case ZEROS -> s.staleK.fill((byte) 0);
                case MINUS_ONE -> s.staleK.fill((byte) 0xFF);
                case SMALL_INT -> s.staleK.set(JAVA_INT, 0, 7);
                case RANDOM_BYTES -> {
                    SplittableRandom random = new SplittableRandom(3);
                    for (long i = 0; i < s.staleK.byteSize(); i += 4) {
                        s.staleK.set(JAVA_INT, i, random.nextInt());
                    }
                }
                case LINK_TO_LIVE_SLOT -> s.staleK.set(JAVA_INT, 0, encoded(s.liveSlot()));
                case LINK_OUT_OF_RANGE -> s.staleK.set(JAVA_INT, 0, encoded(SLOTS + 5));
                case LINK_TO_UNCARVED_SLOT -> s.staleK.set(JAVA_INT, 0, encoded(60));
                case LINK_NEGATIVE -> s.staleK.set(JAVA_INT, 0, encoded(-7));
            }
            s.assertNextAllocationReports();
            s.assertRecovered();
        }
    }

    /** K links to itself: K is handed out once, the allocation after it reports the damage. */
    @Test
    void selfLoopIsReportedBeforeASlotIsHandedOutTwice() {
        try (OneSlab s = new OneSlab()) {
            s.staleK.set(JAVA_INT, 0, encoded(s.slotK));
            assertEquals(s.slotK, slot(s.allocateLive()));
            s.assertNextAllocationReports();
            s.assertRecovered();
        }
    }

    /** K's link ends the list early: B and A are lost until the list runs dry, then found by the rebuild. */
    @Test
    void truncatedListIsReportedWhenItRunsDry() {
        try (OneSlab s = new OneSlab()) {
            s.staleK.set(JAVA_INT, 0, encoded(SlabEngine.NO_SLOT));
            s.allocateLive();
            s.assertNextAllocationReports();
            s.assertRecovered();
        }
    }

    /** K links past B to A: B is lost until the list runs dry, then found. */
    @Test
    void skippedSlotIsFoundAgain() {
        try (OneSlab s = new OneSlab()) {
            s.staleK.set(JAVA_INT, 0, encoded(s.slotA));
            s.allocateLive();
            s.allocateLive();
            s.assertNextAllocationReports();
            s.assertRecovered();
        }
    }

    /**
     * Random stale writes into free slots of a four-slab cache, among random allocations and frees: allocation
     * either succeeds with a slot nobody holds or reports the damage; live data is never touched; at the end the
     * cache still fills to exactly its capacity.
     */
    @Test
    void randomWritesAfterFree() {
        long seed = SlabEnginePressureTest.seed(99);
        int slabs = 4;
        SplittableRandom random = new SplittableRandom(seed);
        Map<Long, MemorySegment> staleByPlace = new HashMap<>();
        List<Long> placesSeen = new ArrayList<>();
        Map<Long, Long> liveByPlace = new HashMap<>();
        List<Long> live = new ArrayList<>();
        int reported = 0;
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).maxBytes(slabs * GEOMETRY.slabSize())
                .reserveSlabs(slabs).build()) { // slabs never go back, so stale segments stay this cache's memory
            for (int step = 0; step < 150_000; step++) {
                int op = random.nextInt(10);
                if (op < 5) {
                    long h;
                    try {
                        h = engine.tryAllocate();
                    } catch (SlabException e) {
                        assertEquals(SlabException.class, e.getClass(), "seed " + seed);
                        reported++;
                        continue;
                    }
                    if (h == 0) {
                        continue;
                    }
                    long place = Cookies.place(engine, h);
                    assertTrue(liveByPlace.put(place, h) == null, "slot handed out twice, seed " + seed);
                    if (staleByPlace.put(place, engine.segment(h)) == null) {
                        placesSeen.add(place);
                    }
                    Cookies.write(engine, h, seed);
                    live.add(h);
                } else if (op < 9 && !live.isEmpty()) {
                    long h = live.remove(random.nextInt(live.size()));
                    Cookies.verify(engine, h, seed);
                    engine.free(h);
                    liveByPlace.remove(Cookies.place(engine, h));
                } else if (!placesSeen.isEmpty()) {
                    // write after free into a slot that is free right now
                    long place = placesSeen.get(random.nextInt(placesSeen.size()));
                    if (!liveByPlace.containsKey(place)) {
                        MemorySegment stale = staleByPlace.get(place);
                        int value = switch (random.nextInt(4)) {
                            case 0 -> random.nextInt();
                            case 1 -> encoded(random.nextInt(-2, SLOTS + 2));
                            case 2 -> 0;
                            default -> random.nextInt(SLOTS);
                        };
                        stale.set(JAVA_INT, random.nextInt(4) == 0 ? 4L * random.nextInt(8) : 0, value);
                    }
                }
            }
            for (long h : live) {
                Cookies.verify(engine, h, seed);
                engine.free(h);
            }
            int filled = 0;
            Set<Long> places = new HashSet<>();
            while (true) {
                long h;
                try {
                    h = engine.tryAllocate();
                } catch (SlabException e) {
                    reported++;
                    continue;
                }
                if (h == 0) {
                    break;
                }
                assertTrue(places.add(Cookies.place(engine, h)), "slot handed out twice, seed " + seed);
                filled++;
            }
            assertEquals(slabs * SLOTS, filled, "every slot can be had again, seed " + seed);
            assertTrue(reported > 100, "damage was reported: " + reported);
        }
    }
}
