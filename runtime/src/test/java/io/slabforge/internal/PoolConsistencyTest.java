package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.SlabStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The slab headers of Engine v1 are gone: a slab holds slots only, and its bookkeeping (live count, free-list
 * head, carving, the list of slabs with room, the magazine) is on the heap. At every quiescent point that
 * bookkeeping must agree with the generation words and the free lists exactly ({@link PoolConsistency}), while
 * slabs fill, drain, go back to the provider (reserve 1) and come again, in every {@link Configuration}.
 */
@ExtendWith(Seeds.class)
class PoolConsistencyTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(24, 8, 4096);

    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void bookkeepingAgreesWithTheWordsAtEveryQuiescentPoint(Configuration c) {
        BoundedSlabMemory memory = c.memory();
        SlabEngine engine = c.builder(GEOMETRY, memory).reserveSlabs(1).build();
        SplittableRandom random = Seeds.random("consistency " + c);
        List<Long> live = new ArrayList<>();
        long salt = random.nextLong();
        long slabsGivenBack = 0;
        PoolConsistency.assertConsistent(engine);
        for (int round = 0; round < 60; round++) {
            int grow = random.nextInt(3 * GEOMETRY.slotsPerSlab());
            for (int i = 0; i < grow; i++) {
                long h = random.nextBoolean() ? engine.allocate() : engine.allocateUninitialized();
                Cookies.write(engine, h, salt);
                live.add(h);
            }
            PoolConsistency.assertConsistent(engine);
            Collections.shuffle(live, Seeds.javaRandom("consistency shuffle " + c + round));
            long heldBefore = engine.stats().slabs();
            // Every tenth round frees everything, so slabs certainly empty and go back (random rounds may not).
            int shrink = round % 10 == 9 ? live.size() : random.nextInt(live.size() + 1);
            for (int i = 0; i < shrink; i++) {
                long h = live.removeLast();
                Cookies.verify(engine, h, salt);
                engine.free(h);
                if (i % 97 == 0) {
                    PoolConsistency.assertConsistent(engine);
                }
            }
            slabsGivenBack += Math.max(0, heldBefore - engine.stats().slabs());
            PoolConsistency.assertConsistent(engine);
            SlabStats stats = engine.stats();
            assertEquals(live.size(), stats.liveObjects(), Seeds.msg("round " + round));
            assertEquals(Configuration.heldSlabs(memory, GEOMETRY.slabSize()), stats.slabs(),
                    Seeds.msg("slabs held == slabs the provider handed out"));
        }
        assertTrue(slabsGivenBack > 0, Seeds.msg("slabs were given back while the cache ran"));
        live.forEach(h -> Cookies.verify(engine, h, salt));
        engine.forEach(engine::free);
        PoolConsistency.assertConsistent(engine);
        assertTrue(engine.stats().slabs() <= engine.stripeCount(), "at most reserve 1 per stripe stays");
        engine.close();
        assertEquals(0, memory.heldBytes(), "close gave every slab back");
    }

    /**
     * What Engine v1's headers promised when a slab left the engine: whenever the engine gives a slab back (when
     * it empties beyond the reserve, or on close), nothing reaches it any more: no live slot is in it and no slab
     * index of the table leads to it. Checked inside the provider's {@code free}, at the moment it happens (so the
     * provider is an inspecting custom one: the built-in providers have no hook in {@code free}).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Configuration.class, names = {"CONFINED", "NONE", "LOCKED_STRIPED", "LOCKED_ONE_STRIPE",
            "UNCHECKED"})
    void aSlabGoesBackOnlyWhenNothingReachesIt(Configuration c) {
        AtomicReference<SlabEngine> engineRef = new AtomicReference<>();
        List<String> problems = new ArrayList<>();
        int[] inspected = {0};
        PoolMemory pool = new PoolMemory(true);
        io.slabforge.SlabMemory inspecting = new io.slabforge.SlabMemory() {
            @Override
            public java.lang.foreign.MemorySegment allocate(long byteSize, long byteAlignment) {
                return pool.allocate(byteSize, byteAlignment);
            }

            @Override
            public void free(java.lang.foreign.MemorySegment slab) {
                inspected[0]++;
                SlabEngine engine = engineRef.get();
                SlotTable table = engine.table();
                for (int i = 0; i < table.slabCapacity(); i++) {
                    if (table.via(i) == slab) {
                        problems.add("slab index " + i + " still leads to the slab given back");
                    }
                }
                if (!table.isClosed()) {
                    engine.forEach(h -> {
                        long a = engine.segment(h).address();
                        if (a >= slab.address() && a < slab.address() + slab.byteSize()) {
                            problems.add("live " + engine.describe(h) + " is in the slab given back");
                        }
                    });
                }
                pool.free(slab);
            }
        };
        SlabEngine engine = c.builder(GEOMETRY, inspecting).reserveSlabs(1).build();
        engineRef.set(engine);
        SplittableRandom random = Seeds.random("slab leaves " + c);
        List<Long> live = new ArrayList<>();
        for (int round = 0; round < 40; round++) {
            int grow = random.nextInt(3 * GEOMETRY.slotsPerSlab());
            for (int i = 0; i < grow; i++) {
                live.add(engine.allocate());
            }
            Collections.shuffle(live, Seeds.javaRandom("slab leaves shuffle " + c + round));
            int shrink = round % 10 == 9 ? live.size() : random.nextInt(live.size() + 1);
            for (int i = 0; i < shrink; i++) {
                engine.free(live.removeLast());
            }
        }
        int releasedBeforeClose = inspected[0];
        long held = engine.stats().slabs();
        engine.close();
        assertTrue(releasedBeforeClose > 0, Seeds.msg("slabs were given back while the cache ran"));
        assertEquals(releasedBeforeClose + held, inspected[0], "every slab was inspected");
        assertEquals(List.of(), problems, Seeds.msg("problems"));
    }

    /** Several threads churn a LOCKED cache, freeing each other's objects; then it is consistent. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Configuration.class, names = {"LOCKED_ARENA_REGIONS", "LOCKED_STRIPED", "LOCKED_ONE_STRIPE", "USER_LOCK",
            "UNCHECKED_LOCKED"})
    void lockedCachesAreConsistentAfterConcurrentChurn(Configuration c) throws InterruptedException {
        BoundedSlabMemory memory = c.memory();
        try (SlabEngine engine = c.builder(GEOMETRY, memory).reserveSlabs(1).build()) {
            int threads = 3;
            List<List<Long>> kept = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            java.util.concurrent.ConcurrentLinkedQueue<Long> shared = new java.util.concurrent.ConcurrentLinkedQueue<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Long> mine = new ArrayList<>();
                kept.add(mine);
                SplittableRandom random = Seeds.random("churn " + c + " " + t);
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < 40_000; i++) {
                            int op = random.nextInt(10);
                            if (op < 5 || mine.isEmpty()) {
                                long h = engine.allocate();
                                Cookies.write(engine, h, 5);
                                if (random.nextInt(4) == 0) {
                                    shared.add(h);
                                } else {
                                    mine.add(h);
                                }
                            } else if (op < 9) {
                                long h = mine.remove(random.nextInt(mine.size()));
                                Cookies.verify(engine, h, 5);
                                engine.free(h);
                            } else {
                                Long h = shared.poll();
                                if (h != null) {
                                    Cookies.verify(engine, h, 5);
                                    engine.free(h);
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread worker : workers) {
                worker.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(Seeds.msg("a worker failed"), failure.get());
            }
            PoolConsistency.assertConsistent(engine);
            long live = shared.size() + kept.stream().mapToLong(List::size).sum();
            assertEquals(live, engine.liveCount());
            assertEquals(Configuration.heldSlabs(memory, GEOMETRY.slabSize()), engine.stats().slabs());
            shared.forEach(engine::free);
            kept.forEach(list -> list.forEach(engine::free));
            PoolConsistency.assertConsistent(engine);
            assertEquals(0, engine.liveCount());
        }
        assertEquals(0, memory.heldBytes());
    }
}
