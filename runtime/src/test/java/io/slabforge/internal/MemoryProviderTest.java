package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabException;
import io.slabforge.SlabMemory;
import io.slabforge.SlabOutOfMemoryException;
import io.slabforge.SlabStats;
import io.slabforge.SlabSync;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How a cache treats its memory provider: misbehaving providers, slabs given back, close. */
@ExtendWith(Seeds.class)
class MemoryProviderTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);
    private static final AtomicInteger NAMES = new AtomicInteger();

    enum Fault { NONE, NULL, OUT_OF_MEMORY_ERROR, SHORT, LONG, MISALIGNED, HEAP, READ_ONLY, CLOSED, THROWS, CONFINED }

    /**
     * A provider whose next allocations misbehave as told. Good slabs come from a counting delegate; bad segments
     * from its own arena, and it records which of those were handed back to {@link #free}.
     */
    static final class ScriptedMemory implements SlabMemory, AutoCloseable {
        final String name = "ScriptedMemory#" + NAMES.incrementAndGet();
        final CountingMemory good = new CountingMemory(name + "-delegate", new PoolMemory());
        final Arena badArena = Arena.ofShared();
        final List<MemorySegment> handedOutBad = new ArrayList<>();
        final List<MemorySegment> returnedBad = new ArrayList<>();
        volatile Fault fault = Fault.NONE;
        volatile boolean freeThrows;
        /** Owner of segments confined to another thread; closed (on its thread) by {@link #close()}. */
        private Thread confinedOwner;
        private final CountDownLatch release = new CountDownLatch(1);

        @Override
        public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
            MemorySegment bad = switch (fault) {
                case NONE -> null;
                case NULL -> null;
                case OUT_OF_MEMORY_ERROR -> throw new OutOfMemoryError("simulated: no native memory");
                case THROWS -> throw new IllegalStateException("simulated provider failure");
                case SHORT -> badArena.allocate(byteSize / 2, byteAlignment);
                case LONG -> badArena.allocate(byteSize * 2, byteAlignment);
                case MISALIGNED -> badArena.allocate(byteSize * 2, byteAlignment).asSlice(64, byteSize);
                case HEAP -> MemorySegment.ofArray(new long[(int) (byteSize / 8)]);
                case READ_ONLY -> badArena.allocate(byteSize, byteAlignment).asReadOnly();
                case CLOSED -> {
                    Arena arena = Arena.ofShared();
                    MemorySegment segment = arena.allocate(byteSize, byteAlignment);
                    arena.close();
                    yield segment;
                }
                case CONFINED -> confinedElsewhere(byteSize, byteAlignment);
            };
            if (fault == Fault.NONE) {
                return good.allocate(byteSize, byteAlignment);
            }
            if (bad != null) {
                handedOutBad.add(bad);
            }
            return bad;
        }

        /** A segment of a confined arena owned by a helper thread that stays alive until close(). */
        private MemorySegment confinedElsewhere(long byteSize, long byteAlignment) {
            AtomicReference<MemorySegment> segment = new AtomicReference<>();
            CountDownLatch ready = new CountDownLatch(1);
            confinedOwner = Thread.ofPlatform().name("arena-owner").start(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    segment.set(arena.allocate(byteSize, byteAlignment));
                    ready.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                ready.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return segment.get();
        }

        @Override
        public synchronized void free(MemorySegment segment) {
            // By identity: MemorySegment.equals compares addresses only, and a closed arena's address is soon
            // handed out again by malloc, to a good slab.
            if (handedOutBad.stream().anyMatch(bad -> bad == segment)) {
                returnedBad.add(segment);
                return;
            }
            if (freeThrows) {
                throw new IllegalStateException("simulated failure in free");
            }
            good.free(segment);
        }

        @Override
        public void close() {
            release.countDown();
            if (confinedOwner != null) {
                try {
                    confinedOwner.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            badArena.close();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Each fault, on a confined and on a locked cache: the right exception naming the provider and the fault; the
     * cache unchanged (stats, live set, cookies); a refused segment handed back to the provider; and the cache
     * usable once the provider behaves (the new slab takes the next index: failures leak none).
     */
    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource(delimiter = '|', value = {
            "NULL                | CONFINED | has no memory left for a 4096-byte slab",
            "OUT_OF_MEMORY_ERROR | CONFINED | ran out of memory",
            "SHORT               | CONFINED | returned a bad slab: 2048 bytes instead of 4096",
            "LONG                | LOCKED   | returned a bad slab: 8192 bytes instead of 4096",
            "MISALIGNED          | CONFINED | is not aligned to 4096",
            "HEAP                | LOCKED   | returned a bad slab: a heap segment, not native memory",
            "READ_ONLY           | CONFINED | returned a bad slab: a read-only segment",
            "CLOSED              | LOCKED   | returned a bad slab: its segment is already closed",
            "THROWS              | CONFINED | threw from allocate: java.lang.IllegalStateException: simulated",
            "THROWS              | LOCKED   | threw from allocate",
            "CONFINED            | CONFINED | a segment confined to another thread",
            "CONFINED            | LOCKED   | a segment confined to another thread",
            "NULL                | LOCKED   | has no memory left",
            "SHORT               | LOCKED   | 2048 bytes instead of 4096",
    })
    void misbehavingProvider(Fault fault, SlabSync sync, String fragment) {
        try (ScriptedMemory memory = new ScriptedMemory()) {
            SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(memory).sync(sync).reserveSlabs(0).build();
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < GEOMETRY.slotsPerSlab(); i++) { // exactly one full slab
                long h = engine.allocate();
                Cookies.write(engine, h, 42);
                live.add(h);
            }
            SlabStats before = engine.stats();
            boolean outOfMemory = fault == Fault.NULL || fault == Fault.OUT_OF_MEMORY_ERROR;
            Class<? extends SlabException> expected = outOfMemory ? SlabOutOfMemoryException.class
                                                                  : SlabException.class;
            memory.fault = fault;
            for (int attempt = 0; attempt < 3; attempt++) {
                SlabException e = assertThrowsExactly(expected, engine::allocate);
                assertTrue(e.getMessage().contains(memory.name), () -> "names the provider: " + e.getMessage());
                assertTrue(e.getMessage().contains(fragment), () -> "names the fault: " + e.getMessage());
                if (outOfMemory) {
                    assertEquals(0, engine.tryAllocate());
                } else {
                    assertThrowsExactly(SlabException.class, engine::tryAllocate);
                }
                assertEquals(before, engine.stats(), "the cache is unchanged");
            }
            assertEquals(memory.handedOutBad.size(), memory.returnedBad.size(), "every refused segment went back");
            for (int i = 0; i < memory.handedOutBad.size(); i++) {
                assertTrue(memory.handedOutBad.get(i) == memory.returnedBad.get(i), "the very segment it refused");
            }
            Set<Long> visited = new HashSet<>();
            engine.forEach(visited::add);
            assertEquals(new HashSet<>(live), visited);
            live.forEach(h -> Cookies.verify(engine, h, 42));
            PoolConsistency.assertConsistent(engine);

            memory.fault = Fault.NONE;
            long h = engine.allocate();
            // The next index of the stripe that allocated the first slab (a striped LOCKED cache numbers its
            // stripes' slabs stripe + n * stripes).
            assertEquals(Cookies.slabIndex(engine, live.get(0)) + engine.stripeCount(), Cookies.slabIndex(engine, h),
                    "failed acquisitions left no hole in the slab indices");
            Cookies.write(engine, h, 42);
            live.add(h);
            assertEquals(2, memory.good.outstanding());
            Collections.shuffle(live, Seeds.javaRandom("misbehaving " + fault + sync));
            for (long each : live) {
                Cookies.verify(engine, each, 42);
                engine.free(each);
            }
            assertEquals(0, engine.liveCount());
            assertEquals(0, memory.good.outstanding(), "reserve 0: both slabs went back");
            engine.close();
            assertEquals(memory.good.allocateCalls(), memory.good.freeCalls());
        }
    }

    /** A provider whose free throws: the slot is freed regardless, the cache stays consistent and usable. */
    @Test
    void providerThrowingFromFree() {
        try (ScriptedMemory memory = new ScriptedMemory()) {
            SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(memory).reserveSlabs(0).build();
            long keep = engine.allocate();
            Cookies.write(engine, keep, 9);
            List<Long> second = new ArrayList<>();
            for (int i = 0; i < GEOMETRY.slotsPerSlab(); i++) {
                second.add(engine.allocate());
            }
            long last = second.remove(second.size() - 1);
            second.forEach(engine::free);
            memory.freeThrows = true;
            SlabException e = assertThrowsExactly(SlabException.class, () -> engine.free(last));
            assertTrue(e.getMessage().contains(memory.name) && e.getMessage().contains("threw from free"),
                    e.getMessage());
            assertFalse(engine.isLive(last), "the slot was freed regardless");
            assertThrowsExactly(InvalidHandleException.class, () -> engine.free(last));
            assertEquals(1, engine.liveCount());
            SlabStats stats = engine.stats();
            assertEquals(1, stats.slabs(), "the cache no longer holds the slab it tried to give back");
            Cookies.verify(engine, keep, 9);
            PoolConsistency.assertConsistent(engine);

            memory.freeThrows = false;
            long h = engine.allocate();
            assertTrue(engine.isLive(h));
            engine.free(h);

            // close offers every slab even when free throws, then reports the failure
            for (int i = 0; i < 3 * GEOMETRY.slotsPerSlab(); i++) {
                engine.allocate();
            }
            long offered = memory.good.freeCalls();
            int held = (int) engine.stats().slabs();
            memory.freeThrows = true;
            SlabException onClose = assertThrowsExactly(SlabException.class, engine::close);
            assertTrue(onClose.getMessage().contains(memory.name), onClose.getMessage());
            assertEquals(held - 1, onClose.getSuppressed().length, "one failure per slab, the rest suppressed");
            assertTrue(engine.isClosed());
            assertEquals(offered, memory.good.freeCalls(), "free threw before reaching the delegate each time");
            engine.close(); // harmless
        }
    }

    /**
     * reserveSlabs semantics: after draining four slabs, min(reserve, 4) stay; taking them again costs only the
     * ones given back; churning one object at an empty slab costs no provider call unless reserve is 0.
     */
    @ParameterizedTest(name = "reserve {0}")
    @ValueSource(ints = {0, 1, 2, 5})
    void emptySlabsGoBackToTheProvider(int reserve) {
        try (PoolMemory pool = new PoolMemory()) {
            CountingMemory memory = new CountingMemory("reserve-" + reserve, pool);
            SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(memory).reserveSlabs(reserve).build();
            int slabs = 4;
            int kept = Math.min(reserve, slabs);
            List<Long> handles = new ArrayList<>();
            for (int i = 0; i < slabs * GEOMETRY.slotsPerSlab(); i++) {
                handles.add(engine.allocate());
            }
            assertEquals(slabs, memory.allocateCalls());
            Collections.shuffle(handles, Seeds.javaRandom("reserve " + reserve));
            handles.forEach(engine::free);
            handles.clear();
            assertEquals(kept, memory.outstanding());
            assertEquals(slabs - kept, memory.freeCalls());
            assertEquals(kept, engine.stats().slabs());

            for (int i = 0; i < slabs * GEOMETRY.slotsPerSlab(); i++) {
                handles.add(engine.allocate());
            }
            assertEquals(slabs + slabs - kept, memory.allocateCalls(), "kept slabs are used before new ones");
            handles.forEach(engine::free);

            long allocateCalls = memory.allocateCalls();
            long freeCalls = memory.freeCalls();
            for (int i = 0; i < 1000; i++) {
                engine.free(engine.allocate());
            }
            long churn = reserve == 0 ? 1000 : 0;
            assertEquals(allocateCalls + churn, memory.allocateCalls());
            assertEquals(freeCalls + churn, memory.freeCalls());

            engine.close();
            assertEquals(0, memory.outstanding());
            assertEquals(memory.allocateCalls(), memory.freeCalls());
        }
    }

    /** close() gives every slab back, live objects or not; a second close is harmless; later use is refused. */
    @Test
    void closeReturnsEverythingAndLaterUseIsRefused() {
        CountingMemory memory = new CountingMemory("close");
        SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(memory).reserveSlabs(2).build();
        List<Long> live = new ArrayList<>();
        for (int i = 0; i < 5 * GEOMETRY.slotsPerSlab(); i++) {
            live.add(engine.allocate());
        }
        for (int i = 0; i < 2 * GEOMETRY.slotsPerSlab(); i++) {
            engine.free(live.remove(live.size() - 1)); // two empty slabs kept in reserve
        }
        assertEquals(5, memory.outstanding());
        SlabStats open = engine.stats();
        engine.close();
        assertTrue(engine.isClosed());
        assertEquals(0, memory.outstanding());
        assertEquals(5, memory.freeCalls());
        engine.close();
        assertEquals(5, memory.freeCalls(), "a second close gives nothing back twice");

        long h = live.get(0);
        assertThrowsExactly(IllegalStateException.class, engine::allocate);
        assertThrowsExactly(IllegalStateException.class, engine::allocateUninitialized);
        assertThrowsExactly(IllegalStateException.class, engine::tryAllocate);
        assertThrowsExactly(IllegalStateException.class, engine::tryAllocateUninitialized);
        assertThrowsExactly(IllegalStateException.class, () -> engine.free(h));
        assertThrowsExactly(IllegalStateException.class, () -> engine.getLong(h, 0));
        assertThrowsExactly(IllegalStateException.class, () -> engine.segment(h));
        assertThrowsExactly(IllegalStateException.class, () -> engine.getLong(0x1234_5678L, 0));
        assertThrowsExactly(IllegalStateException.class, () -> engine.setLong(h, 0, 1));
        assertThrowsExactly(IllegalStateException.class, () -> engine.forEach(x -> { }));
        assertFalse(engine.isLive(h), "isLive never throws: false once closed");
        assertEquals(0, engine.liveCount());
        assertEquals(new SlabStats(0, 32, GEOMETRY.slotsPerSlab(), 0, 0, 0, 0, 0, open.allocations(), open.frees()),
                engine.stats());
        assertEquals(5, memory.allocateCalls(), "use after close took no memory");
    }

    /** A cache on a bounded provider: the provider's null becomes SlabOutOfMemoryException, then recovery. */
    @Test
    void boundedProviderExhaustion() {
        CountingMemory counting = new CountingMemory("under-bound");
        SlabMemory bounded = SlabMemory.bounded(counting, 3 * 4096);
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(bounded).reserveSlabs(0).build()) {
            List<Long> live = new ArrayList<>();
            for (long h; (h = engine.tryAllocate()) != 0; ) {
                live.add(h);
            }
            assertEquals(3 * GEOMETRY.slotsPerSlab(), live.size());
            SlabOutOfMemoryException e = assertThrowsExactly(SlabOutOfMemoryException.class, engine::allocate);
            assertTrue(e.getMessage().contains(bounded.toString()), e.getMessage());
            for (int i = 0; i < GEOMETRY.slotsPerSlab(); i++) {
                engine.free(live.remove(live.size() - 1));
            }
            assertEquals(2, counting.outstanding());
            for (int i = 0; i < GEOMETRY.slotsPerSlab(); i++) {
                live.add(engine.allocate());
            }
            assertEquals(0, engine.tryAllocate());
        }
        assertEquals(0, counting.outstanding());
    }
}
