package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.SlabOutOfMemoryException;
import io.slabforge.SlabStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The seed's container test and the capacity rules: {@code maxBytes(n * SLAB_SIZE)} holds exactly n slabs' slots, in
 * every {@link Configuration}.
 */
@ExtendWith(Seeds.class)
class SlabEngineCapacityTest {
    private static final long SALT = 0x0C0A_7A1E;

    /** slot size, alignment, slab size, slabs: the default configuration in each, every configuration in one. */
    private static final long[][] GEOMETRIES = {{8, 8, 4096, 1}, {32, 8, 4096, 7}, {24, 8, 65536, 3}, {4, 4, 64, 50},
                                                {4096, 4096, 8192, 5}, {64, 64, 4096, 16}};

    static Stream<Arguments> containers() {
        List<Arguments> cases = new ArrayList<>();
        for (long[] g : GEOMETRIES) {
            cases.add(Arguments.of(Configuration.CONFINED, g[0], g[1], g[2], (int) g[3]));
        }
        for (Configuration c : Configuration.values()) {
            if (c != Configuration.CONFINED) {
                long[] g = GEOMETRIES[c.ordinal() % 2 == 0 ? 1 : 3];
                cases.add(Arguments.of(c, g[0], g[1], g[2], (int) g[3]));
            }
        }
        return cases.stream();
    }

    /**
     * The seed's {@code slab_container_test}: fill a bounded cache to exactly its capacity, the next allocation
     * fails, shuffle, free all, refill to the same count.
     */
    @ParameterizedTest(name = "{0}: slot {1}/{2}, slab {3}, {4} slabs")
    @MethodSource("containers")
    void seedContainerTest(Configuration c, long slotSize, long align, long slabSize, int slabs) {
        SlabGeometry g = SlabGeometry.of(slotSize, align, slabSize);
        long capacity = (long) slabs * g.slotsPerSlab();
        Random random = Seeds.javaRandom("container " + c + " " + slotSize);
        BoundedSlabMemory memory = c.memory();
        try (SlabEngine engine = c.builder(g, memory).maxBytes(slabs * slabSize).build()) {
            for (int round = 0; round < 3; round++) {
                List<Long> handles = new ArrayList<>();
                Set<Long> places = new HashSet<>();
                for (long i = 0; i < capacity; i++) {
                    long h = engine.allocate();
                    assertNotEquals(0, h);
                    assertTrue(Cookies.isZero(engine, h), "allocate() returns a zeroed slot");
                    assertTrue(places.add(Cookies.place(h)), "slot handed out twice");
                    Cookies.write(engine, h, SALT);
                    handles.add(h);
                }
                assertEquals(capacity, engine.liveCount());
                SlabOutOfMemoryException full = assertThrowsExactly(SlabOutOfMemoryException.class, engine::allocate);
                assertTrue(full.getMessage().contains("maxBytes " + slabs * slabSize), full.getMessage());
                assertThrowsExactly(SlabOutOfMemoryException.class, engine::allocateUninitialized);
                assertEquals(0, engine.tryAllocate());
                assertEquals(0, engine.tryAllocateUninitialized());
                assertEquals(capacity, engine.liveCount(), "failed allocations change nothing");
                assertEquals(slabs, engine.stats().slabs());
                assertEquals(slabs, Configuration.heldSlabs(memory, slabSize));
                PoolConsistency.assertConsistent(engine);

                Collections.shuffle(handles, random);
                for (long h : handles) {
                    Cookies.verify(engine, h, SALT);
                    engine.free(h);
                    assertFalse(engine.isLive(h));
                }
                assertEquals(0, engine.liveCount());
                // refill to the same count after the shuffled frees
                long refilled = 0;
                List<Long> again = new ArrayList<>();
                for (long h; (h = engine.tryAllocate()) != 0; refilled++) {
                    again.add(h);
                }
                assertEquals(capacity, refilled, "round " + round);
                again.forEach(engine::free);
                PoolConsistency.assertConsistent(engine);
            }
        }
        assertEquals(0, memory.heldBytes());
    }

