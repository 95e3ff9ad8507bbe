package io.slabforge;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The built-in providers on their own: {@code SlabMemory.ofArena()} (RegionSlabMemory) and {@code bounded}. */
class SlabMemoryTest {

    // ------------------------------------------------------------------------------------------------ ofArena

    @Test
    void ofArenaIsOneSharedProvider() {
        assertSame(SlabMemory.ofArena(), SlabMemory.ofArena());
        assertEquals("SlabMemory.ofArena()", SlabMemory.ofArena().toString());
    }

    @ParameterizedTest(name = "{0} bytes aligned to {1}")
    @CsvSource({"4096, 4096", "65536, 65536", "1024, 1024", "16777216, 16777216", "100, 8", "4096, 64"})
    void blocksAreNativeWritableDisjointAndAligned(long size, long alignment) {
        RegionSlabMemory memory = new RegionSlabMemory();
        int count = (int) Math.min(600, (64L << 20) / size);
        List<MemorySegment> blocks = new ArrayList<>();
        TreeMap<Long, MemorySegment> byAddress = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            MemorySegment block = memory.allocate(size, alignment);
            assertNotNull(block);
            assertEquals(size, block.byteSize());
            assertEquals(0, block.address() % alignment);
            assertTrue(block.isNative());
            assertFalse(block.isReadOnly());
            assertTrue(block.isAccessibleBy(new Thread(() -> { })), "usable from any thread");
            block.set(JAVA_LONG, 0, i);
            block.set(JAVA_LONG, size - 8 - size % 8, ~i);
            blocks.add(block);
            assertNull(byAddress.put(block.address(), block));
        }
        long end = 0;
        for (MemorySegment block : byAddress.values()) {
            assertTrue(block.address() >= end, "blocks overlap");
            end = block.address() + block.byteSize();
        }
        for (int i = 0; i < count; i++) {
            assertEquals(i, blocks.get(i).get(JAVA_LONG, 0), "no block writes over another");
            assertEquals(~i, blocks.get(i).get(JAVA_LONG, size - 8 - size % 8));
        }
        Collections.shuffle(blocks, new Random(size));
        blocks.forEach(memory::free);
        assertEquals(0, memory.openRegions());
    }

    /** A region is closed (its memory returned) the moment its last block is freed, not before. */
    @Test
    void regionClosedWhenAllBlocksAreFree() {
        RegionSlabMemory memory = new RegionSlabMemory();
        int perRegion = (int) (RegionSlabMemory.MIN_REGION_BYTES / 4096);
        List<MemorySegment> first = new ArrayList<>();
        for (int i = 0; i < perRegion; i++) {
            first.add(memory.allocate(4096, 4096));
        }
        assertEquals(1, memory.openRegions(), "the first region holds " + perRegion + " slabs of 4 KiB");
        MemorySegment next = memory.allocate(4096, 4096);
        assertEquals(2, memory.openRegions());
        for (int i = 0; i < perRegion - 1; i++) {
            memory.free(first.get(i));
            assertEquals(2, memory.openRegions());
            assertTrue(first.get(perRegion - 1).scope().isAlive());
        }
        MemorySegment last = first.get(perRegion - 1);
        memory.free(last);
        assertEquals(1, memory.openRegions());
        assertFalse(last.scope().isAlive(), "the region's arena is closed");
        assertThrowsExactly(IllegalStateException.class, () -> last.get(JAVA_LONG, 0));
        memory.free(next);
        assertEquals(0, memory.openRegions());
    }

    /** New regions grow with what is open: 2 MiB, 2 MiB, 4 MiB, 8 MiB ... 64 MiB at most. */
    @Test
    void regionsGrowWithTheCache() {
        RegionSlabMemory memory = new RegionSlabMemory();
        List<MemorySegment> blocks = new ArrayList<>();
        List<Integer> regionsAfter = new ArrayList<>();
        long slab = 1 << 20; // 1 MiB blocks: 2 per first region
        for (int i = 0; i < 200; i++) {
            blocks.add(memory.allocate(slab, slab));
            regionsAfter.add(memory.openRegions());
        }
        // 2+2+4+8+16+32+64+64+64 MiB = 256 MiB of regions hold 256 blocks: 9 regions for 200 MiB
        assertEquals(1, regionsAfter.get(1));
        assertEquals(2, regionsAfter.get(3));
        assertEquals(3, regionsAfter.get(7));
        assertEquals(4, regionsAfter.get(15));
        assertEquals(5, regionsAfter.get(31));
        assertEquals(6, regionsAfter.get(63));
        assertEquals(7, regionsAfter.get(127));
        assertEquals(8, regionsAfter.get(128), "capped at 64 MiB");
        assertEquals(9, regionsAfter.get(199));
        blocks.forEach(memory::free);
        assertEquals(0, memory.openRegions());
    }

    /**
     * Regions below 32 MiB are requested with 32 MiB alignment, so that glibc maps them directly (see
     * RegionSlabMemory): the first block of a fresh provider sits at a 32 MiB boundary.
     */
    @Test
    void smallRegionsAreAlignedForDirectMapping() {
        RegionSlabMemory memory = new RegionSlabMemory();
        MemorySegment block = memory.allocate(4096, 4096);
        assertEquals(0, block.address() % RegionSlabMemory.DIRECT_MAP_BYTES);
        memory.free(block);
    }

    @Test
    void badFreesAreRefusedAndChangeNothing() {
        RegionSlabMemory memory = new RegionSlabMemory();
        MemorySegment a = memory.allocate(4096, 4096);
        MemorySegment b = memory.allocate(4096, 4096);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment foreign = arena.allocate(4096, 4096);
            IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class,
                    () -> memory.free(foreign));
            assertTrue(e.getMessage().contains("was not handed out by") && e.getMessage().contains("ofArena"),
                    e.getMessage());
        }
        assertThrowsExactly(IllegalArgumentException.class, () -> memory.free(MemorySegment.ofArray(new byte[64])));
        assertThrowsExactly(IllegalArgumentException.class, () -> memory.free(a.asSlice(0, 2048)), "a part");
        assertThrowsExactly(IllegalArgumentException.class, () -> memory.free(a.asSlice(64, 4032)), "inside");
        memory.free(a);
        assertThrowsExactly(IllegalArgumentException.class, () -> memory.free(a), "double free");
        assertEquals(1, memory.openRegions(), "the bad frees changed nothing");
        b.set(JAVA_LONG, 0, 5);
        memory.free(b);
        assertEquals(0, memory.openRegions());
        assertThrowsExactly(IllegalArgumentException.class, () -> memory.free(b), "free after the region closed");
    }

    @Test
    void badRequestsAreRefused() {
        RegionSlabMemory memory = new RegionSlabMemory();
        assertThrowsExactly(IllegalArgumentException.class, () -> memory.allocate(0, 8));
        assertThrowsExactly(IllegalArgumentException.class, () -> memory.allocate(-4096, 4096));
        assertThrowsExactly(IllegalArgumentException.class, () -> memory.allocate(4096, 0));
        IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class,
                () -> memory.allocate(4096, 3000));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
        assertEquals(0, memory.openRegions());
    }

    @Test
    void threadsShareOneProviderSafely() throws InterruptedException {
        RegionSlabMemory memory = new RegionSlabMemory();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            long seed = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    Random random = new Random(seed);
                    List<MemorySegment> mine = new ArrayList<>();
                    for (int i = 0; i < 20_000; i++) {
                        if (mine.isEmpty() || random.nextInt(3) > 0 && mine.size() < 3000) {
                            MemorySegment block = memory.allocate(4096, 4096);
                            block.set(JAVA_LONG, 0, block.address() ^ seed);
                            mine.add(block);
                        } else {
                            MemorySegment block = mine.remove(random.nextInt(mine.size()));
                            if (block.get(JAVA_LONG, 0) != (block.address() ^ seed)) {
                                throw new AssertionError("block shared between threads");
                            }
                            memory.free(block);
                        }
                    }
                    mine.forEach(memory::free);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertNull(failure.get());
        assertEquals(0, memory.openRegions());
    }

    // ------------------------------------------------------------------------------------------------ bounded

    @Test
    void boundedHoldsAtMostItsCapacity() {
        CountingMemory delegate = new CountingMemory("delegate");
        BoundedSlabMemory bounded = (BoundedSlabMemory) SlabMemory.bounded(delegate, 3 * 4096 + 100);
        List<MemorySegment> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(bounded.allocate(4096, 4096));
        }
        assertEquals(3 * 4096, bounded.heldBytes());
        assertNull(bounded.allocate(4096, 4096), "beyond capacity: null, as the contract says");
        assertEquals(3, delegate.allocateCalls(), "the delegate was not even asked");
        assertNotNull(bounded.allocate(64, 64), "a smaller request still fits");
        bounded.free(held.remove(0));
        assertEquals(2 * 4096 + 64, bounded.heldBytes());
        held.add(bounded.allocate(4096, 4096));
        assertEquals(3 * 4096 + 64, bounded.heldBytes());
        assertEquals("bounded(delegate, " + (3 * 4096 + 100) + " bytes)", bounded.toString());
    }

    @Test
    void boundedGivesBackTheBudgetWhenTheDelegateFails() {
        AtomicReference<String> mode = new AtomicReference<>("null");
        SlabMemory flaky = new SlabMemory() {
            @Override
            public MemorySegment allocate(long byteSize, long byteAlignment) {
                if (mode.get().equals("throw")) {
                    throw new IllegalStateException("flaky");
                }
                return mode.get().equals("null") ? null : SlabMemory.ofArena().allocate(byteSize, byteAlignment);
            }

            @Override
            public void free(MemorySegment segment) {
                if (mode.get().equals("throw")) {
                    throw new IllegalStateException("flaky free");
                }
                SlabMemory.ofArena().free(segment);
            }
        };
        BoundedSlabMemory bounded = (BoundedSlabMemory) SlabMemory.bounded(flaky, 8192);
        assertNull(bounded.allocate(4096, 4096));
        assertEquals(0, bounded.heldBytes());
        mode.set("throw");
        assertThrowsExactly(IllegalStateException.class, () -> bounded.allocate(4096, 4096));
        assertEquals(0, bounded.heldBytes());
        mode.set("ok");
        MemorySegment a = bounded.allocate(4096, 4096);
        MemorySegment b = bounded.allocate(4096, 4096);
        assertEquals(8192, bounded.heldBytes());
        mode.set("throw");
        assertThrowsExactly(IllegalStateException.class, () -> bounded.free(a));
        assertEquals(8192, bounded.heldBytes(), "a failed free gives back no budget");
        mode.set("ok");
        bounded.free(a);
        bounded.free(b);
        assertEquals(0, bounded.heldBytes());
    }

    @Test
    void boundedRejectsBadArguments() {
        IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class,
                () -> SlabMemory.bounded(SlabMemory.ofArena(), -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrowsExactly(NullPointerException.class, () -> SlabMemory.bounded(null, 4096));
        assertNull(SlabMemory.bounded(SlabMemory.ofArena(), 0).allocate(4096, 4096));
    }

    @Test
    void boundedIsExactUnderConcurrency() throws InterruptedException {
        long capacity = 64 * 4096;
        BoundedSlabMemory bounded = (BoundedSlabMemory) SlabMemory.bounded(new PoolMemory(), capacity);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        AtomicLong maxSeen = new AtomicLong();
        for (int t = 0; t < 4; t++) {
            long seed = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    Random random = new Random(seed);
                    List<MemorySegment> mine = new ArrayList<>();
                    for (int i = 0; i < 50_000; i++) {
                        if (random.nextBoolean()) {
                            MemorySegment s = bounded.allocate(4096, 4096);
                            if (s != null) {
                                mine.add(s);
                            }
                        } else if (!mine.isEmpty()) {
                            bounded.free(mine.remove(mine.size() - 1));
                        }
                        maxSeen.accumulateAndGet(bounded.heldBytes(), Math::max);
                    }
                    mine.forEach(bounded::free);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertNull(failure.get());
        assertEquals(0, bounded.heldBytes());
        assertTrue(maxSeen.get() <= capacity, "never above capacity: " + maxSeen.get());
        assertEquals(capacity, maxSeen.get(), "reached capacity under contention");
    }
}
