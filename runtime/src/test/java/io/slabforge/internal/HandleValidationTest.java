package io.slabforge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every long that is not a live handle of a cache is refused by it: {@code isLive} says false, {@code slabOf} and
 * {@code free} throw {@link InvalidHandleException} and nothing else, and nothing changes.
 */
class HandleValidationTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);

    /** A cache with several slabs of live objects (cookies written) and a list of stale handles. */
    private static final class Fixture implements AutoCloseable {
        final SlabEngine engine;
        final long salt;
        final List<Long> live = new ArrayList<>();
        final Set<Long> liveSet = new HashSet<>();
        final List<Long> stale = new ArrayList<>();

        Fixture(SlabEngine engine, SplittableRandom random, int objects) {
            this.engine = engine;
            this.salt = random.nextLong();
            for (int i = 0; i < objects; i++) {
                long h = engine.allocate();
                Cookies.write(engine, h, salt);
                live.add(h);
            }
            // free a third at random: their handles are stale, their slots partly reused below
            for (int i = 0; i < objects / 3; i++) {
                long h = live.remove(random.nextInt(live.size()));
                engine.free(h);
                stale.add(h);
            }
            for (int i = 0; i < objects / 6; i++) {
                long h = engine.allocate();
                Cookies.write(engine, h, salt);
                live.add(h);
            }
            liveSet.addAll(live);
        }

        /** Asserts {@code candidate} is refused by every entry point, exactly as a non-handle must be. */
        void assertRefused(long candidate) {
            assertFalse(engine.isLive(candidate), () -> hex(candidate) + " accepted by isLive");
            assertThrowsExactly(InvalidHandleException.class, () -> engine.slabOf(candidate), () -> hex(candidate));
            assertThrowsExactly(InvalidHandleException.class, () -> engine.free(candidate), () -> hex(candidate));
        }

        /** Nothing changed: same counts, same live set, every cookie intact. */
        void assertUnchanged(SlabStats before) {
            assertEquals(before, engine.stats());
            assertEquals(live.size(), engine.liveCount());
            Set<Long> visited = new HashSet<>();
            engine.forEach(visited::add);
            assertEquals(liveSet, visited);
            for (long h : live) {
                Cookies.verify(engine, h, salt);
            }
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    static String hex(long h) {
        return "0x" + Long.toHexString(h);
    }

    /**
     * Runs a test body on a fresh thread. These tests provoke millions of exceptions, and filling in a stack trace
     * costs in proportion to the stack's depth: JUnit's 60-odd frames make it several times slower. The cache is
     * built inside the body, so a confined cache belongs to that thread.
     */
    static void onShallowThread(Runnable body) {
        Throwable[] failure = {null};
        Thread thread = Thread.ofPlatform().name("shallow").start(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        try {
            thread.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        if (failure[0] instanceof Error error) {
            throw error;
        }
        if (failure[0] instanceof RuntimeException exception) {
            throw exception;
        }
    }

    @Test
    void aMillionRandomLongsAreRefused() {
        onShallowThread(HandleValidationTest::aMillionRandomLongs);
    }

    private static void aMillionRandomLongs() {
        SplittableRandom random = new SplittableRandom(SlabEnginePressureTest.seed(0xBADL));
        try (Fixture f = new Fixture(SlabEngine.builder(GEOMETRY).build(), random, 3000)) {
            SlabStats before = f.engine.stats();
            for (int i = 0; i < 1_000_000; i++) {
                long candidate = random.nextLong();
                if (!f.liveSet.contains(candidate)) { // 2^-64-ish, but the rule is "not a live handle"
                    f.assertRefused(candidate);
                }
            }
            f.assertUnchanged(before);
        }
    }

    /**
     * Near misses, which only the later checks can refuse: this cache's tag with random bits below it; a live
     * handle's slab and slot with another generation; a live handle's slab and generation with another slot.
     */
    @Test
    void nearMissesAreRefused() {
        onShallowThread(HandleValidationTest::nearMisses);
    }

    private static void nearMisses() {
        SplittableRandom random = new SplittableRandom(SlabEnginePressureTest.seed(0xC0FFEEL));
        try (Fixture f = new Fixture(SlabEngine.builder(GEOMETRY).build(), random, 3000)) {
            long tagBits = f.live.get(0) & SlabEngine.TAG_MASK;
            SlabStats before = f.engine.stats();
            int accepted = 0;
            for (int i = 0; i < 90_000; i++) {
                long base = f.live.get(random.nextInt(f.live.size()));
                long candidate = switch (i % 3) {
                    case 0 -> tagBits | random.nextLong() & ~SlabEngine.TAG_MASK;
                    case 1 -> base & ~(SlabEngine.GENERATION_MASK * (1L << SlabEngine.GENERATION_SHIFT))
                            | (long) random.nextInt(1 << 24) << SlabEngine.GENERATION_SHIFT;
                    default -> base & ~((1L << GEOMETRY.slotBits()) - 1) | random.nextInt(1 << GEOMETRY.slotBits());
                };
                if (f.liveSet.contains(candidate)) {
                    assertTrue(f.engine.isLive(candidate));
                    accepted++;
                } else {
                    f.assertRefused(candidate);
                }
            }
            f.assertUnchanged(before);
            assertTrue(accepted < 45_000, "most near misses are not live handles: " + accepted);
        }
    }

    @Test
    void staleAndDoubleFreedHandlesAreRefused() {
        SplittableRandom random = new SplittableRandom(SlabEnginePressureTest.seed(5));
        try (Fixture f = new Fixture(SlabEngine.builder(GEOMETRY).build(), random, 5000)) {
            SlabStats before = f.engine.stats();
            for (long h : f.stale) {
                f.assertRefused(h);
                InvalidHandleException e = assertThrowsExactly(InvalidHandleException.class, () -> f.engine.free(h));
                assertTrue(e.getMessage().contains(hex(h).substring(2)), e.getMessage());
            }
            f.assertUnchanged(before);
            // a handle freed once and never reused: the message says so
            long h = f.engine.allocate();
            f.engine.free(h);
            InvalidHandleException twice = assertThrowsExactly(InvalidHandleException.class, () -> f.engine.free(h));
            assertTrue(twice.getMessage().contains("double free"), twice.getMessage());
            assertThrowsExactly(InvalidHandleException.class, () -> f.engine.segment(h));
            InvalidHandleException zero = assertThrowsExactly(InvalidHandleException.class, () -> f.engine.free(0));
            assertTrue(zero.getMessage().contains("0 is never a handle"), zero.getMessage());
            assertFalse(f.engine.isLive(0));
        }
    }

    /** All 64 single-bit flips of 10,000 live handles: each is refused unless it is itself a live handle. */
    @Test
    void everySingleBitFlipIsRefused() {
        onShallowThread(HandleValidationTest::everySingleBitFlip);
    }

    private static void everySingleBitFlip() {
        SplittableRandom random = new SplittableRandom(SlabEnginePressureTest.seed(64));
        try (Fixture f = new Fixture(SlabEngine.builder(GEOMETRY).build(), random, 12_000)) {
            assertTrue(f.live.size() >= 10_000);
            SlabStats before = f.engine.stats();
            int flips = 0;
            int stillLive = 0;
            for (long h : f.live.subList(0, 10_000)) {
                for (int bit = 0; bit < 64; bit++) {
                    long flipped = h ^ 1L << bit;
                    if (f.liveSet.contains(flipped)) { // a neighbour slot of the same generation
                        assertTrue(f.engine.isLive(flipped));
                        assertTrue(bit < SlabEngine.INDEX_BITS,
                                "only slot or slab bits can land on another live handle, not bit " + bit);
                        stillLive++;
                    } else {
                        f.assertRefused(flipped);
                        flips++;
                    }
                }
            }
            f.assertUnchanged(before);
            assertTrue(flips > 600_000, "refused flips: " + flips + ", live neighbours: " + stillLive);
        }
    }

    /** Two open caches of the same geometry never accept each other's handles, though slabs and slots coincide. */
    @Test
    void twoCachesOfTheSameGeometryRefuseEachOthersHandles() {
        SplittableRandom random = new SplittableRandom(SlabEnginePressureTest.seed(2));
        try (Fixture a = new Fixture(SlabEngine.builder(GEOMETRY).build(), random, 2000);
             Fixture b = new Fixture(SlabEngine.builder(GEOMETRY).build(), random, 2000)) {
            SlabStats beforeA = a.engine.stats();
            SlabStats beforeB = b.engine.stats();
            int samePlace = 0;
            Set<Long> placesOfB = new HashSet<>();
            b.live.forEach(h -> placesOfB.add(Cookies.place(b.engine, h)));
            for (long h : a.live) {
                b.assertRefused(h);
                samePlace += placesOfB.contains(Cookies.place(a.engine, h)) ? 1 : 0;
                InvalidHandleException e = assertThrowsExactly(InvalidHandleException.class, () -> b.engine.free(h));
                assertTrue(e.getMessage().contains("another cache"), e.getMessage());
            }
            for (long h : b.live) {
                a.assertRefused(h);
            }
            a.assertUnchanged(beforeA);
            b.assertUnchanged(beforeB);
            assertNotEquals(a.live.get(0) & SlabEngine.TAG_MASK, b.live.get(0) & SlabEngine.TAG_MASK);
            assertTrue(samePlace > 500, "most handles name a slab and slot live in both caches: " + samePlace);
        }
    }

    /**
     * The bit budget in the Javadoc: at most MAX_OPEN_CACHES open at once, one more fails with SlabException;
     * closing one frees its tag.
     */
    @Test
    void openCacheLimit() {
        List<SlabEngine> open = new ArrayList<>();
        // Process-wide engines (SlabAllocator.global(), the shared byte-chunk engine) may hold tags for good.
        int alreadyOpen = CacheTags.inUse();
        try {
            SlabException e = null;
            while (e == null) {
                try {
                    open.add(SlabEngine.builder(GEOMETRY).build());
                } catch (SlabException thrown) {
                    e = thrown;
                }
            }
            assertEquals(SlabException.class, e.getClass());
            assertTrue(e.getMessage().contains("too many open caches"), e.getMessage());
            assertEquals(SlabEngine.MAX_OPEN_CACHES - alreadyOpen, open.size(), "every free tag was handed out");
            open.remove(open.size() / 2).close();
            open.add(SlabEngine.builder(GEOMETRY).build());
            assertThrowsExactly(SlabException.class, () -> SlabEngine.builder(GEOMETRY).build());
            Set<String> tags = new HashSet<>();
            for (SlabEngine engine : open) {
                String text = engine.toString(); // SlabEngine[tag=N, ...]
                tags.add(text.substring(text.indexOf("tag="), text.indexOf(',')));
            }
            assertEquals(open.size(), tags.size(), "every open cache has its own tag");
        } finally {
            open.forEach(SlabEngine::close);
        }
    }

    /**
     * Generations survive a slab being returned and its index reused: with reserve 0 every free of the only
     * object gives the slab back, the next allocation takes a new slab at the same index, and the slot continues
     * its generation where it stopped; every stale handle stays refused.
     */
    @Test
    void generationsSurviveSlabReturnAndIndexReuse() {
        CountingMemory memory = new CountingMemory("reuse");
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(memory).reserveSlabs(0).build()) {
            List<Long> stale = new ArrayList<>();
            long previous = 0;
            for (int cycle = 0; cycle < 100; cycle++) {
                long h = engine.allocate();
                if (previous != 0) {
                    assertEquals(Cookies.place(engine, previous), Cookies.place(engine, h), "same index and slot");
                    assertEquals((Cookies.generation(previous) + 1) & SlabEngine.GENERATION_MASK,
                            Cookies.generation(h), "generation continues after the slab came back");
                }
                engine.free(h);
                assertEquals(0, memory.outstanding(), "reserve 0: the empty slab went back");
                stale.add(h);
                previous = h;
            }
            assertEquals(100, memory.allocateCalls());
            long keep = engine.allocate();
            for (long h : stale) {
                assertFalse(engine.isLive(h));
                assertThrowsExactly(InvalidHandleException.class, () -> engine.slabOf(h));
                assertThrowsExactly(InvalidHandleException.class, () -> engine.free(h));
            }
            assertTrue(engine.isLive(keep));
            assertEquals(1, engine.liveCount());
        }
        assertEquals(0, memory.outstanding());
    }

    /**
     * Generations wrap after 2^24 reuses, as the Javadoc says: memory does not grow, the engine keeps working, and
     * the handle of exactly 2^24 reuses ago is the one handed out again.
     */
    @Test
    void generationWrapsAfterTwoToTheTwentyFourReuses() {
        CountingMemory memory = new CountingMemory("wrap");
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(memory).build()) {
            long neighbour = engine.allocate(); // keeps the slab; the slot below is reused on its own
            long first = engine.allocateUninitialized();
            engine.free(first);
            long last = first;
            for (long i = 1; i < SlabEngine.GENERATIONS; i++) {
                last = engine.allocateUninitialized();
                engine.free(last);
            }
            long h = last;
            assertEquals(Cookies.place(engine, first), Cookies.place(engine, h));
            assertEquals((Cookies.generation(first) - 1) & SlabEngine.GENERATION_MASK, Cookies.generation(h));
            assertFalse(engine.isLive(h));
            long again = engine.allocate();
            assertEquals(first, again, "after 2^24 frees the slot's generation repeats (documented)");
            assertFalse(engine.isLive(h), "the handle of one reuse ago is still refused");
            assertThrowsExactly(InvalidHandleException.class, () -> engine.free(h));
            SlabStats stats = engine.stats();
            assertEquals(1, stats.slabs(), "memory did not grow");
            assertEquals(1, memory.allocateCalls());
            assertEquals(2, stats.liveObjects());
            assertEquals(SlabEngine.GENERATIONS + 2, stats.allocations());
            assertEquals(SlabEngine.GENERATIONS, stats.frees());
            engine.free(again);
            engine.free(neighbour);
        }
    }

    /** An unchecked cache skips the generation check on field access only. */
    @Test
    void uncheckedCacheStillValidatesFreeIsLiveAndSegment() {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).checked(false).build()) {
            assertFalse(engine.isChecked());
            long h = engine.allocate();
            engine.free(h);
            assertSame(engine.slabOf(engine.allocate()), engine.slabOf(h), "stale handle reaches its slab");
            assertFalse(engine.isLive(h));
            assertThrowsExactly(InvalidHandleException.class, () -> engine.free(h));
            assertThrowsExactly(InvalidHandleException.class, () -> engine.segment(h));
            long otherSlab = h + (5L << GEOMETRY.slotBits());
            assertThrowsExactly(InvalidHandleException.class, () -> engine.slabOf(otherSlab),
                    "a slab the cache does not hold is refused even unchecked");
        }
    }
}
