package io.slabforge.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabException;
import io.slabforge.SlabStats;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Write-after-free through a stale {@code segment(h)}: a free slot on a slab's free list holds the list's link in
 * its first 4 bytes (XOR {@link SlabPool#LINK_KEY}). A damaged link is reported as a {@link SlabException}, the list
 * is rebuilt from the generation words (which live on the heap, where no stale write reaches), and the cache keeps
 * working: never a slot handed out twice, never a slot lost, never a stale handle accepted, live data untouched.
 * Every {@link Configuration}.
 */
@ExtendWith(Seeds.class)
class FreeListCorruptionTest {
    /** 512 slots per slab: room for a free list well beyond the magazine. */
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 16384);
    private static final int SLOTS = GEOMETRY.slotsPerSlab();
    private static final int ALLOCATED = 300;

    /**
     * A cache of exactly one slab: 300 slots allocated (so about 320 carved: some are never carved), 250 of them freed
     * in random order (so the magazine spills and the slab's free list holds most of them); K, B and A are the
     * first three slots on the list, K its head. Every slot's segment was kept while it was live.
     */
    private static final class OneSlab implements AutoCloseable {
        final Configuration configuration;
        final SlabEngine engine;
        final long salt;
        final SplittableRandom random;
        final Map<Long, Long> liveByPlace = new HashMap<>();
        final Map<Long, MemorySegment> staleByPlace = new HashMap<>();
        final List<Long> stale = new ArrayList<>();
        final MemorySegment staleK;
        final int slotK;
        final int slotB;
        final int slotA;
        final int slab;

        OneSlab(Configuration configuration, String name) {
            this.configuration = configuration;
            this.engine = configuration.builder(GEOMETRY).maxBytes(GEOMETRY.slabSize()).build();
            this.random = Seeds.random(name + " " + configuration);
            this.salt = random.nextLong();
            List<Long> handles = new ArrayList<>();
            for (int i = 0; i < ALLOCATED; i++) {
                long h = engine.allocate();
                Cookies.write(engine, h, salt);
                handles.add(h);
                staleByPlace.put(Cookies.place(h), engine.segment(h)); // kept while live: the bug under test
            }
            for (int i = 0; i < 250; i++) {
                long h = handles.remove(random.nextInt(handles.size()));
                engine.free(h);
                stale.add(h);
            }
            handles.forEach(h -> liveByPlace.put(Cookies.place(h), h));
            List<Integer> listed = PoolConsistency.listedSlots(engine);
            assertTrue(listed.size() >= 100, Seeds.msg("the free list holds slots: " + listed.size()));
            slab = listed.get(0) >>> GEOMETRY.slotBits();
            slotK = listed.get(0) & (SLOTS - 1);
            slotB = listed.get(1) & (SLOTS - 1);
            slotA = listed.get(2) & (SLOTS - 1);
            staleK = staleByPlace.get((long) listed.get(0));
            PoolConsistency.assertConsistent(engine);
        }

        int liveSlot() {
            return (int) (liveByPlace.keySet().iterator().next() & (SLOTS - 1));
        }

        int uncarvedSlot() {
            int carved = engine.pool(slab & (engine.stripeCount() - 1)).carved[slab >>> stripeShift()];
            assertTrue(carved + 10 < SLOTS, Seeds.msg("slots never carved: " + carved + " of " + SLOTS));
            return carved;
        }

        private int stripeShift() {
            return Integer.numberOfTrailingZeros(engine.stripeCount());
        }

        /**
         * Allocates until the one-slab cache is full: the damage is reported (a SlabException saying the list was
         * rebuilt, changing nothing) at most {@code maxReports} times and at least {@code minReports}; every slot is
         * handed out exactly once; live data and stale handles are untouched; the bookkeeping is consistent.
         */
        void assertConverges(int minReports, int maxReports) {
            int reports = 0;
            Set<Long> places = new HashSet<>(liveByPlace.keySet());
            for (;;) {
                SlabStats before = engine.stats();
                long h;
                try {
                    h = engine.tryAllocate();
                } catch (SlabException e) {
                    assertEquals(SlabException.class, e.getClass(), Seeds.msg("" + e));
                    assertTrue(e.getMessage().contains("free list of slab " + slab + " is damaged")
                            && e.getMessage().contains("rebuilt"), Seeds.msg(e.getMessage()));
                    assertEquals(before, engine.stats(), Seeds.msg("a reported damage allocates nothing"));
                    PoolConsistency.assertConsistent(engine);
                    int n = ++reports;
                    assertTrue(reports <= maxReports, Seeds.msg(() -> n + " reports: " + e.getMessage()));
                    continue;
                }
                if (h == 0) {
                    break;
                }
                long place = Cookies.place(h);
                assertTrue(places.add(place), Seeds.msg(() -> "slot handed out twice: " + engine.describe(h)));
                Cookies.write(engine, h, salt);
            }
            assertTrue(reports >= minReports, Seeds.msg("the damage was reported: " + reports + " reports"));
            assertEquals(SLOTS, places.size(), Seeds.msg("no slot lost"));
            assertEquals(SLOTS, engine.liveCount(), Seeds.msg("liveCount"));
            for (long h : liveByPlace.values()) {
                Cookies.verify(engine, h, salt);
            }
            for (long h : stale) {
                assertFalse(engine.isLive(h), Seeds.msg("a stale handle came back to life"));
                assertThrowsExactly(InvalidHandleException.class, () -> engine.free(h));
            }
            PoolConsistency.assertConsistent(engine);
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    static int encoded(int slot) {
        return slot ^ SlabPool.LINK_KEY;
    }

    /** Damage that the allocation that follows the link catches. */
    enum Damage {
        ZEROS, MINUS_ONE, SMALL_INT, RANDOM_BYTES, LINK_TO_LIVE_SLOT, LINK_OUT_OF_RANGE, LINK_TO_UNCARVED_SLOT,
        LINK_NEGATIVE
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void everyKindOfDamagedLinkIsReportedAndRepaired(Configuration c) {
        for (Damage damage : Damage.values()) {
            try (OneSlab s = new OneSlab(c, "damage " + damage)) {
                switch (damage) {
                    case ZEROS -> s.staleK.fill((byte) 0);
                    case MINUS_ONE -> s.staleK.fill((byte) 0xFF);
                    case SMALL_INT -> s.staleK.set(JAVA_INT, 0, 7);
                    case RANDOM_BYTES -> {
                        for (long i = 0; i < s.staleK.byteSize(); i += 4) {
                            s.staleK.set(JAVA_INT, i, s.random.nextInt());
                        }
                        int link = s.staleK.get(JAVA_INT, 0) ^ SlabPool.LINK_KEY;
                        if (link >= -1 && link < SLOTS) { // 1 in 8 million: a link that looks valid
                            s.staleK.set(JAVA_INT, 0, 0);
                        }
                    }
                    case LINK_TO_LIVE_SLOT -> s.staleK.set(JAVA_INT, 0, encoded(s.liveSlot()));
                    case LINK_OUT_OF_RANGE -> s.staleK.set(JAVA_INT, 0, encoded(SLOTS + 5));
                    case LINK_TO_UNCARVED_SLOT -> s.staleK.set(JAVA_INT, 0, encoded(s.uncarvedSlot() + 10));
                    case LINK_NEGATIVE -> s.staleK.set(JAVA_INT, 0, encoded(-7));
                }
                s.assertConverges(1, 1);
            } catch (AssertionError e) {
                throw new AssertionError(damage + " on " + c + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * K links to itself: K may be handed out once, never twice; the damage is reported before any slot is handed
     * out twice.
     *
     * <p>Disabled: fails on Engine v2's magazine. {@code SlabPool.takeInto} checks that a link names a carved slot
     * whose word is free, but a slot it already moved into the magazine still has a free word, so K -> K (or any
     * cycle) passes the check and K enters the magazine again and again: one stale write makes the engine hand out
     * the same slot (the same handle) up to MAGAZINE/2 times, and the live count goes wrong.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void selfLoopIsReportedBeforeASlotIsHandedOutTwice(Configuration c) {
        try (OneSlab s = new OneSlab(c, "selfLoop")) {
            s.staleK.set(JAVA_INT, 0, encoded(s.slotK));
            s.assertConverges(1, 1);
        }
    }

    /**
     * K's link ends the list early: the slots after K are lost unless the engine notices, when the list runs dry,
     * that the slab's counts say more slots are free.
     *
     * <p>Disabled: fails on Engine v2. When a slab's list is empty and every slot is carved, {@code topWithRoom}
     * drops it although {@code live[s]} + its retired slots + its magazine slots is less than {@code slotsPerSlab}:
     * the free slots after the damaged link are lost while the slab is held (for good in a bounded cache:
     * {@code tryAllocate} returns 0, {@code allocate} throws SlabOutOfMemoryException with free slots left). Engine
     * v1 reported "the free list ended with N slots still counted free" and rebuilt it.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void truncatedListIsReportedWhenItRunsDry(Configuration c) {
        try (OneSlab s = new OneSlab(c, "truncated")) {
            s.staleK.set(JAVA_INT, 0, encoded(SlabPool.NO_SLOT));
            s.assertConverges(1, 1);
        }
    }

    /** K links past B to A: B is lost unless found when the list runs dry. Disabled as the test above. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void skippedSlotIsFoundAgain(Configuration c) {
        try (OneSlab s = new OneSlab(c, "skipped")) {
            s.staleK.set(JAVA_INT, 0, encoded(s.slotA));
            s.assertConverges(1, 1);
        }
    }

    /**
     * A stale segment can write anything into a freed slot, every byte of it, but no longer reach a generation
     * word (they are on the heap): whatever it writes, no stale handle is accepted again, every live handle keeps
     * its data, and allocation converges: at most one SlabException (the damaged list, rebuilt), then every slot
     * once.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void staleWritesIntoFreedSlotsCannotForgeAHandle(Configuration c) {
        try (OneSlab s = new OneSlab(c, "forge")) {
            // Every freed slot overwritten in full: with the old handle's own bits, with "live" generation words of
            // every plausible layout, with random bytes, with zeros.
            for (long h : s.stale) {
                MemorySegment slot = s.staleByPlace.get(Cookies.place(h));
                int pattern = s.random.nextInt(4);
                for (long i = 0; i < slot.byteSize(); i += 4) {
                    int value = switch (pattern) {
                        case 0 -> (int) (i % 8 == 0 ? h : h >>> 32);
                        case 1 -> HandleFormat.liveWord(h);
                        case 2 -> s.random.nextInt();
                        default -> 0;
                    };
                    slot.set(JAVA_INT, i, value);
                }
                int link = slot.get(JAVA_INT, 0) ^ SlabPool.LINK_KEY;
                if (link >= -1 && link < SLOTS) { // a link that looks valid: see the disabled tests above
                    slot.set(JAVA_INT, 0, 0);
                }
            }
            for (long h : s.stale) {
                assertFalse(s.engine.isLive(h), Seeds.msg("stale handle accepted by isLive"));
                assertThrowsExactly(InvalidHandleException.class, () -> s.engine.segment(h));
                if (s.engine.isChecked()) {
                    assertThrowsExactly(InvalidHandleException.class, () -> s.engine.getLong(h, 0));
                }
            }
            s.assertConverges(0, 1);
        }
    }

    /**
     * Random stale writes into free slots of a four-slab cache, among random allocations and frees: allocation
     * either succeeds with a slot nobody holds or reports the damage; live data is never touched; at the end the
     * cache still fills to exactly its capacity. {@code anyValue} also writes values that decode to plausible
     * links (the end of the list, another free slot), which only the disabled tests' fixes can catch.
     */
    private static void randomWritesAfterFree(Configuration c, boolean anyValue) {
        SplittableRandom random = Seeds.random("randomWritesAfterFree " + anyValue + " " + c);
        int slabs = 4;
        SlabGeometry g = SlabGeometry.of(32, 8, 4096);
        int slots = g.slotsPerSlab();
        long salt = random.nextLong();
        Map<Long, MemorySegment> staleByPlace = new HashMap<>();
        List<Long> placesSeen = new ArrayList<>();
        Map<Long, Long> liveByPlace = new HashMap<>();
        List<Long> live = new ArrayList<>();
        int reported = 0;
        // Slabs never go back (reserve = all), so stale segments stay this cache's memory.
        try (SlabEngine engine = c.builder(g).maxBytes(slabs * g.slabSize()).reserveSlabs(slabs).build()) {
            // Phases of growth and drain, so that the magazine spills onto the free lists and refills from them.
            int target = 0;
            for (int step = 0; step < 150_000; step++) {
                if (step % 2_000 == 0) {
                    target = random.nextInt(slabs * slots + 1);
                }
                int op = random.nextInt(10);
                boolean grow = live.size() < target;
                if (op != 9) { // 1 in 10 a stale write, else allocate or free towards the target
                    op = (grow ? random.nextInt(10) < 8 : random.nextInt(10) < 2) ? 0 : 5;
                }
                if (op < 5) {
                    long h;
                    try {
                        h = engine.tryAllocate();
                    } catch (SlabException e) {
                        assertEquals(SlabException.class, e.getClass(), Seeds.msg("" + e));
                        reported++;
                        continue;
                    }
                    if (h == 0) {
                        continue;
                    }
                    long place = Cookies.place(h);
                    assertTrue(liveByPlace.put(place, h) == null, Seeds.msg("slot handed out twice"));
                    if (staleByPlace.put(place, engine.segment(h)) == null) {
                        placesSeen.add(place);
                    }
                    Cookies.write(engine, h, salt);
                    live.add(h);
                } else if (op < 9 && !live.isEmpty()) {
                    long h = live.remove(random.nextInt(live.size()));
                    Cookies.verify(engine, h, salt);
                    engine.free(h);
                    liveByPlace.remove(Cookies.place(h));
                } else if (!placesSeen.isEmpty()) {
                    // write after free into a slot that is free right now
                    long place = placesSeen.get(random.nextInt(placesSeen.size()));
                    if (!liveByPlace.containsKey(place)) {
                        MemorySegment stale = staleByPlace.get(place);
                        int value = switch (random.nextInt(anyValue ? 4 : 3)) {
                            case 0 -> random.nextInt();
                            case 1 -> 0;
                            case 2 -> random.nextInt(slots);
                            default -> encoded(random.nextInt(-2, slots + 2));
                        };
                        int link = value ^ SlabPool.LINK_KEY;
                        if (!anyValue && link >= -1 && link < slots) {
                            value = 0;
                        }
                        stale.set(JAVA_INT, random.nextInt(4) == 0 ? 4L * random.nextInt(8) : 0, value);
                    }
                }
            }
            for (long h : live) {
                Cookies.verify(engine, h, salt);
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
                assertTrue(places.add(Cookies.place(h)), Seeds.msg("slot handed out twice"));
                filled++;
            }
            assertEquals(slabs * slots, filled, Seeds.msg("every slot can be had again"));
            int reports = reported;
            assertTrue(reported > 10, Seeds.msg(() -> "damage was reported: " + reports));
            PoolConsistency.assertConsistent(engine);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void randomDetectableWritesAfterFree(Configuration c) {
        randomWritesAfterFree(c, false);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void randomWritesAfterFree(Configuration c) {
        randomWritesAfterFree(c, true);
    }
}
