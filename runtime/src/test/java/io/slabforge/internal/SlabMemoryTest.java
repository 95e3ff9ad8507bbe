package io.slabforge.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.slabforge.SlabMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built-in providers on their own: {@code SlabMemory.ofArena()} (RegionSlabMemory) and {@code bounded}.
 * RegionSlabMemory tests run for both kinds of region: {@code mapped} (anonymous mmap, what ofArena() uses with
 * native access, which surefire enables) and not (the Arena.allocate fallback).
 */
@ExtendWith(Seeds.class)
class SlabMemoryTest {

    /** A fresh provider of the kind wanted; mapped regions are skipped where they are not available. */
    static RegionSlabMemory provider(boolean mapped) {
        assumeTrue(!mapped || AnonymousMappings.available(), "anonymous mappings need native access on Linux/macOS");
        return new RegionSlabMemory(mapped);
    }

    // ------------------------------------------------------------------------------------------------ ofArena

    @Test
    void ofArenaIsOneSharedProvider() {
        assertSame(SlabMemory.ofArena(), SlabMemory.ofArena());
        assertEquals("SlabMemory.ofArena()", SlabMemory.ofArena().toString());
    }

    /** The build runs tests with native access, so what they test is what users with native access get. */
    @Test
    void ofArenaMapsRegionsWhenTheModuleHasNativeAccess() {
        boolean nativeAccess = RegionSlabMemory.class.getModule().isNativeAccessEnabled();
        boolean knownPlatform = AnonymousMappings.mapAnonymousFlag(System.getProperty("os.name"),
                System.getProperty("os.arch")) != 0;
        assertEquals(nativeAccess && knownPlatform, RegionSlabMemory.SHARED.mapsRegions());
        assertEquals(RegionSlabMemory.SHARED.mapsRegions(), new RegionSlabMemory().mapsRegions());
        assumeTrue(knownPlatform);
        assertTrue(nativeAccess, "surefire runs with --enable-native-access=ALL-UNNAMED (runtime/pom.xml)");
        assertFalse(new RegionSlabMemory(false).mapsRegions());
    }

    @Test
    void mapAnonymousFlagIsKnownOnlyWhereItIsRight() {
        assertEquals(0x20, AnonymousMappings.mapAnonymousFlag("Linux", "amd64"));
        assertEquals(0x20, AnonymousMappings.mapAnonymousFlag("Linux", "aarch64"));
        assertEquals(0x1000, AnonymousMappings.mapAnonymousFlag("Mac OS X", "aarch64"));
        assertEquals(0, AnonymousMappings.mapAnonymousFlag("Linux", "mips64el"), "0x800 there");
        assertEquals(0, AnonymousMappings.mapAnonymousFlag("Windows 11", "amd64"));
        assertEquals(0, AnonymousMappings.mapAnonymousFlag("FreeBSD", "amd64"));
    }

