package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.SlabException;
import io.slabforge.SlabMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A provider that returns the same or an overlapping segment twice, to one cache or to two caches sharing it, is
 * caught: a {@link SlabException} naming the provider, the duplicate not handed back, and every object of the slab
 * that first got the memory still valid with its contents.
 */
@ExtendWith(Seeds.class)
class DuplicateSlabProviderTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);

    /** Hands out fresh aligned memory, or, when {@link #repeat} is set, that segment (or a slice of it) instead. */
    static final class RepeatingMemory implements SlabMemory, AutoCloseable {
        final Arena arena = Arena.ofShared();
        final List<MemorySegment> handedOut = new ArrayList<>();
        final List<MemorySegment> freed = new ArrayList<>();
        volatile MemorySegment repeat;

        @Override
        public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
            MemorySegment again = repeat;
            MemorySegment segment = again != null ? again : arena.allocate(byteSize, byteAlignment);
            handedOut.add(segment);
            return segment;
        }

        @Override
        public synchronized void free(MemorySegment segment) {
            freed.add(segment);
        }

        @Override
        public void close() {
            arena.close();
        }

        @Override
        public String toString() {
            return "RepeatingMemory";
        }
    }

    /** Fills one slab with cookie-carrying objects and returns their handles. */
    private static List<Long> fillOneSlab(SlabEngine engine, long salt) {
        List<Long> handles = new ArrayList<>();
        for (int i = 0; i < GEOMETRY.slotsPerSlab(); i++) {
            long h = engine.allocate();
            Cookies.write(engine, h, salt);
            handles.add(h);
        }
        return handles;
    }

    private static void assertDuplicateReported(SlabException e) {
        assertTrue(e.getMessage().contains("RepeatingMemory"), e.getMessage());
        assertTrue(e.getMessage().contains("overlaps a slab a cache already holds"), e.getMessage());
    }

    @Test
    void theSameSegmentTwiceToOneCacheIsReportedAndNothingIsLost() {
        long salt = Seeds.random("duplicate-slab").nextLong();
        try (RepeatingMemory memory = new RepeatingMemory();
                SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(memory).build()) {
            List<Long> first = fillOneSlab(engine, salt);
            memory.repeat = memory.handedOut.getFirst(); // the slab the cache holds
            SlabException e = assertThrowsExactly(SlabException.class, engine::allocate);
            assertDuplicateReported(e);
            assertTrue(memory.freed.isEmpty(), "the duplicate is not handed back: its memory is in use");
            for (long h : first) {
                assertTrue(engine.isLive(h));
                Cookies.verify(engine, h, salt);
            }
            assertEquals(first.size(), engine.stats().liveObjects());

            memory.repeat = null; // the provider behaves again: the cache goes on
            long h = engine.allocate();
            Cookies.write(engine, h, salt);
            engine.free(h);
            for (long each : first) {
                engine.free(each);
            }
        }
    }

    @Test
    void theSameSegmentToTwoCachesSharingTheProviderIsReported() {
        long salt = Seeds.random("duplicate-slab").nextLong();
        try (RepeatingMemory memory = new RepeatingMemory();
                SlabEngine a = SlabEngine.builder(GEOMETRY).memory(memory).build();
                SlabEngine b = SlabEngine.builder(GEOMETRY).memory(memory).build()) {
            List<Long> first = fillOneSlab(a, salt);
            memory.repeat = memory.handedOut.getFirst();
            assertDuplicateReported(assertThrowsExactly(SlabException.class, b::allocate));
            assertEquals(0, b.stats().liveObjects());
            for (long h : first) {
                Cookies.verify(a, h, salt);
            }
            memory.repeat = null;
            List<Long> second = fillOneSlab(b, ~salt);
            for (long h : first) {
                Cookies.verify(a, h, salt);
            }
            for (long h : second) {
                Cookies.verify(b, h, ~salt);
            }
        }
    }

    /** A larger slab of one cache, then half of it as the slab of another: an overlap, not the same segment. */
    @Test
    void anOverlappingSegmentIsReported() {
        long salt = Seeds.random("duplicate-slab").nextLong();
        SlabGeometry big = SlabGeometry.of(32, 8, 8192);
        try (RepeatingMemory memory = new RepeatingMemory();
                SlabEngine a = SlabEngine.builder(big).memory(memory).build();
                SlabEngine b = SlabEngine.builder(GEOMETRY).memory(memory).build()) {
            List<Long> first = new ArrayList<>();
            for (int i = 0; i < big.slotsPerSlab(); i++) {
                long h = a.allocate();
                Cookies.write(a, h, salt);
                first.add(h);
            }
            memory.repeat = memory.handedOut.getFirst().asSlice(4096, 4096);
            assertDuplicateReported(assertThrowsExactly(SlabException.class, b::allocate));
            memory.repeat = null;
            for (long h : first) {
                Cookies.verify(a, h, salt);
            }
        }
        // the claim is forgotten when a slab goes back: the same memory may be handed out again later
        try (RepeatingMemory memory = new RepeatingMemory();
                SlabEngine a = SlabEngine.builder(GEOMETRY).memory(memory).reserveSlabs(0).build()) {
            long h = a.allocate();
            MemorySegment slab = memory.handedOut.getFirst();
            a.free(h);
            assertEquals(List.of(slab), memory.freed);
            memory.repeat = slab;
            long again = a.allocate();
            assertEquals(slab.address(), a.segment(again).address() & -4096L);
            memory.repeat = null;
        }
    }
}
