package com.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabException;
import io.slabforge.SlabSync;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Every component type, embedded records, @Atomic, nested and custom cache names. */
public final class TypesChecks {
    private TypesChecks() {}

    public static Map<String, Runnable> checks() {
        Map<String, Runnable> checks = new LinkedHashMap<>();
        checks.put("every primitive, enum, array and embedded record round-trips", TypesChecks::roundTrip);
        checks.put("boolean is one byte, char two", TypesChecks::primitiveSizes);
        checks.put("per-component accessors on cache, Ref and Box", TypesChecks::componentAccessors);
        checks.put("array element access is bounds-checked", TypesChecks::arrayBounds);
        checks.put("whole-array copy in rejects a wrong length and writes nothing", TypesChecks::arrayWrongLength);
        checks.put("array segment view is the array in the slot", TypesChecks::arraySegment);
        checks.put("invalid record value is rejected before a slot is taken", TypesChecks::invalidValues);
        checks.put("enum ordinal out of range is a SlabException", TypesChecks::enumOutOfRange);
        checks.put("enum of 300 constants is stored in 2 bytes", TypesChecks::bigEnum);
        checks.put("embedded record: whole and flattened accessors", TypesChecks::embedded);
        checks.put("embedded two levels deep", TypesChecks::embeddedTwoLevels);
        checks.put("LAYOUT nests structs and sequences at the generated offsets", TypesChecks::nestedLayout);
        checks.put("@Atomic accessors on cache, Ref and Box", TypesChecks::atomicAccessors);
        checks.put("@Atomic getAndAdd from 4 threads on a LOCKED cache", TypesChecks::atomicThreads);
        checks.put("@Atomic fields of an embedded record", TypesChecks::embeddedAtomic);
        checks.put("align above natural alignment, alone and embedded", TypesChecks::overAligned);
        checks.put("nested records get Outer_RecordSlab, cacheName is honoured", TypesChecks::names);
        checks.put("components named slab, base, engine, value do not collide with the generated allocate path",
                TypesChecks::componentsNamedLikeGeneratedLocals);
        return checks;
    }

