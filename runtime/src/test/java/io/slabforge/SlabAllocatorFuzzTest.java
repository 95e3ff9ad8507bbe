package io.slabforge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzed allocate/free sequences on a {@link SlabAllocator} with fuzzed sizes and alignments, and frees of forged
 * segments (slices, foreign memory, heap segments, blocks already freed): every block is aligned, zeroed, keeps its
 * contents, and the stats are exact ({@code liveBlocks}, {@code usedBytes} at usable sizes) after every step. Runs
 * the committed inputs ({@code SlabAllocatorFuzzTestInputs/}) in every build; {@code scripts/fuzz.sh} fuzzes.
 */
class SlabAllocatorFuzzTest {
    private static final SlabSync[] MODES = {SlabSync.CONFINED, SlabSync.LOCKED, SlabSync.NONE};

    private record Block(MemorySegment segment, long usable, byte cookie) {}

    @FuzzTest(maxDuration = "2m")
    void statsAreExactAndForgeriesRefused(FuzzedDataProvider data) {
        SlabSync sync = MODES[data.consumeInt(0, MODES.length - 1)];
        List<Block> live = new ArrayList<>();
        List<MemorySegment> freed = new ArrayList<>();
        long used = 0;
        try (Arena foreign = Arena.ofConfined();
                SlabAllocator allocator = SlabAllocator.builder().sync(sync).maxBytes(64L << 20).build()) {
            while (data.remainingBytes() > 0) {
                switch (data.consumeInt(0, 6)) {
                    case 0, 1 -> {
                        long size = data.consumeBoolean() ? data.consumeLong(0, 300) : data.consumeLong(0, 6 << 20);
                        long alignment = 1L << data.consumeInt(0, 14);
                        MemorySegment m;
                        try {
                            m = allocator.allocate(size, alignment);
                        } catch (SlabOutOfMemoryException e) {
                            break; // maxBytes: nothing changed
                        }
                        assertEquals(size, m.byteSize());
                        assertEquals(0, m.address() % alignment, "aligned");
                        for (long i = 0; i < size; i += Math.max(1, size / 7)) {
                            assertEquals(0, m.get(ValueLayout.JAVA_BYTE, i), "zero-filled");
                        }
                        byte cookie = data.consumeByte();
                        if (size > 0) {
                            m.set(ValueLayout.JAVA_BYTE, 0, cookie);
                            m.set(ValueLayout.JAVA_BYTE, size - 1, cookie);
                        }
                        long usable = allocator.usableSize(size, alignment);
                        live.add(new Block(m, usable, cookie));
                        used += usable;
                    }
                    case 2 -> {
                        if (!live.isEmpty()) {
                            Block b = live.remove(data.consumeInt(0, live.size() - 1));
                            assertCookie(b);
                            allocator.free(b.segment);
                            freed.add(b.segment);
                            used -= b.usable;
                        }
                    }
                    case 3 -> {
                        if (!freed.isEmpty()) {
                            MemorySegment again = freed.get(data.consumeInt(0, freed.size() - 1));
                            if (!sameAsLive(live, again)) {
                                refused(allocator, again);
                            }
                        }
                    }
                    case 4 -> {
                        if (!live.isEmpty()) {
                            MemorySegment m = live.get(data.consumeInt(0, live.size() - 1)).segment;
                            if (m.byteSize() > 1) {
                                long from = data.consumeLong(1, m.byteSize() - 1);
                                refused(allocator, m.asSlice(from));
                            }
                            if (m.byteSize() > 0) {
                                refused(allocator, m.asSlice(0, m.byteSize() - 1));
                            }
                        }
                    }
                    case 5 -> {
                        refused(allocator, foreign.allocate(data.consumeLong(1, 8192), 64));
                        refused(allocator, MemorySegment.ofArray(new byte[data.consumeInt(0, 64)]));
                    }
                    default -> {
                        AllocatorStats stats = allocator.stats();
                        assertEquals(live.size(), stats.liveBlocks());
                        assertEquals(used, stats.usedBytes());
                        assertEquals(stats.totalBytes() - stats.usedBytes(), stats.availableBytes());
                    }
                }
            }
            AllocatorStats stats = allocator.stats();
            assertEquals(live.size(), stats.liveBlocks());
            assertEquals(used, stats.usedBytes());
            for (Block b : live) {
                assertCookie(b);
                allocator.free(b.segment);
            }
            assertEquals(0, allocator.stats().liveBlocks());
            assertEquals(0, allocator.stats().usedBytes());
        }
    }

    private static boolean sameAsLive(List<Block> live, MemorySegment segment) {
        for (Block b : live) {
            if (b.segment.address() == segment.address() && b.segment.byteSize() == segment.byteSize()) {
                return true; // the allocator documents it cannot tell a freed copy from a live block with this shape
            }
        }
        return false;
    }

    private static void assertCookie(Block b) {
        long size = b.segment.byteSize();
        if (size > 0) {
            assertEquals(b.cookie, b.segment.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(b.cookie, b.segment.get(ValueLayout.JAVA_BYTE, size - 1));
        }
    }

    private static void refused(SlabAllocator allocator, MemorySegment forged) {
        AllocatorStats before = allocator.stats();
        try {
            allocator.free(forged);
        } catch (InvalidHandleException expected) {
            assertEquals(before, allocator.stats(), "a refused free changes nothing");
            return;
        }
        throw new AssertionError("free accepted " + forged);
    }
}