    /** A failed slab acquisition must leave the full slabs intact: frees and reallocation keep the count. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void exhaustionThenRecovery(Configuration c) {
        SlabGeometry g = SlabGeometry.of(32, 8, 4096);
        int n = 3;
        long capacity = (long) n * g.slotsPerSlab();
        Random random = Seeds.javaRandom("exhaustion " + c);
        try (SlabEngine engine = c.builder(g).maxBytes(n * 4096L).build()) {
            List<Long> live = new ArrayList<>();
            for (int round = 0; round < 200; round++) {
                while (live.size() < capacity) {
                    long h = engine.allocate();
                    Cookies.write(engine, h, SALT);
                    live.add(h);
                }
                assertEquals(0, engine.tryAllocate());
                assertThrowsExactly(SlabOutOfMemoryException.class, engine::allocate);
                // free a few (sometimes one, sometimes many, from any slab) and take them again
                int frees = 1 + random.nextInt(round % 10 == 0 ? (int) capacity : 5);
                for (int i = 0; i < frees; i++) {
                    long h = live.remove(random.nextInt(live.size()));
                    Cookies.verify(engine, h, SALT);
                    engine.free(h);
                }
                assertEquals(capacity - frees, engine.liveCount());
            }
            Set<Long> places = new HashSet<>();
            Set<Integer> slabIndices = new HashSet<>();
            for (long h : live) {
                Cookies.verify(engine, h, SALT);
                assertTrue(places.add(Cookies.place(h)));
                slabIndices.add(Cookies.slabIndex(engine, h));
                assertTrue(Cookies.slot(engine, h) < g.slotsPerSlab(), "slot within the slab");
            }
            assertTrue(slabIndices.size() <= n, "at most " + n + " slab indices: " + slabIndices);
            SlabStats stats = engine.stats();
            assertEquals(n, stats.slabs());
            assertEquals(live.size(), stats.liveObjects());
            PoolConsistency.assertConsistent(engine);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void maxBytesBelowOneSlabIsRefusedByBuild(Configuration c) {
        for (long maxBytes : new long[] {0, 100, 4095}) {
            IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class,
                    () -> c.builder(SlabGeometry.of(32, 8, 4096)).maxBytes(maxBytes).build());
            assertEquals("maxBytes " + maxBytes + " is below one slab of 4096 bytes, so the cache could hold nothing;"
                    + " use at least 4096 (maxBytes(n * SLAB_SIZE) holds n slabs)", e.getMessage());
        }
        try (SlabEngine engine = c.builder(SlabGeometry.of(32, 8, 4096)).maxBytes(4096).build()) {
            assertTrue(engine.tryAllocate() != 0, "exactly one slab is allowed");
        }
    }

    @org.junit.jupiter.api.Test
    void aLockWithAnotherSyncModeIsRefused() {
        java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        for (io.slabforge.SlabSync sync : new io.slabforge.SlabSync[] {io.slabforge.SlabSync.CONFINED,
                io.slabforge.SlabSync.NONE}) {
            IllegalArgumentException before = assertThrowsExactly(IllegalArgumentException.class,
                    () -> SlabEngine.builder(SlabGeometry.of(32, 8, 4096)).sync(sync).lock(lock).build());
            assertEquals("lock(...) was given with sync(" + sync + "): a lock guards a LOCKED cache only; use"
                    + " sync(SlabSync.LOCKED) or drop lock(...)", before.getMessage());
            assertThrowsExactly(IllegalArgumentException.class,
                    () -> SlabEngine.builder(SlabGeometry.of(32, 8, 4096)).lock(lock).sync(sync).build());
        }
        try (SlabEngine engine = SlabEngine.builder(SlabGeometry.of(32, 8, 4096)).lock(lock).build()) {
            assertEquals(io.slabforge.SlabSync.LOCKED, engine.sync(), "lock(...) alone makes a LOCKED cache");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void buildTakesNoMemoryAndTheFirstAllocationTakesOneSlab(Configuration c) {
        BoundedSlabMemory memory = c.memory();
        try (SlabEngine engine = c.builder(SlabGeometry.of(16, 8, 8192), memory).build()) {
            assertEquals(0, memory.heldBytes());
            assertEquals(new SlabStats(0, 16, engine.geometry().slotsPerSlab(), 0, 0, 0, 0, 0, 0, 0), engine.stats());
            engine.allocate();
            assertEquals(8192, memory.heldBytes());
        }
        CountingMemory counting = new CountingMemory("lazy");
        try (SlabEngine engine = c.builder(SlabGeometry.of(16, 8, 8192), counting).build()) {
            assertEquals(0, counting.allocateCalls());
            engine.allocate();
            assertEquals(1, counting.allocateCalls());
        }
    }

    /** Allocation prefers a partial slab to the empty or new ones, as in the seed; the slot freed last first. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void allocationPrefersPartialSlabs(Configuration c) {
        SlabGeometry g = SlabGeometry.of(64, 8, 4096);
        BoundedSlabMemory memory = c.memory();
        try (SlabEngine engine = c.builder(g, memory).build()) {
            List<Long> handles = new ArrayList<>();
            for (int i = 0; i < 3 * g.slotsPerSlab(); i++) {
                handles.add(engine.allocate());
            }
            long first = handles.get(5);
            engine.free(first);
            long again = engine.allocate();
            assertEquals(Cookies.slabIndex(engine, first), Cookies.slabIndex(engine, again));
            assertEquals(Cookies.place(first), Cookies.place(again), "the freed slot is reused");
            assertEquals(3, Configuration.heldSlabs(memory, g.slabSize()));
        }
    }

    @Test
    void builderRejectsNegativeOptions() {
        SlabEngine.Builder b = SlabEngine.builder(SlabGeometry.of(8, 8, 4096));
        IllegalArgumentException max = assertThrowsExactly(IllegalArgumentException.class, () -> b.maxBytes(-1));
        assertTrue(max.getMessage().contains("-1"), max.getMessage());
        IllegalArgumentException reserve = assertThrowsExactly(IllegalArgumentException.class,
                () -> b.reserveSlabs(-2));
        assertTrue(reserve.getMessage().contains("-2"), reserve.getMessage());
        assertThrowsExactly(NullPointerException.class, () -> b.memory(null));
        assertThrowsExactly(NullPointerException.class, () -> b.sync(null));
        assertThrowsExactly(NullPointerException.class, () -> b.lock(null));
    }
}
