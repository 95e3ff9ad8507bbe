package io.slabforge;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a {@link SlabAllocator} keeps for reuse and gives back: at most {@code reserveSlabs} empty slabs per size
 * class, {@link SlabAllocator#trim()}, the reclaim before an allocation fails; and what zero-filling covers.
 */
class SlabAllocatorReserveTest {

    /** Blocks of {@code size} bytes that fill {@code slabs} slabs of its class, in allocation order. */
    private static List<MemorySegment> fillSlabs(SlabAllocator a, long size, int slabs) {
        List<MemorySegment> blocks = new ArrayList<>();
        long slotsPerSlab = -1;
        while (true) {
            blocks.add(a.allocate(size));
            AllocatorStats.SizeClassStats c = a.stats().sizeClass(a.usableSize(size, 1));
            if (slotsPerSlab < 0) {
                slotsPerSlab = c.totalBytes() / c.blockSize();
            }
            if (blocks.size() == slabs * slotsPerSlab) {
                return blocks;
            }
        }
    }

    private static long heldSlabs(SlabAllocator a, long blockSize, long slabBytes) {
        return a.stats().sizeClass(blockSize).heldBytes() / slabBytes;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void eachClassKeepsNoMoreEmptySlabsThanReserveSlabs(int reserve) {
        TallyMemory memory = new TallyMemory(SlabMemory.ofArena());
        try (SlabAllocator a = SlabAllocator.builder().memory(memory).reserveSlabs(reserve).build()) {
            List<MemorySegment> big = fillSlabs(a, 4096, 12);   // more slabs than the first records array holds
            List<MemorySegment> small = fillSlabs(a, 16, 4);
            long bigSlab = a.stats().sizeClass(4096).heldBytes() / 12;
            long smallSlab = a.stats().sizeClass(16).heldBytes() / 4;
            big.forEach(a::free);
            small.forEach(a::free);
            assertEquals(reserve, heldSlabs(a, 4096, bigSlab), "4096-byte class");
            assertEquals(Math.min(reserve, 4), heldSlabs(a, 16, smallSlab), "16-byte class");
            AllocatorStats s = a.stats();
            assertEquals(0, s.usedBytes());
            assertEquals(s.heldBytes(), memory.heldBytes, "what the provider gave and the statistics agree");
            // The kept slabs serve again without a provider call.
            long calls = memory.allocations;
            List<MemorySegment> again = new ArrayList<>();
            for (int i = 0; i < Math.min(reserve, 4) * smallSlab / 16; i++) {
                again.add(a.allocate(16));
            }
            assertEquals(calls, memory.allocations);
            again.forEach(a::free);
        }
        assertEquals(0, memory.heldBytes);
    }

    @Test
    void trimGivesBackEveryKeptSlabRegionAndHugeBlockButNoLiveBlock() {
        TallyMemory memory = new TallyMemory(SlabMemory.ofArena());
        try (SlabAllocator a = SlabAllocator.builder().memory(memory).reserveSlabs(2).build()) {
            assertEquals(0, a.trim(), "nothing held, nothing given back");
            List<MemorySegment> kept = new ArrayList<>();
            for (long size : new long[] {16, 100, 1000, 4096, 70_000}) {
                for (int i = 0; i < 3; i++) {
                    kept.add(a.allocate(size));
                }
            }
            for (int i = 0; i < kept.size(); i++) {
                kept.get(i).fill((byte) (i + 1));
            }
            List<MemorySegment> freed = new ArrayList<>();
            for (long size : new long[] {16, 100, 1000, 4096}) {
                freed.addAll(fillSlabs(a, size, 3));
            }
            freed.add(a.allocate(6 << 20));                         // a huge block, retained once freed
            freed.forEach(a::free);

            AllocatorStats before = a.stats();
            assertEquals(SlabAllocator.REGION_BYTES + (6 << 20), before.largeBlocks().heldBytes());
            long released = a.trim();
            AllocatorStats after = a.stats();
            assertTrue(released > 6 << 20, "slabs and the huge block: " + released);
            assertEquals(before.heldBytes() - released, after.heldBytes(), "trim returns what it gave back");
            assertEquals(after.heldBytes(), memory.heldBytes, "and the provider got exactly that");
            assertEquals(before.usedBytes(), after.usedBytes(), "live blocks are untouched");
            assertEquals(before.liveBlocks(), after.liveBlocks());
            for (long size : new long[] {16, 128, 1024, 4096}) {
                AllocatorStats.SizeClassStats c = after.sizeClass(size);
                // Before: the slab of the 3 live blocks and the 2 kept empty ones; after: the first only.
                assertEquals(before.sizeClass(size).heldBytes() / 3, c.heldBytes(), "class " + size + ": " + c);
                assertEquals(3, c.liveBlocks());
            }
            assertEquals(SlabAllocator.REGION_BYTES, after.largeBlocks().heldBytes(),
                    "the region of the live large blocks stays, the retained huge block is gone");
            for (int i = 0; i < kept.size(); i++) {
                MemorySegment b = kept.get(i);
                assertEquals((byte) (i + 1), b.get(JAVA_BYTE, 0));
                assertEquals((byte) (i + 1), b.get(JAVA_BYTE, b.byteSize() - 1));
            }
            assertEquals(0, a.trim(), "a second trim finds nothing");
            kept.forEach(a::free);
            assertEquals(0, a.stats().usedBytes());
            assertTrue(a.trim() > 0);
            assertEquals(0, a.stats().heldBytes(), "with nothing live, trim leaves nothing held");
            assertEquals(0, memory.heldBytes);
            MemorySegment b = a.allocate(300);   // still usable
            a.free(b);
        }
    }

    @Test
    void anExhaustedClassReclaimsTheSlabsOtherClassesKeep() {
        TallyMemory memory = new TallyMemory(SlabMemory.ofArena());
        // Room for the 4096-byte class's first slab only once the 16-byte class's kept slab is given back.
        try (SlabAllocator probe = SlabAllocator.create()) {
            probe.free(probe.allocate(4096));
            long bigSlab = probe.stats().sizeClass(4096).heldBytes();
            try (SlabAllocator a = SlabAllocator.builder().memory(memory).maxBytes(bigSlab).build()) {
                a.free(a.allocate(16));
                assertTrue(a.stats().sizeClass(16).heldBytes() > 0, "the 16-byte class keeps its empty slab");
                MemorySegment b = a.allocate(4096);
                assertEquals(0, a.stats().sizeClass(16).heldBytes(), "given back so the 4096-byte class fits");
                assertEquals(bigSlab, memory.heldBytes);
                a.free(b);
                // And the other way round: the 4096-byte class's kept slab makes room for the 16-byte class.
                MemorySegment s = a.allocate(16);
                assertEquals(0, a.stats().sizeClass(4096).heldBytes());
                a.free(s);
                // A large block reclaims the kept slabs too.
                MemorySegment large = a.allocate(bigSlab - 4096);
                assertEquals(0, a.stats().sizeClass(16).heldBytes());
                a.free(large);
            }
        }
        assertEquals(0, memory.heldBytes);
    }

    @Test
    void slabsGivenBackAndTakenAgainServeTheirOwnBlocks() {
        TallyMemory memory = new TallyMemory(SlabMemory.ofArena());
        try (SlabAllocator a = SlabAllocator.builder().memory(memory).reserveSlabs(0).build()) {
            MemorySegment stale = null;
            for (int round = 0; round < 6; round++) {
                List<MemorySegment> blocks = fillSlabs(a, 64, 1 + round % 3);
                for (int i = 0; i < blocks.size(); i++) {
                    blocks.get(i).set(JAVA_INT, 0, round * 100_000 + i);
                }
                for (int i = 0; i < blocks.size(); i++) {
                    assertEquals(round * 100_000 + i, blocks.get(i).get(JAVA_INT, 0));
                }
                if (stale != null) {
                    MemorySegment old = stale;
                    boolean reused = blocks.stream().anyMatch(b -> b.address() == old.address());
                    if (!reused) {
                        assertThrows(InvalidHandleException.class, () -> a.free(old), "a block of a slab given back");
                    }
                }
                stale = blocks.get(blocks.size() - 1);
                blocks.forEach(a::free);
                assertEquals(0, a.stats().heldBytes(), "reserveSlabs(0): every emptied slab goes back");
                assertEquals(0, memory.heldBytes);
                MemorySegment freed = blocks.get(0);
                assertThrows(InvalidHandleException.class, () -> a.free(freed), "a double free");
            }
        }
    }

    @Test
    void trimChecksThreadAndState() throws Exception {
        SlabAllocator a = SlabAllocator.create();
        a.free(a.allocate(10));
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<?> f = other.submit(a::trim);
            Throwable cause = assertThrows(java.util.concurrent.ExecutionException.class, f::get).getCause();
            assertTrue(cause instanceof WrongThreadException, cause.toString());
        } finally {
            other.shutdown();
        }
        a.close();
        assertThrows(IllegalStateException.class, a::trim);
        assertThrows(IllegalArgumentException.class, () -> SlabAllocator.builder().reserveSlabs(-1));
    }

    @ParameterizedTest
    @EnumSource(SlabSync.class)
    void trimWorksInEverySyncMode(SlabSync sync) {
        TallyMemory memory = new TallyMemory(SlabMemory.ofArena());
        try (SlabAllocator a = SlabAllocator.builder().memory(memory).sync(sync).build()) {
            MemorySegment live = a.allocate(64);
            a.free(a.allocate(2000));
            assertTrue(a.trim() > 0);
            assertEquals(a.stats().heldBytes(), memory.heldBytes);
            assertEquals(64, a.stats().usedBytes());
            a.free(live);
        }
    }

    @Test
    void theGlobalAllocatorTrims() {
        MemorySegment b = SlabAllocator.global().allocate(48);
        SlabAllocator.global().free(b);
        assertTrue(SlabAllocator.global().trim() >= 0);
        MemorySegment again = SlabAllocator.global().allocate(48);
        SlabAllocator.global().free(again);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Zero-fill: the requested bytes, every time

    @Test
    void zeroFillZeroesTheRequestedBytesOfEveryReusedBlock() {
        try (SlabAllocator a = SlabAllocator.create()) {
            for (long size : new long[] {1, 7, 8, 15, 16, 31, 33, 100, 128, 1000, 4095, 4096, 5000, 100_000}) {
                MemorySegment dirty = a.allocate(a.usableSize(size, 1));
                dirty.fill((byte) 0x5A);
                long address = dirty.address();
                a.free(dirty);
                MemorySegment b = a.allocate(size);
                assertEquals(address, b.address(), "the dirty block is reused for " + size);
                assertEquals(size, b.byteSize());
                assertEquals(-1, b.mismatch(MemorySegment.ofArray(new byte[(int) size])), "zeroed: " + size);
                b.fill((byte) -1);
                a.free(b);
                MemorySegment whole = a.allocate(a.usableSize(size, 1));
                assertEquals(-1, whole.mismatch(MemorySegment.ofArray(new byte[(int) whole.byteSize()])),
                        "a larger request on the same block reads zero too: " + size);
                a.free(whole);
            }
        }
    }

    @Test
    void zeroFillZeroesOnlyTheRequestedBytes() {
        try (SlabAllocator a = SlabAllocator.create()) {
            MemorySegment whole = a.allocate(128);
            whole.fill((byte) 0x33);
            a.free(whole);
            MemorySegment part = a.allocate(100);
            assertEquals(whole.address(), part.address());
            // Through the stale segment of the whole slot (a use after free, allowed here to look): the tail that
            // was not requested keeps the old bytes, so zeroing costs what was asked for and no more.
            assertEquals(0, whole.get(JAVA_BYTE, 99));
            assertEquals(0x33, whole.get(JAVA_BYTE, 100));
            assertEquals(0x33, whole.get(JAVA_BYTE, 127));
            a.free(part);
        }
    }

    @Test
    void withoutZeroFillABlockHoldsWhatItsLastOwnerLeft() {
        try (SlabAllocator a = SlabAllocator.builder().zeroFill(false).build()) {
            MemorySegment b = a.allocate(128);
            b.fill((byte) 0x44);
            a.free(b);
            MemorySegment again = a.allocate(100);
            assertEquals(b.address(), again.address());
            assertEquals(0x44, again.get(JAVA_BYTE, 0));
            assertEquals(0x44, again.get(JAVA_BYTE, 99));
            a.free(again);
        }
    }
}
