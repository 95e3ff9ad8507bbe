package io.slabforge;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The field-access contract (contract 3): {@code slabOf(h)} gives the segment to go through and
 * {@code slotOffset(h)} where the slot starts in it. With the default provider that segment is the region the slab
 * was carved from, shared by many slabs; with a custom provider it is the slab's own segment.
 */
class SlabAccessTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);

    enum Provider {
        REGIONS, BOUNDED_REGIONS, CUSTOM;

        SlabMemory create() {
            return switch (this) {
                case REGIONS -> SlabMemory.ofArena();
                case BOUNDED_REGIONS -> SlabMemory.bounded(SlabMemory.ofArena(), 64L << 20);
                case CUSTOM -> new PoolMemory();
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void writesThroughSlabOfLandInTheSlotAndNowhereElse(Provider provider) {
        SlabMemory memory = provider.create();
        for (SlabSync sync : SlabSync.values()) {
            try (SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(memory).sync(sync).build()) {
                List<Long> handles = new ArrayList<>();
                for (int i = 0; i < 5 * GEOMETRY.slotsPerSlab() + 7; i++) { // several slabs
                    long h = engine.allocate();
                    handles.add(h);
                    for (long word = 0; word < 4; word++) {
                        engine.slabOf(h).set(JAVA_LONG, engine.slotOffset(h) + word * 8, h * 31 + word);
                    }
                }
                for (long h : handles) {
                    MemorySegment slot = engine.segment(h); // the slot's own slice, found independently
                    for (long word = 0; word < 4; word++) {
                        assertEquals(h * 31 + word, slot.get(JAVA_LONG, word * 8), () -> sync + " " + Long.toHexString(h));
                        assertEquals(h * 31 + word, engine.slabOf(h).get(JAVA_LONG, engine.slotOffset(h) + word * 8));
                    }
                }
            }
        }
        if (memory instanceof PoolMemory pool) {
            pool.close();
        }
    }

    /** The surefire configuration grants native access, as README tells users to. */
    @Test
    void theDirectPathIsTakenWhereItIsSafe() {
        assertTrue(SlabEngine.class.getModule().isNativeAccessEnabled(), "tests run with --enable-native-access");
        for (Provider provider : Provider.values()) {
            for (SlabSync sync : SlabSync.values()) {
                try (SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(provider.create()).sync(sync).build()) {
                    boolean expected = provider != Provider.CUSTOM && sync != SlabSync.LOCKED;
                    assertEquals(expected, engine.isDirect(), provider + " " + sync);
                }
            }
        }
    }

    @Test
    void aDirectEngineAddressesSlotsAbsolutely() {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).build()) {
            for (int i = 0; i < 3 * GEOMETRY.slotsPerSlab(); i++) {
                long h = engine.allocate();
                MemorySegment via = engine.slabOf(h);
                assertEquals(0, via.address());
                assertEquals(engine.segment(h).address(), engine.slotOffset(h));
            }
        }
    }

    /**
     * A direct engine tells held slabs by a nonzero base alone: a slab it gave back (its memory possibly unmapped,
     * as here where every slab goes back) and a closed cache must refuse old handles before any memory is read.
     */
    @ParameterizedTest
    @EnumSource(value = SlabSync.class, names = {"NONE", "CONFINED"})
    void aDirectEngineRefusesHandlesOfSlabsItGaveBack(SlabSync sync) {
        SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(sync).reserveSlabs(0).build();
        assertTrue(engine.isDirect());
        List<Long> handles = new ArrayList<>();
        for (int i = 0; i < 2 * GEOMETRY.slotsPerSlab(); i++) {
            handles.add(engine.allocate());
        }
        long survivor = handles.removeLast();
        for (long h : handles) {
            engine.free(h);
        }
        assertEquals(1, engine.stats().slabs(), "the emptied first slab went back to the provider");
        for (long h : handles) {
            assertEquals(false, engine.isLive(h));
            assertThrowsExactly(InvalidHandleException.class, () -> engine.slabOf(h));
            assertThrowsExactly(InvalidHandleException.class, () -> engine.free(h));
            assertThrowsExactly(InvalidHandleException.class, () -> engine.segment(h));
        }
        engine.free(survivor);
        assertEquals(0, engine.stats().slabs());
        assertThrowsExactly(InvalidHandleException.class, () -> engine.slabOf(survivor));
        long reborn = engine.allocate(); // takes a slab index given back: only the new handle is live there
        assertThrowsExactly(InvalidHandleException.class, () -> engine.slabOf(survivor));
        engine.slabOf(reborn).set(JAVA_LONG, engine.slotOffset(reborn), 42);
        engine.close();
        assertThrowsExactly(IllegalStateException.class, () -> engine.slabOf(reborn));
        assertThrowsExactly(IllegalStateException.class, () -> engine.free(reborn));
    }

    @Test
    void aLockedCacheGoesThroughTheRegionItsSlabsShare() {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(SlabSync.LOCKED).build()) {
            Set<Long> slabAddresses = new HashSet<>();
            List<MemorySegment> vias = new ArrayList<>();
            for (int i = 0; i < 4 * GEOMETRY.slotsPerSlab(); i++) {
                long h = engine.allocate();
                slabAddresses.add(engine.segment(h).address() & -GEOMETRY.slabSize());
                MemorySegment via = engine.slabOf(h);
                vias.add(via);
                assertSame(vias.get(0), via, "all four slabs come from one 2 MiB region");
                assertEquals(engine.segment(h).address(), via.address() + engine.slotOffset(h));
            }
            assertEquals(4, slabAddresses.size());
            long regionBytes = vias.get(0).byteSize();
            assertTrue(regionBytes >= RegionSlabMemory.MIN_REGION_BYTES, () -> "region of " + regionBytes);
        }
    }

    @Test
    void aCustomProvidersSlabIsItsOwnSegment() {
        try (PoolMemory memory = new PoolMemory();
             SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(memory).build()) {
            long first = engine.allocate();
            MemorySegment slab = engine.slabOf(first);
            assertEquals(GEOMETRY.slabSize(), slab.byteSize());
            assertEquals(GEOMETRY.slotOffset(first), engine.slotOffset(first), "offsets are relative to the slab");
            long other = first;
            for (int i = 0; i < GEOMETRY.slotsPerSlab(); i++) {
                other = engine.allocate();
            }
            assertNotSame(slab, engine.slabOf(other), "the next slab is another segment");
        }
    }

    /** The slot index field has room for more slots than a slab holds; none of them may reach past the slab. */
    @ParameterizedTest
    @EnumSource(Provider.class)
    void aSlotBeyondTheSlabIsRefusedEvenUnchecked(Provider provider) {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(provider.create()).checked(false).build()) {
            long h = engine.allocate();
            long slot0 = h & -(1L << GEOMETRY.slotBits());
            for (long slot = GEOMETRY.slotsPerSlab(); slot < 1L << GEOMETRY.slotBits(); slot++) {
                long wild = slot0 | slot;
                assertThrowsExactly(InvalidHandleException.class, () -> engine.slabOf(wild), Long.toHexString(wild));
            }
            engine.slabOf(h).set(JAVA_LONG, engine.slotOffset(h), 1L); // the real one still works
        }
    }

    /**
     * A LOCKED cache's field accesses take no lock. Readers race with a thread that frees, empties slabs (so they
     * go back to the provider and regions are unmapped) and finally closes the cache: a reader may see
     * InvalidHandleException or IllegalStateException, never a crash or any other exception.
     */
    @Test
    void lockedFieldAccessesRacingWithReleaseAndCloseNeverFault() throws Exception {
        for (int round = 0; round < 20; round++) {
            SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(SlabSync.LOCKED).reserveSlabs(0).build();
            int count = 40 * GEOMETRY.slotsPerSlab();
            long[] handles = new long[count];
            for (int i = 0; i < count; i++) {
                handles[i] = engine.allocate();
            }
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            AtomicLong reads = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                long seed = round * 2L + r;
                readers.add(Thread.ofPlatform().start(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    while (!done.get()) {
                        long h = handles[random.nextInt(count)];
                        try {
                            MemorySegment via = engine.slabOf(h);
                            via.set(JAVA_LONG, engine.slotOffset(h), h);
                            via.get(JAVA_LONG, engine.slotOffset(h) + 24);
                            engine.isLive(h);
                            engine.segment(h).get(JAVA_LONG, 8);
                            reads.incrementAndGet();
                        } catch (InvalidHandleException | IllegalStateException expected) {
                            // freed, released or closed under the reader: allowed
                        } catch (Throwable t) {
                            unexpected.compareAndSet(null, t);
                        }
                    }
                }));
            }
            while (reads.get() < 100 && unexpected.get() == null) { // the readers are reading: now race them
                Thread.onSpinWait();
            }
            SplittableRandom random = new SplittableRandom(round);
            for (int i = count - 1; i > 0; i--) { // free in random order, releasing slabs as they empty
                int j = random.nextInt(i + 1);
                long t = handles[i];
                handles[i] = handles[j];
                handles[j] = t;
                engine.free(handles[i]);
                if (i == count / 2) {
                    Thread.sleep(1);
                }
            }
            engine.close();
            done.set(true);
            for (Thread reader : readers) {
                reader.join();
            }
            if (unexpected.get() != null) {
                throw new AssertionError("round " + round + ": a racing reader got " + unexpected.get(), unexpected.get());
            }
            assertTrue(reads.get() > 0, "readers ran");
        }
    }
}
