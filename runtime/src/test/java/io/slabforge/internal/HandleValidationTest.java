package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabException;
import io.slabforge.SlabStats;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every long that is not a live handle of a cache is refused by it, in every {@link Configuration}:
 * {@code isLive} says false; {@code segment}, {@code free} and (on a checked cache) every field access throw
 * {@link InvalidHandleException} and nothing else; an unchecked cache's field access reaches, at most, a slot of a
 * slab it holds; and nothing changes (stats, live set, cookies, bookkeeping).
 */
@ExtendWith(Seeds.class)
class HandleValidationTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);

    /** A cache with several slabs of live objects (cookies written) and a list of stale handles. */
    static final class Fixture implements AutoCloseable {
        final Configuration configuration;
        final SlabEngine engine;
        final long salt;
        final List<Long> live = new ArrayList<>();
        final Set<Long> liveSet = new HashSet<>();
        final List<Long> stale = new ArrayList<>();

        Fixture(Configuration configuration, SplittableRandom random, int objects) {
            this.configuration = configuration;
            this.engine = configuration.builder(GEOMETRY).build();
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
            if (engine.isLive(candidate)) {
                throw new AssertionError(Seeds.msg(hex(candidate) + " accepted by isLive on " + configuration));
            }
            refusedBy("segment", candidate, () -> engine.segment(candidate));
            refusedBy("free", candidate, () -> engine.free(candidate));
            if (engine.isChecked()) {
                refusedBy("getLong", candidate, () -> engine.getLong(candidate, 8));
                refusedBy("setInt", candidate, () -> engine.setInt(candidate, 0, 0x0BAD_F00D));
                refusedBy("getAndAddLong", candidate, () -> engine.getAndAddLong(candidate, 16, 1));
            } else {
                // Unchecked: a field access is allowed to reach a slot, but only one of a slab this cache holds.
                try {
                    engine.getLong(candidate, 8);
                    assertHeldSlot(candidate);
                } catch (InvalidHandleException expected) {
                    // refused
                }
            }
        }

        /**
         * The cheaper check for the million random longs: {@code isLive} and {@code free} always, and one of the
         * other entry points in turn, so that each sees a quarter of a million candidates.
         */
        void assertRefusedQuickly(long candidate, int i) {
            if (engine.isLive(candidate)) {
                throw new AssertionError(Seeds.msg(hex(candidate) + " accepted by isLive on " + configuration));
            }
            refusedBy("free", candidate, () -> engine.free(candidate));
            switch (i & 3) {
                case 0 -> refusedBy("segment", candidate, () -> engine.segment(candidate));
                case 1 -> {
                    if (engine.isChecked()) {
                        refusedBy("getLong", candidate, () -> engine.getLong(candidate, 8));
                    } else {
                        try {
                            engine.getLong(candidate, 8);
                            assertHeldSlot(candidate);
                        } catch (InvalidHandleException expected) {
                            // refused
                        }
                    }
                }
                case 2 -> {
                    if (engine.isChecked()) {
                        refusedBy("setInt", candidate, () -> engine.setInt(candidate, 0, 0x0BAD_F00D));
                    } else {
                        refusedBy("segment", candidate, () -> engine.segment(candidate));
                    }
                }
                default -> {
                    if (engine.isChecked()) {
                        refusedBy("compareAndSetLong", candidate,
                                () -> engine.compareAndSetLong(candidate, 16, 0, 1));
                    } else {
                        refusedBy("segment", candidate, () -> engine.segment(candidate));
                    }
                }
            }
        }

        private void refusedBy(String call, long candidate, Runnable action) {
            try {
                action.run();
            } catch (InvalidHandleException e) {
                if (e.getClass() != InvalidHandleException.class) {
                    throw new AssertionError(Seeds.msg(call + "(" + hex(candidate) + ") threw " + e), e);
                }
                return;
            } catch (RuntimeException e) {
                throw new AssertionError(Seeds.msg(call + "(" + hex(candidate) + ") on " + configuration
                        + " threw " + e + " instead of InvalidHandleException"), e);
            }
            throw new AssertionError(Seeds.msg(call + "(" + hex(candidate) + ") accepted on " + configuration));
        }

        void assertHeldSlot(long candidate) {
            SlotTable table = engine.table();
            int index = HandleFormat.index(candidate);
            int slab = index >>> GEOMETRY.slotBits();
            int slot = index & ((1 << GEOMETRY.slotBits()) - 1);
            assertTrue(slab < table.slabCapacity() && table.via(slab) != SlotTable.RELEASED
                    && slot < GEOMETRY.slotsPerSlab(), Seeds.msg(() -> "unchecked access of " + hex(candidate)
                    + " reached slab " + slab + " slot " + slot + ", which the cache does not hold"));
        }

        /** Nothing changed: same counts, same live set, every cookie intact, bookkeeping consistent. */
        void assertUnchanged(SlabStats before) {
            assertEquals(before, engine.stats(), Seeds.msg("stats"));
            assertEquals(live.size(), engine.liveCount(), Seeds.msg("liveCount"));
            Set<Long> visited = new HashSet<>();
            engine.forEach(visited::add);
            assertEquals(liveSet, visited, Seeds.msg("forEach"));
            for (long h : live) {
                Cookies.verify(engine, h, salt);
            }
            PoolConsistency.assertConsistent(engine);
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

    @ParameterizedTest
    @EnumSource(Configuration.class)
    void aMillionRandomLongsAreRefused(Configuration c) {
        onShallowThread(() -> {
            SplittableRandom random = Seeds.random("aMillionRandomLongs " + c);
            try (Fixture f = new Fixture(c, random, 3000)) {
                SlabStats before = f.engine.stats();
                for (int i = 0; i < 1_000_000; i++) {
                    long candidate = random.nextLong();
                    if (!f.liveSet.contains(candidate)) { // 2^-64-ish, but the rule is "not a live handle"
                        f.assertRefusedQuickly(candidate, i);
                    }
                }
                f.assertUnchanged(before);
            }
        });
    }

    /**
     * Near misses, which only the later checks can refuse: this cache's tag with random bits below it; a live
     * handle's slab and slot with another generation; a live handle's slab and generation with another slot; a
     * live handle's slot in another slab index.
     */
    @ParameterizedTest
    @EnumSource(Configuration.class)
    void nearMissesAreRefused(Configuration c) {
        onShallowThread(() -> {
            SplittableRandom random = Seeds.random("nearMisses " + c);
            try (Fixture f = new Fixture(c, random, 3000)) {
                long tagBits = f.live.get(0) & HandleFormat.TAG_MASK;
                long generationBits = (long) HandleFormat.GENERATION_MASK << HandleFormat.GENERATION_SHIFT;
                long slotMask = (1L << GEOMETRY.slotBits()) - 1;
                SlabStats before = f.engine.stats();
                int accepted = 0;
                for (int i = 0; i < 120_000; i++) {
                    long base = f.live.get(random.nextInt(f.live.size()));
                    long candidate = switch (i % 4) {
                        case 0 -> tagBits | random.nextLong() & ~HandleFormat.TAG_MASK;
                        case 1 -> base & ~generationBits
                                | (long) random.nextInt(1 << HandleFormat.GENERATION_BITS) << HandleFormat.GENERATION_SHIFT;
                        case 2 -> base & ~slotMask | random.nextInt(1 << GEOMETRY.slotBits());
                        default -> base & ~((long) HandleFormat.INDEX_MASK & ~slotMask)
                                | (long) random.nextInt(1 << (HandleFormat.INDEX_BITS - GEOMETRY.slotBits()))
                                        << GEOMETRY.slotBits();
                    };
                    if (f.liveSet.contains(candidate)) {
                        assertTrue(f.engine.isLive(candidate), Seeds.msg("a live handle"));
                        accepted++;
                    } else {
                        f.assertRefused(candidate);
                    }
                }
                f.assertUnchanged(before);
                int acceptedNearMisses = accepted;
                assertTrue(accepted < 60_000, Seeds.msg(() -> "most near misses are not live handles: "
                        + acceptedNearMisses));
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Configuration.class)
    void staleAndDoubleFreedHandlesAreRefused(Configuration c) {
        onShallowThread(() -> {
            SplittableRandom random = Seeds.random("stale " + c);
            try (Fixture f = new Fixture(c, random, 5000)) {
                SlabStats before = f.engine.stats();
                for (long h : f.stale) {
                    f.assertRefused(h);
                    InvalidHandleException e = assertThrowsExactly(InvalidHandleException.class,
                            () -> f.engine.free(h));
                    assertTrue(e.getMessage().contains(hex(h).substring(2)), e.getMessage());
                }
                f.assertUnchanged(before);
                // a handle freed once and never reused: the message says so
                long h = f.engine.allocate();
                f.engine.free(h);
                InvalidHandleException twice = assertThrowsExactly(InvalidHandleException.class,
                        () -> f.engine.free(h));
                assertTrue(twice.getMessage().contains("double free"), twice.getMessage());
                assertThrowsExactly(InvalidHandleException.class, () -> f.engine.segment(h));
                InvalidHandleException zero = assertThrowsExactly(InvalidHandleException.class,
                        () -> f.engine.free(0));
                assertTrue(zero.getMessage().contains("0 is never a handle"), zero.getMessage());
                assertFalse(f.engine.isLive(0));
                if (f.engine.isChecked()) {
                    InvalidHandleException read = assertThrowsExactly(InvalidHandleException.class,
                            () -> f.engine.getLong(h, 0));
                    assertTrue(read.getMessage().contains("use after free"), read.getMessage());
                }
            }
        });
    }

    /** All 64 single-bit flips of thousands of live handles: each is refused unless it is itself a live handle. */
    @ParameterizedTest
    @EnumSource(Configuration.class)
    void everySingleBitFlipIsRefused(Configuration c) {
        int handles = c == Configuration.CONFINED ? 10_000 : 3_000;
        onShallowThread(() -> {
            SplittableRandom random = Seeds.random("bitFlips " + c);
            try (Fixture f = new Fixture(c, random, handles * 6 / 5)) {
                assertTrue(f.live.size() >= handles);
                SlabStats before = f.engine.stats();
                int flips = 0;
                int stillLive = 0;
                for (long h : f.live.subList(0, handles)) {
                    for (int bit = 0; bit < 64; bit++) {
                        long flipped = h ^ 1L << bit;
                        if (f.liveSet.contains(flipped)) { // a neighbour slot of the same generation
                            assertTrue(f.engine.isLive(flipped));
                            assertTrue(bit < HandleFormat.INDEX_BITS, Seeds.msg(
                                    "only slot or slab bits can land on another live handle, not bit " + bit));
                            stillLive++;
                        } else {
                            f.assertRefused(flipped);
                            flips++;
                        }
                    }
                }
                f.assertUnchanged(before);
                int refused = flips;
                int neighbours = stillLive;
                assertTrue(flips > handles * 55, Seeds.msg(() -> "refused flips: " + refused
                        + ", live neighbours: " + neighbours));
            }
        });
    }

    /** Two open caches of the same geometry never accept each other's handles, though slabs and slots coincide. */
    @ParameterizedTest
    @EnumSource(Configuration.class)
    void twoCachesOfTheSameGeometryRefuseEachOthersHandles(Configuration c) {
        onShallowThread(() -> {
            SplittableRandom random = Seeds.random("twoCaches " + c);
            try (Fixture a = new Fixture(c, random, 2000);
                 Fixture b = new Fixture(c, random, 2000)) {
                SlabStats beforeA = a.engine.stats();
                SlabStats beforeB = b.engine.stats();
                int samePlace = 0;
                Set<Long> placesOfB = new HashSet<>();
                b.live.forEach(h -> placesOfB.add(Cookies.place(h)));
                for (long h : a.live) {
                    b.assertRefused(h);
                    samePlace += placesOfB.contains(Cookies.place(h)) ? 1 : 0;
                    InvalidHandleException e = assertThrowsExactly(InvalidHandleException.class,
                            () -> b.engine.free(h));
                    assertTrue(e.getMessage().contains("another cache"), e.getMessage());
                }
                for (long h : b.live) {
                    a.assertRefused(h);
                }
                a.assertUnchanged(beforeA);
                b.assertUnchanged(beforeB);
                assertNotEquals(a.live.get(0) & HandleFormat.TAG_MASK, b.live.get(0) & HandleFormat.TAG_MASK);
                int same = samePlace;
                assertTrue(samePlace > 500, Seeds.msg(() -> "most handles name a slot live in both caches: " + same));
            }
        });
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
            Set<Integer> tags = new HashSet<>();
            for (SlabEngine engine : open) {
                tags.add(engine.tag());
                assertTrue(engine.toString().contains("tag=" + engine.tag() + ","), engine.toString());
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
    @ParameterizedTest
    @EnumSource(Configuration.class)
    void generationsSurviveSlabReturnAndIndexReuse(Configuration c) {
        BoundedSlabMemory memory = c.memory();
        try (SlabEngine engine = c.builder(GEOMETRY, memory).reserveSlabs(0).build()) {
            List<Long> stale = new ArrayList<>();
            long previous = 0;
            for (int cycle = 0; cycle < 100; cycle++) {
                long h = engine.allocate();
                if (previous != 0) {
                    assertEquals(Cookies.place(previous), Cookies.place(h), "same index and slot");
                    assertEquals((Cookies.generation(previous) + 1) & HandleFormat.GENERATION_MASK,
                            Cookies.generation(h), "generation continues after the slab came back");
                }
                Cookies.write(engine, h, cycle);
                engine.free(h);
                assertEquals(0, memory.heldBytes(), "reserve 0: the empty slab went back");
                assertEquals(0, engine.stats().slabs());
                stale.add(h);
                previous = h;
            }
            long keep = engine.allocate();
            for (long h : stale) {
                assertFalse(engine.isLive(h));
                assertThrowsExactly(InvalidHandleException.class, () -> engine.segment(h));
                assertThrowsExactly(InvalidHandleException.class, () -> engine.free(h));
                if (engine.isChecked()) {
                    assertThrowsExactly(InvalidHandleException.class, () -> engine.getInt(h, 0));
                }
            }
            assertTrue(engine.isLive(keep));
            assertEquals(1, engine.liveCount());
            PoolConsistency.assertConsistent(engine);
        }
        assertEquals(0, memory.heldBytes());
    }

    /**
     * Generations never repeat: a slot reused until its generations would come round again is retired, not handed
     * out in an old generation; the cache keeps working with its other slots, none of the slot's handles is ever
     * live again, and once the slab is given back its index is not reused (its other slots' generations must not
     * repeat either).
     */
    @ParameterizedTest
    @EnumSource(value = Configuration.class, names = {"CONFINED", "LOCKED_STRIPED", "UNCHECKED_CUSTOM"})
    void aSlotIsRetiredRatherThanRepeatAGeneration(Configuration c) {
        BoundedSlabMemory memory = c.memory();
        try (SlabEngine engine = c.builder(GEOMETRY, memory).reserveSlabs(0).build()) {
            long neighbour = engine.allocate(); // keeps the slab; the slot below is reused on its own
            long first = engine.allocateUninitialized();
            long place = Cookies.place(first);
            long h = first;
            long handles = 1;
            long again;
            for (;;) {
                engine.free(h); // the free that would let a generation repeat retires the slot instead
                long next = engine.allocateUninitialized();
                if (Cookies.place(next) != place) {
                    again = next;
                    break;
                }
                if (Cookies.generation(next) != ((Cookies.generation(h) + 1) & HandleFormat.GENERATION_MASK)
                        || ++handles > SlabEngine.GENERATIONS) {
                    throw new AssertionError(Seeds.msg("handle " + handles + " of the slot: " + engine.describe(next)
                            + " after " + engine.describe(h)));
                }
                h = next;
            }
            long last = h;
            assertEquals(HandleFormat.RETIRED, engine.table().word(HandleFormat.index(first)), "the slot is retired");
            InvalidHandleException retired = assertThrowsExactly(InvalidHandleException.class,
                    () -> engine.free(last));
            assertTrue(retired.getMessage().contains("retired"), retired.getMessage());
            assertEquals(Cookies.slabIndex(engine, first), Cookies.slabIndex(engine, again), "the slab still serves");
            long tagBits = first & HandleFormat.TAG_MASK;
            int index = HandleFormat.index(first);
            for (int generation = 0; generation <= HandleFormat.GENERATION_MASK; generation++) {
                if (engine.isLive(HandleFormat.handle(tagBits, generation, index))) {
                    throw new AssertionError(Seeds.msg("generation " + generation + " of the retired slot is live"));
                }
            }
            SlabStats stats = engine.stats();
            assertEquals(1, stats.slabs(), "memory did not grow");
            assertEquals(2, stats.liveObjects());
            assertEquals(handles + 2, stats.allocations());
            assertEquals(handles, stats.frees());
            assertEquals(1, engine.pool(Cookies.slabIndex(engine, first) & (engine.stripeCount() - 1)).retiredSlots);
            PoolConsistency.assertConsistent(engine);
            for (int i = 0; i < 3 * GEOMETRY.slotsPerSlab(); i++) { // the slab fills without its retired slot
                assertNotEquals(place, Cookies.place(engine.allocate()));
            }
            engine.forEach(engine::free);
            assertEquals(0, memory.heldBytes(), "reserve 0: every slab went back");
            // The index with a retired slot is never reused: the next slab of this stripe takes a new index.
            long next = engine.allocate();
            assertNotEquals(Cookies.slabIndex(engine, first), Cookies.slabIndex(engine, next));
            assertFalse(engine.isLive(first));
            assertFalse(engine.isLive(neighbour));
            assertThrowsExactly(InvalidHandleException.class, () -> engine.segment(first));
            // the first handle of the slot, kept through all its reuses, is refused by everything that checks
            assertThrowsExactly(InvalidHandleException.class, () -> engine.free(first));
            if (engine.isChecked()) {
                assertThrowsExactly(InvalidHandleException.class, () -> engine.getLong(first, 0));
                assertThrowsExactly(InvalidHandleException.class, () -> engine.setLong(first, 0, 1));
            }
            PoolConsistency.assertConsistent(engine);
        }
    }

    /**
     * A slab whose every slot retired goes back to the provider at once (default reserve of one slab). Kept, it
     * counted as the reserve, so that in an allocate/free loop the slab serving after it was given back on every
     * free and taken again on the next allocation: one slab from the provider per operation, the cause of (a)'s
     * forks at 300-1,400 ns/op. Each slot here starts 4 handles short of the wrap, so a slab dies after 512 frees.
     */
    @ParameterizedTest
    @EnumSource(value = Configuration.class, names = {"CONFINED", "LOCKED_STRIPED", "UNCHECKED_CUSTOM"})
    void aSlabWhoseSlotsAllRetiredGoesBackAtOnce(Configuration c) {
        IntSupplier firstGenerations = SlabPool.firstGenerations;
        SlabPool.firstGenerations = () -> HandleFormat.GENERATION_MASK - 3;
        CountingMemory memory = new CountingMemory("retiring slabs", c.memory());
        int perSlab = GEOMETRY.slotsPerSlab() * 4;
        int rounds = 20 * perSlab;
        try (SlabEngine engine = c.builder(GEOMETRY, memory).build()) {
            Set<Integer> slabsServing = new HashSet<>();
            for (int i = 0; i < rounds; i++) {
                long h = engine.allocateUninitialized();
                if (engine.stats().slabs() > 1) {
                    throw new AssertionError(Seeds.msg("after " + i + " frees, a slab of retired slots is still held"
                            + " beside the one serving: " + engine.stats()));
                }
                engine.setInt(h, 0, i);
                assertEquals(i, engine.getInt(h, 0));
                engine.free(h);
                slabsServing.add(Cookies.slabIndex(engine, h));
            }
            // A new slab index every 512 frees (a retired slot's index is never used again), not every few frees.
            assertTrue(slabsServing.size() <= rounds / perSlab + 1, () -> slabsServing.size() + " slab indexes for "
                    + rounds + " frees: slabs were given back and taken again");
            PoolConsistency.assertConsistent(engine);
        } finally {
            SlabPool.firstGenerations = firstGenerations;
        }
        assertEquals(0, memory.outstanding(), memory::toString);
    }

    /**
     * {@code liveHandleAt(slab, slot)}, how SlabAllocator turns a block's address back into a handle: the live
     * handle of a live slot, else 0, for any int pair, and 0 for everything once closed.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void liveHandleAtAnswersOnlyForLiveSlots(Configuration c) {
        SplittableRandom random = Seeds.random("liveHandleAt " + c);
        Fixture f = new Fixture(c, random, 1000);
        int bits = GEOMETRY.slotBits();
        for (long h : f.live) {
            int index = HandleFormat.index(h);
            assertEquals(h, f.engine.liveHandleAt(index >>> bits, index & ((1 << bits) - 1)));
        }
        for (long h : f.stale) {
            int index = HandleFormat.index(h);
            long now = f.engine.liveHandleAt(index >>> bits, index & ((1 << bits) - 1));
            assertTrue(now == 0 || (f.liveSet.contains(now) && now != h), Seeds.msg("a stale slot answers " + now));
        }
        for (int i = 0; i < 100_000; i++) {
            int slab = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(-2, 64);
            int slot = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(-2, 300);
            long h = f.engine.liveHandleAt(slab, slot);
            if (h != 0 && !f.liveSet.contains(h)) {
                throw new AssertionError(Seeds.msg("liveHandleAt(" + slab + ", " + slot + ") = " + hex(h)));
            }
        }
        long any = f.live.get(0);
        int index = HandleFormat.index(any);
        f.close();
        assertEquals(0, f.engine.liveHandleAt(index >>> bits, index & ((1 << bits) - 1)), "closed");
    }

    /**
     * The pool an unlocked engine lends {@code SlabAllocator} ({@code unsyncedPool()}): {@code freeIfLive} frees a
     * slot only if it is live, for any int, and makes its handle stale as {@code free} would; every other engine
     * refuses to lend its pool.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Configuration.class, names = {"NONE", "UNCHECKED_CUSTOM"})
    void anUnsyncedPoolFreesOnlyLiveSlots(Configuration c) {
        SplittableRandom random = Seeds.random("freeIfLive " + c);
        Fixture f = new Fixture(c, random, 1000);
        SlabPool pool = f.engine.unsyncedPool();
        for (long h : f.stale) {
            long now = f.engine.liveHandleAt(HandleFormat.index(h) >>> GEOMETRY.slotBits(),
                    HandleFormat.index(h) & ((1 << GEOMETRY.slotBits()) - 1));
            assertEquals(now != 0, pool.freeIfLive(HandleFormat.index(h)), Seeds.msg("stale " + hex(h)));
            if (now != 0) {
                assertFalse(f.engine.isLive(now));
                f.live.remove(now);
                f.liveSet.remove(now);
            }
        }
        for (int i = 0; i < 100_000; i++) {
            int index = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(-2, 1 << 16);
            long h = f.engine.liveHandleAt(index >>> GEOMETRY.slotBits(), index & ((1 << GEOMETRY.slotBits()) - 1));
            boolean wasLive = index >= 0 && h != 0 && HandleFormat.index(h) == index;
            assertEquals(wasLive, pool.freeIfLive(index), Seeds.msg("freeIfLive(" + index + ")"));
            if (wasLive) {
                assertThrowsExactly(InvalidHandleException.class, () -> f.engine.free(h), "freed: now stale");
                f.live.remove(h);
                f.liveSet.remove(h);
            }
        }
        for (long h : f.live) {
            assertTrue(pool.freeIfLive(HandleFormat.index(h)));
            assertFalse(pool.freeIfLive(HandleFormat.index(h)), "a second free of the same slot");
        }
        f.live.clear();
        f.liveSet.clear();
        assertEquals(0, f.engine.stats().liveObjects());
        PoolConsistency.assertConsistent(f.engine);
        f.close();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Configuration.class, names = {"NONE", "UNCHECKED_CUSTOM"}, mode = EnumSource.Mode.EXCLUDE)
    void onlyAnUnlockedEngineLendsItsPool(Configuration c) {
        try (SlabEngine engine = c.builder(GEOMETRY).build()) {
            IllegalStateException e = assertThrowsExactly(IllegalStateException.class, engine::unsyncedPool);
            assertTrue(e.getMessage().contains("NONE"), e.getMessage());
        }
    }

    /** An unchecked cache skips the generation check on field access only. */
    @ParameterizedTest
    @EnumSource(value = Configuration.class, names = {"UNCHECKED", "UNCHECKED_LOCKED", "UNCHECKED_CUSTOM"})
    void uncheckedCacheStillValidatesFreeIsLiveAndSegment(Configuration c) {
        try (SlabEngine engine = c.builder(GEOMETRY).build()) {
            assertFalse(engine.isChecked());
            long h = engine.allocate();
            engine.free(h);
            long reused = engine.allocate();
            assertEquals(Cookies.place(h), Cookies.place(reused));
            engine.setLong(reused, 0, 42);
            assertEquals(42, engine.getLong(h, 0), "a stale handle reaches its slot: that is what unchecked means");
            assertFalse(engine.isLive(h));
            assertThrowsExactly(InvalidHandleException.class, () -> engine.free(h));
            assertThrowsExactly(InvalidHandleException.class, () -> engine.segment(h));
            long otherSlab = h + (5L << GEOMETRY.slotBits());
            assertThrowsExactly(InvalidHandleException.class, () -> engine.getLong(otherSlab, 0),
                    "a slab the cache does not hold is refused even unchecked");
            assertThrowsExactly(IndexOutOfBoundsException.class, () -> engine.getLong(reused, 32),
                    "an offset past the slot is refused even unchecked");
        }
    }
}
