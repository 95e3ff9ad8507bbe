package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.SlabStats;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The seed's pressure test, stretched: millions of seeded random allocate/free steps, every slot carrying a
 * per-handle cookie in each of its 8-byte words (written through the field accessors, verified through
 * {@code segment(h)}) before every free; stats, forEach, the provider and the pools' bookkeeping checked against the
 * model along the way. Every {@link Configuration}; the default one in every geometry. Reproduce a failure with the
 * seed in its message: {@code -Dslabforge.seed=<seed>}.
 */
@ExtendWith(Seeds.class)
class SlabEnginePressureTest {

    /** slotSize, alignment, slabSize, reserve. Reserve 0 only on pooling (custom) providers: see below. */
    private static final long[][] GEOMETRIES = {{32, 8, 4096, 1}, {8, 8, 1024, 2}, {256, 64, 65536, 1},
                                                {24, 8, 16384, 0}};

    /**
     * The default configuration in every geometry, every other one in one of them. Reserve 0 runs only on the
     * custom (pooling) providers: the random walk often hovers around an empty slab, and with a region provider
     * each of those steps would map, zero and unmap a region (about a millisecond).
     */
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (long[] g : GEOMETRIES) {
            cases.add(Arguments.of(Configuration.CONFINED, g[0], g[1], g[2], (int) g[3]));
        }
        int next = 0;
        for (Configuration c : Configuration.values()) {
            if (c == Configuration.CONFINED) {
                continue;
            }
            boolean pooling = c == Configuration.CUSTOM_PROVIDER || c == Configuration.UNCHECKED_CUSTOM;
            long[] g = pooling ? GEOMETRIES[3] : GEOMETRIES[next++ % 3];
            cases.add(Arguments.of(c, g[0], g[1], g[2], (int) g[3]));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: slot {1}/{2}, slab {3}, reserve {4}")
    @MethodSource("cases")
    void pressure(Configuration c, long slotSize, long align, long slabSize, int reserve) {
        runPressure(c, SlabGeometry.of(slotSize, align, slabSize), reserve,
                Seeds.random("pressure " + c + " " + slotSize + "/" + slabSize), 1_500_000);
    }

    private static void runPressure(Configuration c, SlabGeometry g, int reserve, SplittableRandom random,
                                    int steps) {
        BoundedSlabMemory memory = c.memory();
        long salt = random.nextLong();
        LiveSet live = new LiveSet();
        long allocations = 0;
        long frees = 0;
        try (SlabEngine engine = c.builder(g, memory).reserveSlabs(reserve).build()) {
            // Phases of growth and shrinkage so that slabs fill, drain, go back to the provider and come again.
            int target = 0;
            for (int step = 0; step < steps; step++) {
                if (step % 50_000 == 0) {
                    target = random.nextInt(4) == 0 ? 0 : random.nextInt(40 * g.slotsPerSlab() + 1);
                }
                boolean allocate = live.size == 0
                        || (live.size < target ? random.nextInt(10) < 8 : random.nextInt(10) < 2);
                if (allocate) {
                    boolean zeroed = random.nextBoolean();
                    long h = zeroed ? engine.allocate() : engine.allocateUninitialized();
                    if (zeroed && step % 64 == 0 && !Cookies.isZero(engine, h)) {
                        throw new AssertionError(Seeds.msg("allocate() returned a slot that is not zero"));
                    }
                    Cookies.write(engine, h, salt);
                    live.add(h);
                    allocations++;
                } else {
                    long h = live.removeAt(random.nextInt(live.size));
                    Cookies.verify(engine, h, salt);
                    engine.free(h);
                    frees++;
                    if (engine.isLive(h)) {
                        throw new AssertionError(Seeds.msg("freed handle still live"));
                    }
                }
                if (step % 100_000 == 0) {
                    check(engine, memory, live, allocations, frees, reserve);
                }
            }
            check(engine, memory, live, allocations, frees, reserve);
            for (int i = 0; i < live.size; i++) {
                Cookies.verify(engine, live.handles[i], salt);
            }
        }
        assertEquals(0, memory.heldBytes(), Seeds.msg("close gives every slab back"));
    }

    /** stats(), liveCount(), forEach(), the provider and the bookkeeping agree exactly with the model. */
    static void check(SlabEngine engine, BoundedSlabMemory memory, LiveSet live, long allocations, long frees,
                      int reserve) {
        SlabGeometry g = engine.geometry();
        Set<Integer> usedSlabs = new HashSet<>();
        for (int i = 0; i < live.size; i++) {
            usedSlabs.add(Cookies.slabIndex(engine, live.handles[i]));
        }
        SlabStats s = engine.stats();
        assertEquals(live.size, engine.liveCount(), Seeds.msg("liveCount"));
        assertEquals(live.size, s.liveObjects(), Seeds.msg("liveObjects"));
        assertEquals(allocations, s.allocations(), Seeds.msg("allocations"));
        assertEquals(frees, s.frees(), Seeds.msg("frees"));
        assertEquals(Configuration.heldSlabs(memory, g.slabSize()), s.slabs(),
                Seeds.msg("slabs held == slabs the provider handed out"));
        long empty = s.slabs() - usedSlabs.size();
        assertTrue(empty >= 0 && empty <= (long) reserve * engine.stripeCount(),
                Seeds.msg("empty slabs kept " + empty + " > reserve " + reserve));
        assertEquals(g.slotSize(), s.slotSize());
        assertEquals(g.slotsPerSlab(), s.slotsPerSlab());
        assertEquals(s.slabs() * g.slotsPerSlab(), s.capacity());
        assertEquals(s.slabs() * g.slabSize(), s.reservedBytes());
        assertEquals(live.size * g.slotSize(), s.usedBytes());
        assertEquals((s.capacity() - live.size) * g.slotSize(), s.freeBytes());
        Set<Long> visited = new HashSet<>();
        engine.forEach(h -> assertTrue(visited.add(h), "forEach visited a handle twice"));
        assertEquals(live.toSet(), visited, Seeds.msg("forEach visits exactly the live handles"));
        PoolConsistency.assertConsistent(engine);
    }

    static Stream<Arguments> statsCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Configuration c : Configuration.values()) {
            cases.add(Arguments.of(c, 1));
        }
        for (int reserve : new int[] {0, 3}) {
            cases.add(Arguments.of(Configuration.CUSTOM_PROVIDER, reserve));
            cases.add(Arguments.of(Configuration.CONFINED, reserve));
            cases.add(Arguments.of(Configuration.LOCKED_STRIPED, reserve));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, reserve {1}")
    @MethodSource("statsCases")
    void statsAndForEachExactAfterRandomSteps(Configuration c, int reserve) {
        SlabGeometry g = SlabGeometry.of(16, 8, 1024);
        SplittableRandom random = Seeds.random("stats " + c + " " + reserve);
        LiveSet live = new LiveSet();
        long allocations = 0;
        long frees = 0;
        BoundedSlabMemory memory = c.memory();
        SlabEngine engine = c.builder(g, memory).reserveSlabs(reserve).build();
        check(engine, memory, live, 0, 0, reserve);
        for (int round = 0; round < 150; round++) {
            int steps = random.nextInt(1, 400);
            boolean grow = random.nextInt(3) > 0 || live.size == 0;
            for (int i = 0; i < steps; i++) {
                if (live.size == 0 || grow == random.nextInt(4) > 0) {
                    live.add(engine.allocate());
                    allocations++;
                } else {
                    engine.free(live.removeAt(random.nextInt(live.size)));
                    frees++;
                }
            }
            check(engine, memory, live, allocations, frees, reserve);
        }
        engine.close();
        assertEquals(0, memory.heldBytes());
        assertEquals(new SlabStats(0, 16, g.slotsPerSlab(), 0, 0, 0, 0, 0, allocations, frees), engine.stats(),
                "a closed cache holds nothing and keeps its counts");
        assertEquals(0, engine.liveCount());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void forEachMayFreeWhatItVisits(Configuration c) {
        SlabGeometry g = SlabGeometry.of(32, 8, 4096);
        BoundedSlabMemory memory = c.memory();
        try (SlabEngine engine = c.builder(g, memory).reserveSlabs(0).build()) {
            LiveSet live = new LiveSet();
            for (int i = 0; i < 10 * g.slotsPerSlab() + 3; i++) {
                live.add(engine.allocate());
            }
            Set<Long> visited = new HashSet<>();
            engine.forEach(h -> {
                assertTrue(visited.add(h));
                engine.free(h);
            });
            assertEquals(live.toSet(), visited);
            assertEquals(0, engine.liveCount());
            assertEquals(0, memory.heldBytes(), "reserve 0: every drained slab went back during the walk");
            engine.forEach(h -> {
                throw new AssertionError("nothing is live");
            });
            PoolConsistency.assertConsistent(engine);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void forEachEndsWhenTheActionClosesTheCache(Configuration c) {
        BoundedSlabMemory memory = c.memory();
        SlabEngine engine = c.builder(SlabGeometry.of(32, 8, 4096), memory).build();
        for (int i = 0; i < 500; i++) {
            engine.allocate();
        }
        int[] visits = {0};
        engine.forEach(h -> {
            visits[0]++;
            engine.close();
        });
        assertEquals(1, visits[0]);
        assertTrue(engine.isClosed());
        assertEquals(0, memory.heldBytes());
        assertThrowsExactly(IllegalStateException.class, () -> engine.forEach(h -> { }));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void forEachMayAllocate(Configuration c) {
        SlabGeometry g = SlabGeometry.of(32, 8, 4096);
        try (SlabEngine engine = c.builder(g).build()) {
            Set<Long> before = new HashSet<>();
            for (int i = 0; i < 2 * g.slotsPerSlab(); i++) {
                before.add(engine.allocate());
            }
            Set<Long> visited = new HashSet<>();
            Set<Long> added = new HashSet<>();
            engine.forEach(h -> {
                visited.add(h);
                if (added.size() < 3 * g.slotsPerSlab()) {
                    added.add(engine.allocate());
                }
            });
            assertTrue(visited.containsAll(before), "every handle live when the walk started is visited");
            visited.removeAll(before);
            assertTrue(added.containsAll(visited), "anything else visited was allocated during the walk");
            assertEquals(before.size() + added.size(), engine.liveCount());
            for (long h : added) {
                assertTrue(engine.isLive(h));
                assertFalse(before.contains(h));
            }
            PoolConsistency.assertConsistent(engine);
        }
    }
}
