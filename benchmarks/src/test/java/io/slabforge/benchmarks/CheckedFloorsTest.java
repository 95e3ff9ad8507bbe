package io.slabforge.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link FloorChecked} and {@link FloorCheckedOffHeap}: values round-trip, stale handles and double frees throw. */
class CheckedFloorsTest {

    /** What both checked floors offer, so one test covers both. */
    interface Checked extends AutoCloseable {
        long allocate();
        void free(long h);
        double x(long h);
        double y(long h);
        double z(long h);
        int id(long h);
        int flags(long h);
        void x(long h, double v);
        void y(long h, double v);
        void z(long h, double v);
        void id(long h, int v);
        void flags(long h, int v);
        @Override
        void close();
    }

    static final int CAPACITY = 64;

    static Stream<String> floors() {
        return Stream.of("floorChecked", "floorCheckedOffHeap");
    }

    static Checked create(String name) {
        if (name.equals("floorChecked")) {
            FloorChecked f = new FloorChecked(CAPACITY);
            return new Checked() {
                public long allocate() { return f.allocate(); }
                public void free(long h) { f.free(h); }
                public double x(long h) { return f.x(h); }
                public double y(long h) { return f.y(h); }
                public double z(long h) { return f.z(h); }
                public int id(long h) { return f.id(h); }
                public int flags(long h) { return f.flags(h); }
                public void x(long h, double v) { f.x(h, v); }
                public void y(long h, double v) { f.y(h, v); }
                public void z(long h, double v) { f.z(h, v); }
                public void id(long h, int v) { f.id(h, v); }
                public void flags(long h, int v) { f.flags(h, v); }
                public void close() { f.close(); }
            };
        }
        FloorCheckedOffHeap f = new FloorCheckedOffHeap(CAPACITY);
        return new Checked() {
            public long allocate() { return f.allocate(); }
            public void free(long h) { f.free(h); }
            public double x(long h) { return f.x(h); }
            public double y(long h) { return f.y(h); }
            public double z(long h) { return f.z(h); }
            public int id(long h) { return f.id(h); }
            public int flags(long h) { return f.flags(h); }
            public void x(long h, double v) { f.x(h, v); }
            public void y(long h, double v) { f.y(h, v); }
            public void z(long h, double v) { f.z(h, v); }
            public void id(long h, int v) { f.id(h, v); }
            public void flags(long h, int v) { f.flags(h, v); }
            public void close() { f.close(); }
        };
    }

    static void fill(Checked f, long h, int i) {
        f.x(h, i + 0.25);
        f.y(h, -i);
        f.z(h, i * 1e9);
        f.id(h, i);
        f.flags(h, ~i);
    }

    static void assertHolds(Checked f, long h, int i) {
        assertEquals(i + 0.25, f.x(h));
        assertEquals(-i, f.y(h));
        assertEquals(i * 1e9, f.z(h));
        assertEquals(i, f.id(h));
        assertEquals(~i, f.flags(h));
    }

    @ParameterizedTest
    @MethodSource("floors")
    void everyFieldOfEverySlotRoundTrips(String name) {
        try (Checked f = create(name)) {
            long[] handles = new long[CAPACITY];
            for (int i = 0; i < CAPACITY; i++) {
                handles[i] = f.allocate();
                fill(f, handles[i], i);
            }
            for (int i = 0; i < CAPACITY; i++) {
                assertHolds(f, handles[i], i);
            }
            // All bits set in every field: the off-heap generations before the slots are left alone.
            for (long h : handles) {
                f.x(h, Double.longBitsToDouble(-1L));
                f.y(h, Double.longBitsToDouble(-1L));
                f.z(h, Double.longBitsToDouble(-1L));
                f.id(h, -1);
                f.flags(h, -1);
            }
            for (long h : handles) {
                assertEquals(-1, f.flags(h), name);
                f.free(h);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("floors")
    void aFreedHandleIsRejectedByEveryAccessorAndByFree(String name) {
        try (Checked f = create(name)) {
            long old = f.allocate();
            fill(f, old, 1);
            f.free(old);
            long reused = f.allocate();
            assertEquals((int) old, (int) reused, "LIFO: the same slot again");
            assertNotEquals(old, reused, "with the next generation");
            fill(f, reused, 2);
            for (Executable access : new Executable[] {
                    () -> f.x(old), () -> f.y(old), () -> f.z(old), () -> f.id(old), () -> f.flags(old),
                    () -> f.x(old, 9), () -> f.y(old, 9), () -> f.z(old, 9), () -> f.id(old, 9),
                    () -> f.flags(old, 9), () -> f.free(old)}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, access, name);
                assertTrue(e.getMessage().contains("stale handle"), e.getMessage());
            }
            assertHolds(f, reused, 2); // the rejected writes and the rejected free touched nothing
            f.free(reused);
            assertThrows(IllegalArgumentException.class, () -> f.free(reused), name + ": double free");
            long third = f.allocate();
            assertEquals((int) old, (int) third, "the rejected double free did not push the slot twice");
            assertNotEquals((int) third, (int) f.allocate(), "the next allocation is a fresh slot");
        }
    }

    @ParameterizedTest
    @MethodSource("floors")
    void slotsPastTheCapacityAreRefused(String name) {
        try (Checked f = create(name)) {
            assertThrows(IndexOutOfBoundsException.class, () -> f.x(CAPACITY), name);
            assertThrows(IndexOutOfBoundsException.class, () -> f.x(-1L >>> 32), name);
            for (int i = 0; i < CAPACITY; i++) {
                f.allocate();
            }
            assertThrows(IndexOutOfBoundsException.class, f::allocate, name + ": full");
        }
    }
}