    static Order order(int n) {
        return new Order(n, n % 2 == 0, (byte) n, (short) -n, (char) ('a' + n), n * 3, n / 2f, n * 1.25,
                n % 2 == 0 ? Side.BUY : Side.SELL,
                new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) n}, new boolean[] {true, false, n % 2 == 0},
                new char[] {'x', (char) n}, new int[] {n, -n, Integer.MAX_VALUE, Integer.MIN_VALUE},
                new long[] {Long.MIN_VALUE, n}, new float[] {Float.NaN, n}, new double[] {-0.0, n},
                new short[] {1, Short.MIN_VALUE, (short) n}, new Vec3(n, n + 1, n + 2));
    }

    static void assertOrder(Order expected, Order actual) {
        assertEquals(expected.id(), actual.id());
        assertEquals(expected.active(), actual.active());
        assertEquals(expected.b(), actual.b());
        assertEquals(expected.s(), actual.s());
        assertEquals(expected.c(), actual.c());
        assertEquals(expected.qty(), actual.qty());
        assertEquals(expected.f(), actual.f());
        assertEquals(expected.price(), actual.price());
        assertEquals(expected.side(), actual.side());
        assertArrayEquals(expected.symbol(), actual.symbol());
        assertArrayEquals(expected.flags(), actual.flags());
        assertArrayEquals(expected.code(), actual.code());
        assertArrayEquals(expected.ints(), actual.ints());
        assertArrayEquals(expected.longs(), actual.longs());
        assertArrayEquals(expected.floats(), actual.floats());
        assertArrayEquals(expected.doubles(), actual.doubles());
        assertArrayEquals(expected.shorts(), actual.shorts());
        assertEquals(expected.pos(), actual.pos());
    }

    static void roundTrip() {
        try (OrderSlab slab = OrderSlab.create()) {
            List<Long> handles = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                handles.add(slab.allocate(order(i)));
            }
            for (int i = 0; i < 200; i++) {
                assertOrder(order(i), slab.get(handles.get(i)));
                assertOrder(order(i), slab.ref(handles.get(i)).toRecord());
            }
            long h = handles.get(0);
            slab.set(h, order(77));
            assertOrder(order(77), slab.get(h));
            long zero = slab.allocate();
            Order z = slab.get(zero);
            assertEquals(Side.BUY, z.side());
            assertArrayEquals(new byte[8], z.symbol());
            assertEquals(new Vec3(0, 0, 0), z.pos());
        }
    }

    static void primitiveSizes() {
        assertEquals(1, OrderSlab.LAYOUT.select(PathElement.groupElement("active")).byteSize());
        assertEquals(2, OrderSlab.LAYOUT.select(PathElement.groupElement("c")).byteSize());
        assertEquals(1, OrderSlab.LAYOUT.select(PathElement.groupElement("side")).byteSize());
        assertEquals(3, OrderSlab.LAYOUT.select(PathElement.groupElement("flags")).byteSize());
        assertEquals(136, OrderSlab.SLOT_SIZE);
        assertEquals(OrderSlab.SLOT_SIZE, OrderSlab.LAYOUT.byteSize());
        assertEquals(OrderSlab.SLOT_ALIGNMENT, OrderSlab.LAYOUT.byteAlignment());
    }

    static void componentAccessors() {
        try (OrderSlab slab = OrderSlab.create()) {
            long h = slab.allocate();
            slab.active(h, true);
            slab.b(h, (byte) -1);
            slab.s(h, (short) 300);
            slab.c(h, '\u20ac');
            slab.f(h, 1.5f);
            slab.side(h, Side.SELL);
            assertTrue(slab.active(h));
            assertEquals((byte) -1, slab.b(h));
            assertEquals((short) 300, slab.s(h));
            assertEquals('\u20ac', slab.c(h));
            assertEquals(1.5f, slab.f(h));
            assertEquals(Side.SELL, slab.side(h));
            OrderSlab.Ref ref = slab.ref(h);
            assertSame(ref, ref.side(Side.BUY).symbol(0, (byte) 9).flags(2, true).code(new char[] {'o', 'k'}));
            assertEquals(Side.BUY, slab.side(h));
            assertEquals(9, slab.symbol(h, 0));
            assertTrue(ref.flags(2));
            assertArrayEquals(new char[] {'o', 'k'}, ref.code());
            try (OrderSlab.Box box = slab.box()) {
                assertSame(box, box.qty(5).ints(3, 6).pos(new Vec3(1, 2, 3)).posY(9));
                assertEquals(5, box.qty());
                assertEquals(6, box.ints(3));
                assertEquals(new Vec3(1, 9, 3), box.pos());
                assertEquals(9, box.posY());
            }
            assertEquals(1, slab.liveCount());
        }
    }

    static void arrayBounds() {
        try (OrderSlab slab = OrderSlab.create()) {
            long h = slab.allocate();
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> slab.symbol(h, 8));
            assertEquals("index 8 is out of bounds for symbol of @Length(8)", e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> slab.symbol(h, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> slab.longs(h, 2, 1L));
            assertThrows(IndexOutOfBoundsException.class, () -> slab.ref(h).flags(3));
            slab.longs(h, 1, 42L);
            assertEquals(42L, slab.longs(h, 1));
            assertEquals(0L, slab.longs(h, 0));
            assertThrows(InvalidHandleException.class, () -> slab.symbol(h + 1, 0));
        }
    }

    static void arrayWrongLength() {
        try (OrderSlab slab = OrderSlab.create()) {
            long h = slab.allocate(order(1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> slab.symbol(h, new byte[] {1, 2, 3}));
            assertEquals("Order.symbol has 3 elements; @Length(8) needs exactly 8", e.getMessage());
            assertThrows(NullPointerException.class, () -> slab.ints(h, (int[]) null));
            assertArrayEquals(order(1).symbol(), slab.symbol(h));
            slab.doubles(h, new double[] {1, 2});
            assertArrayEquals(new double[] {1, 2}, slab.doubles(h));
        }
    }

    static void arraySegment() {
        try (OrderSlab slab = OrderSlab.create()) {
            long h = slab.allocate(order(3));
            MemorySegment ints = slab.intsSegment(h);
            assertEquals(16, ints.byteSize());
            assertEquals(3, ints.getAtIndex(ValueLayout.JAVA_INT, 0));
            ints.setAtIndex(ValueLayout.JAVA_INT, 1, 11);
            assertEquals(11, slab.ints(h, 1));
            assertEquals(8, slab.ref(h).symbolSegment().byteSize());
            slab.free(h);
            assertThrows(InvalidHandleException.class, () -> slab.intsSegment(h));
        }
    }

    static void invalidValues() {
        try (OrderSlab slab = OrderSlab.create()) {
            Order o = order(2);
            Order shortSymbol = new Order(1, true, (byte) 1, (short) 1, 'c', 1, 1, 1, Side.BUY, new byte[7],
                    o.flags(), o.code(), o.ints(), o.longs(), o.floats(), o.doubles(), o.shorts(), o.pos());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> slab.allocate(shortSymbol));
            assertEquals("Order.symbol has 7 elements; @Length(8) needs exactly 8", e.getMessage());
            Order nullSide = new Order(1, true, (byte) 1, (short) 1, 'c', 1, 1, 1, null, o.symbol(),
                    o.flags(), o.code(), o.ints(), o.longs(), o.floats(), o.doubles(), o.shorts(), o.pos());
            NullPointerException n = assertThrows(NullPointerException.class, () -> slab.allocate(nullSide));
            assertTrue(n.getMessage().startsWith("Order.side is null"), n.getMessage());
            Order nullPos = new Order(1, true, (byte) 1, (short) 1, 'c', 1, 1, 1, Side.SELL, o.symbol(),
                    o.flags(), o.code(), o.ints(), o.longs(), o.floats(), o.doubles(), o.shorts(), null);
            assertThrows(NullPointerException.class, () -> slab.allocate(nullPos));
            assertEquals(0, slab.liveCount());
            long h = slab.allocate(o);
            assertThrows(NullPointerException.class, () -> slab.set(h, nullPos));
            assertThrows(NullPointerException.class, () -> slab.side(h, null));
            assertThrows(NullPointerException.class, () -> slab.pos(h, null));
            assertOrder(o, slab.get(h));
        }
    }

    static void enumOutOfRange() {
        try (OrderSlab slab = OrderSlab.create()) {
            long h = slab.allocate();
            slab.segment(h).set(ValueLayout.JAVA_BYTE, OrderSlab.LAYOUT.byteOffset(PathElement.groupElement("side")),
                    (byte) 200);
            SlabException e = assertThrows(SlabException.class, () -> slab.side(h));
            assertTrue(e.getMessage().contains("Order.side holds ordinal 200, but Side has only 2 constants"),
                    e.getMessage());
            assertThrows(SlabException.class, () -> slab.get(h));
        }
    }

    static void bigEnum() {
        assertEquals(2, WithBigSlab.LAYOUT.select(PathElement.groupElement("big")).byteSize());
        try (WithBigSlab slab = WithBigSlab.create()) {
            long h = slab.allocate(new WithBig(Big.C299, 7));
            assertEquals(new WithBig(Big.C299, 7), slab.get(h));
            slab.big(h, Big.C256);
            assertEquals(Big.C256, slab.big(h));
        }
    }

    static void embedded() {
        try (OrderSlab slab = OrderSlab.create()) {
            long h = slab.allocate(order(4));
            assertEquals(new Vec3(4, 5, 6), slab.pos(h));
            assertEquals(5, slab.posY(h));
            slab.posZ(h, -1);
            assertEquals(new Vec3(4, 5, -1), slab.pos(h));
            slab.pos(h, new Vec3(7, 8, 9));
            assertEquals(7, slab.ref(h).posX());
            assertEquals(new Vec3(7, 8, 9), slab.ref(h).pos());
        }
    }

    static void embeddedTwoLevels() {
        try (ShapeSlab slab = ShapeSlab.create()) {
            Shape s = new Shape(1, new Line(new Vec3(1, 2, 3), new Vec3(4, 5, 6)), new short[] {7, 8});
            long h = slab.allocate(s);
            Shape back = slab.get(h);
            assertEquals(s.line(), back.line());
            assertArrayEquals(s.tags(), back.tags());
            assertEquals(5, slab.lineBY(h));
            assertEquals(new Vec3(1, 2, 3), slab.lineA(h));
            slab.lineAZ(h, 30);
            assertEquals(new Line(new Vec3(1, 2, 30), new Vec3(4, 5, 6)), slab.line(h));
            slab.lineB(h, new Vec3(0, 0, 0));
            assertEquals(0, slab.ref(h).lineBX());
            assertEquals(ShapeSlab.LAYOUT.byteOffset(PathElement.groupElement("line"), PathElement.groupElement("b"),
                    PathElement.groupElement("y")), privateLong(ShapeSlab.class, "LINE_B_Y_OFFSET"));
        }
    }

    static void nestedLayout() {
        MemoryLayout layout = OrderSlab.LAYOUT;
        assertEquals(layout.byteOffset(PathElement.groupElement("pos"), PathElement.groupElement("x")),
                privateLong(OrderSlab.class, "POS_X_OFFSET"));
        assertEquals(layout.byteOffset(PathElement.groupElement("pos")), privateLong(OrderSlab.class, "POS_OFFSET"));
        assertEquals(layout.byteOffset(PathElement.groupElement("ints"), PathElement.sequenceElement(2)),
                privateLong(OrderSlab.class, "INTS_OFFSET") + 8);
        assertEquals("pos", layout.select(PathElement.groupElement("pos")).name().orElseThrow());
        try (OrderSlab slab = OrderSlab.create()) {
            long h = slab.allocate(order(5));
            long offset = layout.byteOffset(PathElement.groupElement("pos"), PathElement.groupElement("z"));
            assertEquals(7.0, slab.segment(h).get(ValueLayout.JAVA_DOUBLE, offset));
        }
    }

    static void atomicAccessors() {
        try (CounterSlab slab = CounterSlab.create()) {
            long h = slab.allocate();
            assertEquals(0, slab.hitsGetAndAdd(h, 5));
            assertEquals(5, slab.hitsAcquire(h));
            assertTrue(slab.hitsCompareAndSet(h, 5, 10));
            assertFalse(slab.hitsCompareAndSet(h, 5, 11));
            slab.hitsRelease(h, 12);
            assertEquals(12, slab.hitsVolatile(h));
            slab.missesVolatile(h, 3);
            assertEquals(3, slab.missesGetAndAdd(h, -1));
            assertEquals(2, slab.misses(h));
            CounterSlab.Ref ref = slab.ref(h);
            assertEquals(12, ref.hitsGetAndAdd(1));
            assertSame(ref, ref.missesRelease(9));
            assertEquals(9, ref.missesAcquire());
            assertTrue(ref.missesCompareAndSet(9, 1));
            try (CounterSlab.Box box = slab.box()) {
                assertSame(box, box.hitsVolatile(4));
                assertEquals(4, box.hitsGetAndAdd(1));
                assertEquals(5, box.hits());
            }
            slab.free(h);
            assertThrows(InvalidHandleException.class, () -> slab.hitsGetAndAdd(h, 1));
        }
    }

    static void atomicThreads() {
        try (CounterSlab slab = CounterSlab.builder().sync(SlabSync.LOCKED).build()) {
            long h = slab.allocate();
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                workers.add(CompletableFuture.runAsync(() -> {
                    CounterSlab.Ref ref = slab.ref(h);
                    for (int i = 0; i < 10_000; i++) {
                        slab.hitsGetAndAdd(h, 1);
                        int seen;
                        do {
                            seen = ref.missesVolatile();
                        } while (!ref.missesCompareAndSet(seen, seen + 1));
                    }
                }));
            }
            workers.forEach(CompletableFuture::join);
            assertEquals(40_000, slab.hits(h));
            assertEquals(40_000, slab.missesAcquire(h));
        }
    }

    static void embeddedAtomic() {
        try (MeterSlab slab = MeterSlab.create()) {
            long h = slab.allocate(new Meter(1, new Counter(10, 20, 30)));
            assertEquals(10, slab.counterHitsGetAndAdd(h, 5));
            assertTrue(slab.ref(h).counterMissesCompareAndSet(20, 21));
            assertEquals(new Meter(1, new Counter(15, 21, 30)), slab.get(h));
            assertEquals(15, slab.counterHitsAcquire(h));
        }
    }

    static void overAligned() {
        assertEquals(16, Wide16Slab.SLOT_SIZE);
        assertEquals(16, Wide16Slab.SLOT_ALIGNMENT);
        assertEquals(16, Wide16Slab.LAYOUT.byteAlignment());
        assertEquals(16, Wide16Slab.LAYOUT.byteSize());
        assertEquals(32, HoldsWideSlab.SLOT_SIZE);
        assertEquals(16, HoldsWideSlab.SLOT_ALIGNMENT);
        assertEquals(HoldsWideSlab.SLOT_ALIGNMENT, HoldsWideSlab.LAYOUT.byteAlignment());
        assertEquals(16, HoldsWideSlab.LAYOUT.byteOffset(PathElement.groupElement("inner")));
        assertEquals(320, MemoryLayout.sequenceLayout(10, HoldsWideSlab.LAYOUT).byteSize());
        try (HoldsWideSlab slab = HoldsWideSlab.create()) {
            long h = slab.allocate(new HoldsWide(3, new Wide16(4)));
            assertEquals(0, slab.segment(h).address() % 16);
            assertEquals(new HoldsWide(3, new Wide16(4)), slab.get(h));
            assertEquals(4, slab.innerA(h));
        }
    }

    static void names() {
        try (Outer_PointSlab outer = Outer_PointSlab.create(); Other_PointSlab other = Other_PointSlab.create();
             NamedCache named = NamedCache.create()) {
            long a = outer.allocate(new Outer.Point(1, 2));
            long b = other.allocate(new Other.Point(3, 4));
            long c = named.allocate(new Named(5));
            assertEquals(new Outer.Point(1, 2), outer.get(a));
            assertEquals(new Other.Point(3, 4), other.get(b));
            assertEquals(5, named.value(c));
            assertFalse(outer.isLive(b));
            assertEquals(1024, Other_PointSlab.SLAB_SIZE);
        }
    }

    /** allocate(value) hands the components to a helper whose locals they must not collide with. */
    static void componentsNamedLikeGeneratedLocals() {
        try (LocalsSlab cache = LocalsSlab.create()) {
            long h = cache.allocate(new Locals(7L, 2.5, 9, 11));
            assertEquals(new Locals(7L, 2.5, 9, 11), cache.get(h));
            assertEquals(7L, cache.slab(h));
            assertEquals(11, cache.value(h));
        }
    }

    static long privateLong(Class<?> type, String name) {
        try {
            java.lang.reflect.Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field.getLong(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