    @Test
    void mappedRegionsNeedTheirPlatform() {
        if (AnonymousMappings.available()) {
            assertTrue(new RegionSlabMemory(true).mapsRegions());
        } else {
            IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class,
                    () -> new RegionSlabMemory(true));
            assertTrue(e.getMessage().contains("native access"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "mapped {0}: {1} bytes aligned to {2}")
    @CsvSource({"true, 4096, 4096", "true, 65536, 65536", "true, 1024, 1024", "true, 16777216, 16777216",
                "true, 100, 8", "true, 4096, 64", "true, 8192, 8192", "true, 12288, 4096", "true, 24576, 8192",
                "false, 4096, 4096", "false, 65536, 65536", "false, 1024, 1024", "false, 16777216, 16777216",
                "false, 100, 8", "false, 4096, 64"})
    void blocksAreNativeWritableDisjointAndAligned(boolean mapped, long size, long alignment) {
        RegionSlabMemory memory = provider(mapped);
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
        Collections.shuffle(blocks, Seeds.javaRandom("blocks " + mapped + " " + size));
        blocks.forEach(memory::free);
        assertEquals(0, memory.openRegions());
    }

    /**
     * Every slab size a cache may use, 4 KiB .. 16 MiB: blocks of regions of every size the growth policy makes
     * (several regions per size) are aligned to the slab size, and their first and last bytes are usable.
     */
    @ParameterizedTest(name = "mapped {0}")
    @ValueSource(booleans = {true, false})
    void regionMemoryIsAlignedForEverySlabSize(boolean mapped) {
        RegionSlabMemory memory = provider(mapped);
        for (long slab = 4096; slab <= 16L << 20; slab <<= 1) {
            List<MemorySegment> blocks = new ArrayList<>();
            for (long held = 0; held < 8L << 20 || blocks.size() < 3; held += slab) {
                MemorySegment block = memory.allocate(slab, slab);
                assertEquals(0, block.address() % slab, "slab " + slab + " at 0x" + Long.toHexString(block.address()));
                block.set(JAVA_LONG, 0, slab);
                block.set(JAVA_LONG, slab - 8, -slab);
                blocks.add(block);
            }
            assertTrue(memory.openRegions() >= 2, "several regions of " + slab + "-byte slabs");
            for (MemorySegment block : blocks) {
                assertEquals(slab, block.get(JAVA_LONG, 0));
                assertEquals(-slab, block.get(JAVA_LONG, slab - 8));
                memory.free(block);
            }
            assertEquals(0, memory.openRegions());
        }
    }

    /**
     * Blocks are handed out lowest address first, freed ones before untouched ones (so a mapped region's tail stays
     * out of resident memory), across the words of the region's bitmap; a block is never handed out twice and a
     * double free is refused.
     */
    @ParameterizedTest(name = "mapped {0}")
    @ValueSource(booleans = {true, false})
    void blocksComeLowestFirstAndFreedOnesAreReused(boolean mapped) {
        RegionSlabMemory memory = provider(mapped);
        List<MemorySegment> blocks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            blocks.add(memory.allocate(4096, 4096));
        }
        for (int i = 1; i < blocks.size(); i++) {
            assertEquals(blocks.get(0).address() + 4096L * i, blocks.get(i).address(), "block " + i);
        }
        for (int freed : new int[] {129, 3, 70, 64, 63}) {
            memory.free(blocks.get(freed));
        }
        MemorySegment gone = blocks.get(70);
        assertThrowsExactly(IllegalArgumentException.class, () -> memory.free(gone), "double free");
        for (int expected : new int[] {3, 63, 64, 70, 129, 200, 201}) {
            assertEquals(blocks.get(0).address() + 4096L * expected, memory.allocate(4096, 4096).address(),
                    "next block: " + expected);
        }
        assertEquals(1, memory.openRegions());
    }

    /** A region is closed (its memory returned) the moment its last block is freed, not before. */
    @ParameterizedTest(name = "mapped {0}")
    @ValueSource(booleans = {true, false})
    void regionClosedWhenAllBlocksAreFree(boolean mapped) {
        RegionSlabMemory memory = provider(mapped);
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
        assertThrowsExactly(IllegalStateException.class, () -> first.get(0).set(JAVA_LONG, 4088, 1));
        memory.free(next);
        assertEquals(0, memory.openRegions());
    }

    /**
     * Freeing a mapped region's last block unmaps it while another thread is reading it: the reader's access fails
     * cleanly (the shared arena's close handshake), never touches unmapped memory. Fresh regions read as zero.
     * (That the memory really goes back to the OS is measured in ResidentMemoryTest.)
     */
    @Test
    void freedMappedRegionIsUnmapped() throws InterruptedException {
        RegionSlabMemory memory = provider(true);
        MemorySegment block = memory.allocate(1 << 20, 1 << 20);
        block.fill((byte) 0x5A);
        AtomicReference<Throwable> readerSaw = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                for (long sum = 0; ; sum += block.get(JAVA_LONG, sum & ((1 << 20) - 8))) {
                    Thread.onSpinWait();
                }
            } catch (Throwable e) {
                readerSaw.set(e);
            }
        });
        Thread.sleep(20);
        memory.free(block);
        reader.join(10_000);
        assertFalse(reader.isAlive());
        assertTrue(readerSaw.get() instanceof IllegalStateException, "the racing reader got " + readerSaw.get());
        assertThrowsExactly(IllegalStateException.class, () -> block.get(JAVA_LONG, 0));
        assertEquals(0, memory.openRegions());
        for (int i = 0; i < 4; i++) {
            MemorySegment fresh = memory.allocate(1 << 20, 1 << 20);
            assertEquals(-1, fresh.mismatch(MemorySegment.ofArray(new byte[1 << 20])), "fresh pages read as zero");
            fresh.fill((byte) 0x5A);
            memory.free(fresh);
        }
    }

    /** Out of address space or memory: null, as the contract says, from both kinds of region; nothing kept. */
    @ParameterizedTest(name = "mapped {0}")
    @ValueSource(booleans = {true, false})
    void exhaustionGivesNull(boolean mapped) {
        RegionSlabMemory memory = provider(mapped);
        assertNull(memory.allocate(1L << 56, 1L << 20), "more than any address space");
        assertNull(memory.allocate(1L << 56, 1L << 56), "and aligned beyond it");
        assertNull(memory.allocate(Long.MAX_VALUE - 4096, 4096), "close to the largest size");
        assertNull(memory.allocate(Long.MAX_VALUE - 100, 1L << 20), "a block stride that overflows");
        assertEquals(0, memory.openRegions());
        MemorySegment block = memory.allocate(4096, 4096);
        assertNotNull(block, "still usable");
        memory.free(block);
        assertEquals(0, memory.openRegions());
    }

    /** New regions grow with what is open: 2 MiB, 2 MiB, 4 MiB, 8 MiB ... 64 MiB at most. */
    @ParameterizedTest(name = "mapped {0}")
    @ValueSource(booleans = {true, false})
    void regionsGrowWithTheCache(boolean mapped) {
        RegionSlabMemory memory = provider(mapped);
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
     * Arena regions below 32 MiB are requested with 32 MiB alignment, so that glibc maps them directly (see
     * RegionSlabMemory): the first block of a fresh provider sits at a 32 MiB boundary.
     */
    @Test
    void smallRegionsAreAlignedForDirectMapping() {
        RegionSlabMemory memory = provider(false);
        MemorySegment block = memory.allocate(4096, 4096);
        assertEquals(0, block.address() % RegionSlabMemory.DIRECT_MAP_BYTES);
        memory.free(block);
    }

    @ParameterizedTest(name = "mapped {0}")
    @ValueSource(booleans = {true, false})
    void badFreesAreRefusedAndChangeNothing(boolean mapped) {
        RegionSlabMemory memory = provider(mapped);
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

    @ParameterizedTest(name = "mapped {0}")
    @ValueSource(booleans = {true, false})
    void threadsShareOneProviderSafely(boolean mapped) throws InterruptedException {
        RegionSlabMemory memory = provider(mapped);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            long seed = t;
            java.util.Random random = Seeds.javaRandom("providers shared " + mapped + " " + t);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
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
            java.util.Random random = Seeds.javaRandom("bounded concurrency " + t);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
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
