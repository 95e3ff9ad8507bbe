package io.slabforge;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.internal.Seeds;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(Seeds.class)
class SlabAllocatorTest {

    private static final long[] DEFAULT_CLASSES = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096};

    // ---------------------------------------------------------------------------------------------------------------
    // Basics

    @Test
    void defaultsAreThePowersOfTwoFrom16To4096() {
        try (SlabAllocator a = SlabAllocator.create()) {
            assertArrayEquals(DEFAULT_CLASSES, a.sizeClasses());
            assertEquals(SlabSync.CONFINED, a.sync());
            AllocatorStats s = a.stats();
            assertEquals(0, s.totalBytes());
            assertEquals(0, s.heldBytes());
            assertEquals(DEFAULT_CLASSES.length, s.sizeClasses().size());
        }
    }

    @Test
    void usableSizeIsTheSmallestFittingClassOrARoundedLargeBlock() {
        try (SlabAllocator a = SlabAllocator.create()) {
            assertEquals(16, a.usableSize(0, 1));
            assertEquals(16, a.usableSize(1, 1));
            assertEquals(16, a.usableSize(16, 16));
            assertEquals(32, a.usableSize(17, 1));
            assertEquals(128, a.usableSize(100, 8));
            assertEquals(4096, a.usableSize(4096, 8));
            assertEquals(64, a.usableSize(8, 64), "alignment 64 needs the 64-byte class");
            assertEquals(4096, a.usableSize(1, 4096));
            assertEquals(8192, a.usableSize(4097, 8), "buddy blocks are powers of two");
            assertEquals(8192, a.usableSize(8192, 8));
            assertEquals(16384, a.usableSize(8193, 8));
            assertEquals(8192, a.usableSize(16, 8192), "an alignment no class honours goes to the large path");
            assertEquals(4L << 20, a.usableSize(3L << 20, 8));
            assertEquals(4L << 20, a.usableSize(4L << 20, 8));
            assertEquals(5L << 20, a.usableSize((4L << 20) + 1, 8), "huge blocks: quarter steps");
            assertEquals(6L << 20, a.usableSize((5L << 20) + 1, 8));
            assertEquals(8L << 20, a.usableSize(1, 8L << 20));
            for (long n = 0; n <= 16 << 20; n += n < 70_000 ? 7 : 7919) {
                long usable = a.usableSize(n, 1);
                long bound = n <= SlabAllocator.REGION_BYTES ? Math.max(16, 2 * n) : n + n / 4 + 1;
                assertTrue(usable >= n && usable <= bound, n + " -> " + usable);
            }
        }
    }

    @Test
    void allocationsAreExactlySizedAlignedZeroedAndDisjoint() {
        try (SlabAllocator a = SlabAllocator.create()) {
            List<MemorySegment> blocks = new ArrayList<>();
            for (long size = 0; size <= 6000; size += 37) {
                MemorySegment b = a.allocate(size, 8);
                assertEquals(size, b.byteSize());
                assertEquals(0, b.address() % 8);
                assertTrue(b.isNative());
                for (long i = 0; i < size; i++) {
                    assertEquals(0, b.get(JAVA_BYTE, i));
                }
                b.fill((byte) 0x5A);
                blocks.add(b);
            }
            blocks.sort((x, y) -> Long.compareUnsigned(x.address(), y.address()));
            for (int i = 1; i < blocks.size(); i++) {
                MemorySegment prev = blocks.get(i - 1);
                assertTrue(prev.address() + prev.byteSize() <= blocks.get(i).address(), "blocks overlap");
            }
            for (MemorySegment b : blocks) {
                a.free(b);
            }
            assertEquals(0, a.stats().usedBytes());
        }
    }

    @Test
    void zeroFillClearsWhatThePreviousOwnerLeftAndCanBeTurnedOff() {
        try (SlabAllocator a = SlabAllocator.create()) {
            MemorySegment b = a.allocate(100);
            b.fill((byte) -1);
            a.free(b);
            MemorySegment again = a.allocate(100);
            assertEquals(b.address(), again.address(), "a freed block is reused first");
            for (long i = 0; i < 100; i++) {
                assertEquals(0, again.get(JAVA_BYTE, i));
            }
        }
        try (SlabAllocator a = SlabAllocator.builder().zeroFill(false).build()) {
            MemorySegment b = a.allocate(100);
            b.fill((byte) -1);
            a.free(b);
            MemorySegment again = a.allocate(100);
            assertEquals(b.address(), again.address());
            assertEquals(-1, again.get(JAVA_BYTE, 50), "without zeroFill the old content stays");
        }
    }

    @Test
    void badRequestsAreRejected() {
        try (SlabAllocator a = SlabAllocator.create()) {
            assertThrows(IllegalArgumentException.class, () -> a.allocate(-1, 8));
            assertThrows(IllegalArgumentException.class, () -> a.allocate(8, 0));
            assertThrows(IllegalArgumentException.class, () -> a.allocate(8, 3));
            assertThrows(IllegalArgumentException.class, () -> a.allocate(8, -8));
            assertThrows(IllegalArgumentException.class, () -> a.usableSize(8, 24));
            assertThrows(SlabOutOfMemoryException.class, () -> a.allocate(Long.MAX_VALUE, 8));
            assertThrows(SlabOutOfMemoryException.class, () -> a.allocate(SlabAllocator.MAX_BYTE_SIZE + 1, 8));
            assertThrows(NullPointerException.class, () -> a.free(null));
            assertEquals(0, a.stats().totalBytes());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Alignment

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 7, 8, 16, 24, 100, 1000, 4096})
    void everyAlignmentUpToTheClassSizeIsHonoured(long size) {
        try (SlabAllocator a = SlabAllocator.create()) {
            List<MemorySegment> blocks = new ArrayList<>();
            for (long alignment = 1; alignment <= 4096; alignment <<= 1) {
                for (int i = 0; i < 40; i++) {
                    MemorySegment b = a.allocate(size, alignment);
                    assertEquals(0, b.address() % alignment, size + " bytes aligned to " + alignment);
                    assertEquals(size, b.byteSize());
                    long usable = a.usableSize(size, alignment);
                    assertTrue(usable >= Math.max(size, alignment) && usable <= 4096, "stays in a size class");
                    blocks.add(b);
                }
            }
            blocks.forEach(a::free);
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {8192, 16384, 65536, 1 << 20, 4 << 20})
    void largerAlignmentsAreServedByTheLargePath(long alignment) {
        try (SlabAllocator a = SlabAllocator.create()) {
            List<MemorySegment> blocks = new ArrayList<>();
            for (long size : new long[] {0, 1, 100, 4096, 5000, alignment, alignment + 1}) {
                MemorySegment b = a.allocate(size, alignment);
                assertEquals(0, b.address() % alignment);
                assertEquals(size, b.byteSize());
                BlockCookies.write(b, size);
                blocks.add(b);
            }
            AllocatorStats s = a.stats();
            assertEquals(blocks.size(), s.largeBlocks().liveBlocks());
            assertEquals(0, s.sizeClasses().stream().mapToLong(AllocatorStats.SizeClassStats::liveBlocks).sum());
            for (MemorySegment b : blocks) {
                BlockCookies.check(b, b.byteSize());
                a.free(b);
            }
            assertEquals(0, a.stats().usedBytes());
        }
    }

    @Test
    void customSizeClassesAlignToTheirLargestPowerOfTwoFactor() {
        try (SlabAllocator a = SlabAllocator.builder().sizeClasses(8, 24, 48, 96, 1000).build()) {
            assertEquals(8, a.usableSize(1, 8));
            assertEquals(24, a.usableSize(9, 8));
            assertEquals(48, a.usableSize(9, 16), "24-byte blocks are only 8-aligned");
            assertEquals(96, a.usableSize(49, 32));
            assertEquals(1000, a.usableSize(97, 8));
            assertTrue(a.usableSize(97, 16) > 1000, "no class of at least 97 bytes is 16-aligned");
            List<MemorySegment> blocks = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                long size = i % 1001;
                long alignment = 1L << (i % 6);
                MemorySegment b = a.allocate(size, alignment);
                assertEquals(0, b.address() % alignment);
                BlockCookies.write(b, i);
                blocks.add(b);
            }
            for (int i = 0; i < blocks.size(); i++) {
                BlockCookies.check(blocks.get(i), i);
                a.free(blocks.get(i));
            }
            assertEquals(0, a.stats().usedBytes());
        }
    }

    @Test
    void badSizeClassesAreRejectedWithTheRule() {
        var e = assertThrows(IllegalArgumentException.class, () -> SlabAllocator.builder().sizeClasses(16, 12));
        assertTrue(e.getMessage().contains("12"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SlabAllocator.builder().sizeClasses());
        assertThrows(IllegalArgumentException.class, () -> SlabAllocator.builder().sizeClasses(4));
        assertThrows(IllegalArgumentException.class,
                () -> SlabAllocator.builder().sizeClasses(SlabAllocator.MAX_SIZE_CLASS * 2));
        e = assertThrows(IllegalArgumentException.class, () -> SlabAllocator.builder().sizeClasses(64, 32));
        assertTrue(e.getMessage().contains("increasing"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SlabAllocator.builder().maxBytes(-1));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // FFM APIs

    @Test
    void worksWithTheSegmentAllocatorApi() {
        try (SlabAllocator a = SlabAllocator.create()) {
            MemorySegment text = a.allocateFrom("text");
            assertEquals("text", text.getString(0));
            assertEquals(5, text.byteSize());
            MemorySegment ints = a.allocateFrom(JAVA_INT, 1, 2, 3);
            assertArrayEquals(new int[] {1, 2, 3}, ints.toArray(JAVA_INT));
            MemorySegment one = a.allocateFrom(JAVA_LONG, 42L);
            assertEquals(42L, one.get(JAVA_LONG, 0));
            StructLayout point = MemoryLayout.structLayout(JAVA_DOUBLE.withName("x"), JAVA_DOUBLE.withName("y"),
                    JAVA_INT.withName("id"), MemoryLayout.paddingLayout(4));
            MemorySegment points = a.allocate(point, 10);
            assertEquals(240, points.byteSize());
            assertEquals(0, points.address() % point.byteAlignment());
            MemorySegment copy = a.allocateFrom(JAVA_BYTE, MemorySegment.ofArray("bytes".getBytes()), JAVA_BYTE, 0, 5);
            assertEquals("bytes", new String(copy.toArray(JAVA_BYTE)));
            SegmentAllocator asInterface = a;
            MemorySegment big = asInterface.allocate(MemoryLayout.sequenceLayout(10_000, JAVA_LONG));
            assertEquals(80_000, big.byteSize());
            for (MemorySegment s : List.of(text, ints, one, points, copy, big)) {
                a.free(s);
            }
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Bad frees

    @Test
    void badFreesAreRefusedAndChangeNothing() {
        try (SlabAllocator a = SlabAllocator.create(); SlabAllocator other = SlabAllocator.create();
             Arena arena = Arena.ofConfined()) {
            MemorySegment small = a.allocate(100, 8);
            MemorySegment exact = a.allocate(64, 8);
            MemorySegment large = a.allocate(10_000, 8);
            MemorySegment huge = a.allocate(5 << 20, 8);
            BlockCookies.write(small, 1);
            BlockCookies.write(exact, 2);
            BlockCookies.write(large, 3);
            BlockCookies.write(huge, 4);
            MemorySegment foreign = arena.allocate(100, 8);
            MemorySegment theirs = other.allocate(100, 8);
            AllocatorStats before = a.stats();

            assertInvalid(a, MemorySegment.ofArray(new byte[100]), "heap segment");
            assertInvalid(a, foreign, "no block");
            assertInvalid(a, theirs, "no block");
            assertInvalid(a, small.asSlice(8), "bytes into a 128-byte block");
            assertInvalid(a, small.asSlice(1, 10), "bytes into");
            assertInvalid(a, small.asSlice(0, 50), "allocated with 100 bytes");
            assertInvalid(a, exact.asSlice(0, 63), "allocated with 64 bytes");
            assertInvalid(a, large.asSlice(0, 9_999), "allocated with 10000 bytes");
            assertInvalid(a, large.asSlice(4096), "no allocated large block starts there");
            assertInvalid(a, large.asSlice(1), "no allocated large block starts there");
            assertInvalid(a, huge.asSlice(0, 100), "huge block there was allocated with 5242880 bytes");
            assertInvalid(a, huge.asSlice(64), "no block");
            assertInvalid(a, MemorySegment.NULL, "no block");
            assertEquals(before, a.stats(), "a refused free changes nothing");

            a.free(small);
            assertInvalid(a, small, "not allocated");
            a.free(large);
            assertInvalid(a, large, "no allocated large block starts there");
            BlockCookies.check(huge, 4);
            a.free(huge);
            assertInvalid(a, huge, "no block");
            a.free(exact);
            assertInvalid(a, exact, "not allocated");
            assertEquals(0, a.stats().liveBlocks());
            other.free(theirs);

            // Still fully usable after all that.
            MemorySegment again = a.allocate(100, 8);
            BlockCookies.write(again, 9);
            BlockCookies.check(again, 9);
            a.free(again);
        }
    }

    @Test
    void aFreeOfAnAddressInsideABlockOrInTheSlabsTailIsRefused() {
        try (SlabAllocator a = SlabAllocator.builder().sizeClasses(48).build()) {
            MemorySegment first = a.allocate(48, 16);
            // 48-byte blocks (16-aligned) in a 64 KiB slab with no header: 1365 blocks from offset 0, a 16-byte tail.
            long slab = first.address() & -(64 << 10);
            assertEquals(0, (first.address() - slab) % 48, "blocks start at multiples of 48 from the slab");
            AllocatorStats before = a.stats();
            assertInvalid(a, MemorySegment.ofAddress(first.address() + 8), "bytes into a 48-byte block");
            assertInvalid(a, MemorySegment.ofAddress(slab + 40), "bytes into a 48-byte block");
            assertInvalid(a, MemorySegment.ofAddress(slab + 1365 * 48), "past the last block");
            assertInvalid(a, MemorySegment.ofAddress(first.address()), "allocated with 48 bytes");
            long neighbour = first.address() - slab == 0 ? first.address() + 48 : first.address() - 48;
            assertInvalid(a, MemorySegment.ofAddress(neighbour), "not allocated");
            assertEquals(before, a.stats());
            a.free(first);
        }
    }

    private static void assertInvalid(SlabAllocator a, MemorySegment segment, String why) {
        InvalidHandleException e = assertThrows(InvalidHandleException.class, () -> a.free(segment));
        assertTrue(e.getMessage().contains(why), "expected '" + why + "' in: " + e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Large path

    @Test
    void largeBlocksKeepTheirContentAndAreCounted() {
        try (SlabAllocator a = SlabAllocator.create()) {
            SplittableRandom random = Seeds.random("SlabAllocatorTest 5");
            List<MemorySegment> blocks = new ArrayList<>();
            long usable = 0;
            for (int i = 0; i < 300; i++) {
                long size = 4097 + random.nextLong(1 << 20);
                MemorySegment b = a.allocate(size, 8);
                BlockCookies.write(b, i);
                blocks.add(b);
                usable += a.usableSize(size, 8);
            }
            AllocatorStats s = a.stats();
            assertEquals(300, s.largeBlocks().liveBlocks());
            assertEquals(usable, s.largeBlocks().usedBytes());
            assertEquals(usable, s.usedBytes());
            for (int i = 0; i < blocks.size(); i++) {
                BlockCookies.check(blocks.get(i), i);
                a.free(blocks.get(i));
            }
            s = a.stats();
            assertEquals(0, s.largeBlocks().usedBytes());
            assertEquals(SlabAllocator.REGION_BYTES, s.largeBlocks().totalBytes(), "one empty region is kept");
        }
    }

    @Test
    void largeAllocateFreeLoopsCallTheProviderOnceAndCloseGivesEverythingBack() {
        TallyMemory memory = new TallyMemory(SlabMemory.ofArena());
        try (SlabAllocator a = SlabAllocator.builder().memory(memory).build()) {
            SplittableRandom random = Seeds.random("SlabAllocatorTest 9");
            MemorySegment b = a.allocate(100_000, 8);
            assertEquals(1, memory.allocations, "one region");
            for (int i = 0; i < 1000; i++) {
                a.free(b);
                b = a.allocate(4097 + random.nextInt(3 << 20), 8);   // any buddy size: the kept region serves it
            }
            assertEquals(1, memory.allocations, "the emptied region was kept, not given back and taken again");
            a.free(b);

            MemorySegment huge = a.allocate(5 << 20, 8);
            long calls = memory.allocations;
            for (int i = 0; i < 100; i++) {
                a.free(huge);
                huge = a.allocate(5 << 20, 8);
            }
            assertEquals(calls, memory.allocations, "a freed huge block is retained for reuse");
            a.free(huge);
            MemorySegment tooBig = a.allocate(SlabAllocator.RETAINED_MAX_HUGE_BYTES + 1, 8);
            long heldWithIt = memory.heldBytes;
            a.free(tooBig);
            assertTrue(memory.heldBytes < heldWithIt, "a huge block above the retain limit goes straight back");
            a.allocate(100, 8);
            a.allocate(200_000, 8);
        }
        assertEquals(0, memory.heldBytes, "close gives everything back");
    }

    @Test
    void regionsAreSharedByMixedLargeSizesAndGivenBackWhenEmpty() {
        TallyMemory memory = new TallyMemory(SlabMemory.ofArena());
        try (SlabAllocator a = SlabAllocator.builder().memory(memory).build()) {
            List<MemorySegment> blocks = new ArrayList<>();
            long usable = 0;
            for (long size = 5000; usable + 2 * size <= 3 * SlabAllocator.REGION_BYTES; size = size * 3 / 2) {
                blocks.add(a.allocate(size, 8));
                usable += a.usableSize(size, 8);
            }
            assertTrue(memory.allocations <= 4, memory.allocations + " regions for " + blocks.size() + " blocks");
            for (MemorySegment b : blocks) {
                assertEquals(0, b.address() % Long.highestOneBit(b.byteSize()), "a buddy block is size-aligned");
                a.free(b);
            }
            assertEquals(SlabAllocator.REGION_BYTES, memory.heldBytes, "all regions but one went back");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Exhaustion

    @Test
    void exhaustionWithABoundedProviderLosesNothingAndRecovers() {
        SlabMemory bounded = SlabMemory.bounded(SlabMemory.ofArena(), 2 << 20);
        try (SlabAllocator a = SlabAllocator.builder().memory(bounded).build()) {
            List<MemorySegment> blocks = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            SplittableRandom random = Seeds.random("SlabAllocatorTest 11");
            SlabOutOfMemoryException oom = null;
            while (oom == null) {
                long size = random.nextInt(20) == 0 ? 4097 + random.nextInt(60_000) : random.nextInt(4097);
                try {
                    MemorySegment b = a.allocate(size, 8);
                    BlockCookies.write(b, blocks.size());
                    blocks.add(b);
                    sizes.add(size);
                } catch (SlabOutOfMemoryException e) {
                    oom = e;
                }
            }
            assertTrue(oom.getMessage().contains("no memory left"), oom.getMessage());
            assertTrue(blocks.size() > 100, "blocks before exhaustion: " + blocks.size());
            AllocatorStats full = a.stats();
            assertTrue(full.heldBytes() <= 2 << 20, "the bound holds: " + full.heldBytes());
            assertEquals(blocks.size(), full.liveBlocks());
            for (int i = 0; i < blocks.size(); i++) {
                BlockCookies.check(blocks.get(i), i);
            }
            blocks.forEach(a::free);
            assertEquals(0, a.stats().usedBytes());
            // Recovery: everything that fit before fits again.
            List<MemorySegment> again = new ArrayList<>();
            for (int i = 0; i < sizes.size(); i++) {
                MemorySegment b = a.allocate(sizes.get(i), 8);
                BlockCookies.write(b, i);
                again.add(b);
            }
            for (int i = 0; i < again.size(); i++) {
                BlockCookies.check(again.get(i), i);
                a.free(again.get(i));
            }
        }
    }

    @Test
    void belowARegionsWorthOfMemoryLargeBlocksAreServedAlone() {
        SlabMemory bounded = SlabMemory.bounded(SlabMemory.ofArena(), 1 << 20);
        try (SlabAllocator a = SlabAllocator.builder().memory(bounded).build()) {
            MemorySegment b = a.allocate(100_000, 8);
            BlockCookies.write(b, 1);
            AllocatorStats s = a.stats();
            assertEquals(131072, s.largeBlocks().usedBytes());
            assertEquals(131072, s.largeBlocks().totalBytes(), "a block of its own, not a 4 MiB region");
            assertThrows(InvalidHandleException.class, () -> a.free(b.asSlice(0, 10)));
            BlockCookies.check(b, 1);
            a.free(b);
            assertEquals(0, a.stats().largeBlocks().usedBytes());
        }
    }

    @Test
    void maxBytesCapsWhatIsHeldFromTheProvider() {
        try (SlabAllocator a = SlabAllocator.builder().maxBytes(512 << 10).build()) {
            List<MemorySegment> blocks = new ArrayList<>();
            assertThrows(SlabOutOfMemoryException.class, () -> {
                while (true) {
                    blocks.add(a.allocate(1000, 8));
                }
            });
            assertTrue(a.stats().heldBytes() <= 512 << 10);
            assertEquals(blocks.size(), a.stats().sizeClass(1024).liveBlocks());
            blocks.forEach(a::free);
            assertEquals(0, a.stats().usedBytes());
        }
    }

    @Test
    void retainedLargeBlocksAreGivenBackBeforeAnAllocationFails() {
        SlabMemory bounded = SlabMemory.bounded(SlabMemory.ofArena(), 4 << 20);
        try (SlabAllocator a = SlabAllocator.builder().memory(bounded).build()) {
            List<MemorySegment> large = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                large.add(a.allocate(500_000, 8));
            }
            large.forEach(a::free);
            assertEquals(SlabAllocator.REGION_BYTES, a.stats().largeBlocks().totalBytes(), "an empty region is kept");
            List<MemorySegment> small = new ArrayList<>();
            for (int i = 0; i < 800; i++) {
                small.add(a.allocate(4096, 8));   // needs the retained blocks' memory
            }
            assertEquals(0, a.stats().largeBlocks().totalBytes(), "the kept region was given back");
            small.forEach(a::free);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Misbehaving providers

    @Test
    void aMisbehavingProviderGetsAClearErrorAndTheAllocatorStaysUsable() {
        BadMemory bad = new BadMemory();
        try (SlabAllocator a = SlabAllocator.builder().memory(bad).build()) {
            for (String fault : List.of("heap", "short", "throws", "misaligned", "confined", "readOnly")) {
                bad.fault = fault;
                SlabException e = assertThrows(SlabException.class, () -> a.allocate(100_000, 8));
                assertTrue(e.getMessage().contains("BadMemory"), e.getMessage());
                e = assertThrows(SlabException.class, () -> a.allocate(100, 8));
                assertTrue(e.getMessage().contains("BadMemory"), e.getMessage());
            }
            bad.fault = null;
            MemorySegment ok = a.allocate(100_000, 8);
            MemorySegment small = a.allocate(100, 8);
            assertEquals(2, a.stats().liveBlocks());
            a.free(ok);
            a.free(small);
        }
        assertEquals(0, bad.inner.heldBytes);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aSlabWhoseMemoryTheProviderClosedIsNoticedByTheNextAllocationAndLosesNothing(boolean zeroFill) {
        ClosingMemory closing = new ClosingMemory();
        try (SlabAllocator a = SlabAllocator.builder().memory(closing).zeroFill(zeroFill).build()) {
            a.free(a.allocate(64, 8));                          // the class keeps its empty slab for reuse
            assertEquals(1, closing.arenas.size());
            closing.arenas.getFirst().close();

            SlabException e = assertThrows(SlabException.class, () -> a.allocate(64, 8));
            assertTrue(e.getMessage().contains("ClosingMemory") && e.getMessage().contains("closed the memory"),
                    e.getMessage());
            assertEquals(0, a.stats().liveBlocks(), "the failed allocation was undone");

            MemorySegment fresh = a.allocate(64, 8);            // from a new slab: the closed one went back
            fresh.set(JAVA_LONG, 56, 42L);
            assertEquals(42L, fresh.get(JAVA_LONG, 56));
            assertEquals(2, closing.arenas.size());

            MemorySegment kept = a.allocate(64, 8);             // a live block in a slab closed under it ...
            closing.arenas.getLast().close();
            assertThrows(SlabException.class, () -> a.allocate(64, 8));
            a.free(kept);                                       // ... is still freed, by its address
            a.free(fresh);
            assertEquals(0, a.stats().liveBlocks());
            assertEquals(0, a.stats().usedBytes());
        } finally {
            closing.arenas.stream().filter(arena -> arena.scope().isAlive()).forEach(Arena::close);
        }
    }

    /** Each slab from an arena of its own, which the test may close under the allocator. */
    static final class ClosingMemory implements SlabMemory {
        final List<Arena> arenas = new ArrayList<>();

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            Arena arena = Arena.ofShared();
            arenas.add(arena);
            return arena.allocate(byteSize, byteAlignment);
        }

        @Override
        public void free(MemorySegment segment) {
            // the arena stays: closing it is the test's
        }

        @Override
        public String toString() {
            return "ClosingMemory";
        }
    }

    /** Returns a bad segment (and takes nothing from its delegate for it) when told to. */
    static final class BadMemory implements SlabMemory {
        final TallyMemory inner = new TallyMemory(SlabMemory.ofArena());
        volatile String fault;

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            String f = fault;
            if (f == null) {
                return inner.allocate(byteSize, byteAlignment);
            }
            return switch (f) {
                case "heap" -> MemorySegment.ofArray(new byte[(int) byteSize]);
                case "short" -> Arena.ofAuto().allocate(byteSize / 2, byteAlignment);
                case "misaligned" -> Arena.ofAuto().allocate(byteSize + 8, byteAlignment).asSlice(4, byteSize);
                case "readOnly" -> Arena.ofAuto().allocate(byteSize, byteAlignment).asReadOnly();
                case "confined" -> confinedElsewhere(byteSize, byteAlignment);
                default -> throw new IllegalStateException("provider broke");
            };
        }

        @Override
        public void free(MemorySegment segment) {
            if (fault == null) {
                inner.free(segment);
            }
        }

        private static MemorySegment confinedElsewhere(long byteSize, long byteAlignment) {
            MemorySegment[] made = new MemorySegment[1];
            Thread other = Thread.ofPlatform()
                    .start(() -> made[0] = Arena.ofConfined().allocate(byteSize, byteAlignment));
            try {
                other.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return made[0];
        }

        @Override
        public String toString() {
            return "BadMemory";
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Lifecycle and threads

    @Test
    void closeGivesEverythingBackAndLaterUseFails() {
        TallyMemory memory = new TallyMemory(SlabMemory.ofArena());
        SlabAllocator a = SlabAllocator.builder().memory(memory).build();
        MemorySegment small = a.allocate(10);
        a.allocate(100_000);
        MemorySegment freedLarge = a.allocate(200_000);
        a.free(freedLarge);
        assertTrue(memory.heldBytes > 0);
        a.close();
        assertTrue(a.isClosed());
        assertEquals(0, memory.heldBytes);
        assertEquals(0, a.stats().totalBytes());
        a.close();
        assertThrows(IllegalStateException.class, () -> a.allocate(10));
        assertThrows(IllegalStateException.class, () -> a.free(small));
    }

    @Test
    void aConfinedAllocatorRefusesOtherThreads() throws Exception {
        try (SlabAllocator a = SlabAllocator.create()) {
            MemorySegment b = a.allocate(10);
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                assertThrows(WrongThreadException.class, () -> getCause(other.submit(() -> a.allocate(10))));
                assertThrows(WrongThreadException.class, () -> getCause(other.submit(() -> {
                    a.free(b);
                    return null;
                })));
                assertThrows(WrongThreadException.class, () -> getCause(other.submit(a::stats)));
            } finally {
                other.shutdown();
            }
            assertEquals(1, a.stats().liveBlocks());
            a.free(b);
        }
    }

    private static void getCause(Future<?> future) throws Throwable {
        try {
            future.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause();
        }
    }

    @Test
    void theGlobalAllocatorIsSharedLockedAndCannotBeClosed() throws Exception {
        SlabAllocator global = SlabAllocator.global();
        assertSame(global, SlabAllocator.global());
        assertEquals(SlabSync.LOCKED, global.sync());
        assertThrows(UnsupportedOperationException.class, global::close);
        MemorySegment b = global.allocate(48);
        Thread t = Thread.ofPlatform().start(() -> global.free(b));
        t.join();
        assertFalse(global.isClosed());
        assertInvalid(global, b, "not allocated");
    }

    @Test
    void aLockedAllocatorServesManyThreadsWithCrossThreadFrees() throws Exception {
        try (SlabAllocator a = SlabAllocator.builder().sync(SlabSync.LOCKED).build()) {
            int threads = 4;
            LinkedBlockingQueue<MemorySegment> handOff = new LinkedBlockingQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                done.add(pool.submit(() -> {
                    SplittableRandom random = Seeds.random("SlabAllocatorTest " + (seed));
                    for (int i = 0; i < 20_000; i++) {
                        long size = random.nextInt(8) == 0 ? 4097 + random.nextInt(20_000) : random.nextInt(4097);
                        MemorySegment b = a.allocate(size, 1L << random.nextInt(4));
                        BlockCookies.write(b, b.byteSize());
                        handOff.add(b);
                        MemorySegment theirs = handOff.poll();
                        if (theirs != null) {
                            BlockCookies.check(theirs, theirs.byteSize());
                            a.free(theirs);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            for (MemorySegment b; (b = handOff.poll()) != null; ) {
                BlockCookies.check(b, b.byteSize());
                a.free(b);
            }
            AllocatorStats s = a.stats();
            assertEquals(0, s.liveBlocks());
            assertEquals(0, s.usedBytes());
            assertEquals(s.totalBytes(), s.availableBytes());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Seeded random runs

    /** A live block of the model: its segment, its cookie id, its usable size. */
    private record Live(MemorySegment segment, long id, long usable) {}

    private static long randomSize(SplittableRandom random) {
        int kind = random.nextInt(100);
        if (kind < 60) {
            return random.nextInt(257);
        }
        if (kind < 95) {
            return random.nextInt(4097);
        }
        return 4097 + random.nextInt(kind < 99 ? 60_000 : 1 << 20);
    }

    private static long randomAlignment(SplittableRandom random) {
        int kind = random.nextInt(100);
        if (kind < 80) {
            return 1L << random.nextInt(4);
        }
        return kind < 99 ? 1L << random.nextInt(13) : 1L << (13 + random.nextInt(4));
    }

    @Test
    void statisticsAreExactAfterEveryStepOfARandomRun() {
        try (SlabAllocator a = SlabAllocator.create()) {
            SplittableRandom random = Seeds.random("SlabAllocatorTest 2026");
            List<Live> live = new ArrayList<>();
            long[] usedPerClass = new long[DEFAULT_CLASSES.length];
            long usedLarge = 0;
            for (int step = 0; step < 100_000; step++) {
                boolean allocate = live.isEmpty() || random.nextInt(100) < (live.size() < 2000 ? 55 : 45);
                if (allocate) {
                    long size = randomSize(random);
                    long alignment = randomAlignment(random);
                    MemorySegment b = a.allocate(size, alignment);
                    assertEquals(0, b.address() % alignment);
                    BlockCookies.write(b, step);
                    long usable = a.usableSize(size, alignment);
                    live.add(new Live(b, step, usable));
                    int c = classIndex(usable);
                    if (c >= 0) {
                        usedPerClass[c] += usable;
                    } else {
                        usedLarge += usable;
                    }
                } else {
                    int i = random.nextInt(live.size());
                    Live l = live.get(i);
                    live.set(i, live.get(live.size() - 1));
                    live.removeLast();
                    BlockCookies.check(l.segment(), l.id());
                    a.free(l.segment());
                    int c = classIndex(l.usable());
                    if (c >= 0) {
                        usedPerClass[c] -= l.usable();
                    } else {
                        usedLarge -= l.usable();
                    }
                }
                AllocatorStats s = a.stats();
                long total = s.largeBlocks().totalBytes();
                long used = s.largeBlocks().usedBytes();
                for (int c = 0; c < DEFAULT_CLASSES.length; c++) {
                    AllocatorStats.SizeClassStats cs = s.sizeClasses().get(c);
                    assertEquals(usedPerClass[c], cs.usedBytes(), "class " + cs.blockSize() + " at step " + step);
                    assertEquals(cs.totalBytes() - cs.usedBytes(), cs.availableBytes());
                    assertEquals(cs.usedBytes(), cs.liveBlocks() * cs.blockSize());
                    assertTrue(cs.heldBytes() >= cs.totalBytes());
                    total += cs.totalBytes();
                    used += cs.usedBytes();
                }
                assertEquals(usedLarge, s.largeBlocks().usedBytes(), "large blocks at step " + step);
                assertEquals(s.largeBlocks().totalBytes() - usedLarge, s.largeBlocks().availableBytes());
                assertEquals(total, s.totalBytes());
                assertEquals(used, s.usedBytes());
                assertEquals(s.totalBytes() - s.usedBytes(), s.availableBytes());
                assertEquals(live.size(), s.liveBlocks());
            }
            for (Live l : live) {
                BlockCookies.check(l.segment(), l.id());
                a.free(l.segment());
            }
            assertEquals(0, a.stats().usedBytes());
        }
    }

    private static int classIndex(long usable) {
        for (int c = 0; c < DEFAULT_CLASSES.length; c++) {
            if (DEFAULT_CLASSES[c] == usable) {
                return c;
            }
        }
        return -1;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void randomMixedSizesKeepTheirContent(long seed) {
        SlabSync sync = SlabSync.values()[(int) (seed % SlabSync.values().length)];
        try (SlabAllocator a = SlabAllocator.builder().sync(sync).zeroFill(seed % 2 == 0).build()) {
            SplittableRandom random = Seeds.random("SlabAllocatorTest " + (seed));
            List<Live> live = new ArrayList<>();
            int cap = 1 << (6 + random.nextInt(8));
            for (int step = 0; step < 500_000; step++) {
                if (step % 50_000 == 0) {
                    cap = 1 << (4 + random.nextInt(10));   // phases of small and large live sets
                }
                boolean allocate = live.isEmpty() || (live.size() < cap && random.nextBoolean());
                if (allocate) {
                    long size = randomSize(random);
                    long alignment = randomAlignment(random);
                    MemorySegment b = a.allocate(size, alignment);
                    BlockCookies.write(b, step);
                    live.add(new Live(b, step, 0));
                } else {
                    int i = random.nextInt(live.size());
                    Live l = live.get(i);
                    live.set(i, live.get(live.size() - 1));
                    live.removeLast();
                    BlockCookies.check(l.segment(), l.id());
                    a.free(l.segment());
                    if (random.nextInt(1000) == 0) {
                        assertThrows(InvalidHandleException.class, () -> a.free(l.segment()));
                    }
                }
            }
            assertEquals(live.size(), a.stats().liveBlocks());
            for (Live l : live) {
                BlockCookies.check(l.segment(), l.id());
                a.free(l.segment());
            }
            AllocatorStats s = a.stats();
            assertEquals(0, s.usedBytes());
            assertNotEquals(0, s.totalBytes());
        }
    }
}
