package com.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabException;
import io.slabforge.SlabMemory;
import io.slabforge.SlabSync;
import io.slabforge.internal.SlabEngine;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** Every component type, embedded records, @Atomic, nested and custom cache names. */
public final class TypesChecks {
    private TypesChecks() {}

    public static Map<String, Runnable> checks() {
        Map<String, Runnable> checks = new LinkedHashMap<>();
        checks.put("every primitive, enum, array and embedded record round-trips", TypesChecks::roundTrip);
        checks.put("seeded random values of every type round-trip through every write and read path, at the"
                + " LAYOUT offsets, read back through aligned layouts, on every memory path", TypesChecks::seededRoundTrip);
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
        checks.put("padding of more than 64 bytes is zeroed by allocate(value)", TypesChecks::widePadding);
        checks.put("nested records get Outer_RecordSlab, cacheName is honoured", TypesChecks::names);
        checks.put("components named slab, base, engine, value do not collide with the generated allocate path"
                + " and helpers",
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

    static Order randomOrder(Random random) {
        byte[] symbol = new byte[8];
        random.nextBytes(symbol);
        return new Order(random.nextLong(), random.nextBoolean(), (byte) random.nextInt(), (short) random.nextInt(),
                (char) random.nextInt(), random.nextInt(), Float.intBitsToFloat(random.nextInt()),
                Double.longBitsToDouble(random.nextLong()), random.nextBoolean() ? Side.BUY : Side.SELL, symbol,
                new boolean[] {random.nextBoolean(), random.nextBoolean(), random.nextBoolean()},
                new char[] {(char) random.nextInt(), (char) random.nextInt()},
                random.ints(4).toArray(), random.longs(2).toArray(),
                new float[] {Float.intBitsToFloat(random.nextInt()), Float.intBitsToFloat(random.nextInt())},
                new double[] {Double.longBitsToDouble(random.nextLong()), Double.longBitsToDouble(random.nextLong())},
                new short[] {(short) random.nextInt(), (short) random.nextInt(), (short) random.nextInt()},
                new Vec3(Double.longBitsToDouble(random.nextLong()), random.nextDouble(), -random.nextDouble()));
    }

    /** A provider of the caller's own memory: the engine then goes through each slab's own segment. */
    static final class OwnMemory implements SlabMemory, AutoCloseable {
        private final Arena arena = Arena.ofShared();

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            return arena.allocate(byteSize, byteAlignment);
        }

        @Override
        public void free(MemorySegment segment) {}

        @Override
        public void close() {
            arena.close();
        }

        @Override
        public String toString() {
            return "OwnMemory";
        }
    }

    /**
     * Accessors read and write through the engine ({@code engine.getDouble(handle, OFFSET)}), which uses unaligned
     * layouts; this checks, for every type, that whatever path wrote a value, every path reads it back, and that it
     * sits where the C layout says: {@code LAYOUT}'s var handles are aligned, so they would throw on a misaligned
     * address. Runs on a provider's own segments, with and without handle checks, and on the region path (every
     * built-in cache without native access) or the direct path (with it, LOCKED caches included).
     */
    static void seededRoundTrip() {
        Random random = new Random(0x5EED_0A1E);
        try (OwnMemory own = new OwnMemory()) {
            List<OrderSlab> caches = List.of(OrderSlab.create(), OrderSlab.builder().sync(SlabSync.LOCKED).build(),
                    OrderSlab.builder().sync(SlabSync.NONE).checked(false).build(),
                    OrderSlab.builder().memory(own).build());
            boolean nativeAccess = SlabEngine.class.getModule().isNativeAccessEnabled();
            // A LOCKED cache is direct too where its private regions are mapped (native access on Linux/macOS).
            assertEquals(List.of(nativeAccess, nativeAccess, nativeAccess, false),
                    caches.stream().map(TypesChecks::isDirect).toList(), "direct path of each cache");
            for (OrderSlab slab : caches) {
                try (slab) {
                    roundTrip(slab, random);
                }
            }
        }
    }

    private static void roundTrip(OrderSlab slab, Random random) {
        List<Long> handles = new ArrayList<>();
        List<Order> values = new ArrayList<>();
        OrderSlab.Ref ref = slab.ref();
        for (int i = 0; i < 150; i++) {
            Order value = randomOrder(random);
            long h;
            switch (i % 4) {
                case 0 -> h = slab.allocate(value);
                case 1 -> {
                    h = slab.allocate();
                    slab.set(h, value);
                }
                case 2 -> {
                    h = slab.allocate();
                    writeEachComponent(slab, h, value);
                }
                default -> {
                    h = slab.allocate();
                    ref.wrap(h).id(value.id()).active(value.active()).b(value.b()).s(value.s()).c(value.c())
                            .qty(value.qty()).f(value.f()).price(value.price()).side(value.side())
                            .symbol(value.symbol()).flags(value.flags()).code(value.code()).ints(value.ints())
                            .longs(value.longs()).floats(value.floats()).doubles(value.doubles())
                            .shorts(value.shorts()).pos(value.pos());
                }
            }
            handles.add(h);
            values.add(value);
        }
        for (int i = 0; i < handles.size(); i++) {
            long h = handles.get(i);
            Order expected = values.get(i);
            assertOrder(expected, slab.get(h));
            assertOrder(expected, ref.wrap(h).toRecord());
            assertOrder(expected, readEachComponent(slab, h));
            assertAtLayoutOffsets(expected, slab.segment(h));
        }
        try (OrderSlab.Box box = slab.box()) {
            Order value = randomOrder(random);
            box.id(value.id()).active(value.active()).b(value.b()).s(value.s()).c(value.c()).qty(value.qty())
                    .f(value.f()).price(value.price()).side(value.side()).symbol(value.symbol())
                    .flags(value.flags()).code(value.code()).ints(value.ints()).longs(value.longs())
                    .floats(value.floats()).doubles(value.doubles()).shorts(value.shorts()).pos(value.pos());
            assertOrder(value, box.toRecord());
            assertEquals(value.price(), box.price());
            assertEquals(value.pos().z(), box.posZ());
            assertAtLayoutOffsets(value, slab.segment(box.handle()));
        }
    }

    /** Element by element and field by field, through the cache's per-component setters. */
    private static void writeEachComponent(OrderSlab slab, long h, Order v) {
        slab.id(h, v.id());
        slab.active(h, v.active());
        slab.b(h, v.b());
        slab.s(h, v.s());
        slab.c(h, v.c());
        slab.qty(h, v.qty());
        slab.f(h, v.f());
        slab.price(h, v.price());
        slab.side(h, v.side());
        for (int i = 0; i < 8; i++) {
            slab.symbol(h, i, v.symbol()[i]);
        }
        for (int i = 0; i < 3; i++) {
            slab.flags(h, i, v.flags()[i]);
            slab.shorts(h, i, v.shorts()[i]);
        }
        for (int i = 0; i < 2; i++) {
            slab.code(h, i, v.code()[i]);
            slab.longs(h, i, v.longs()[i]);
            slab.floats(h, i, v.floats()[i]);
            slab.doubles(h, i, v.doubles()[i]);
        }
        for (int i = 0; i < 4; i++) {
            slab.ints(h, i, v.ints()[i]);
        }
        slab.posX(h, v.pos().x());
        slab.posY(h, v.pos().y());
        slab.posZ(h, v.pos().z());
    }

    private static Order readEachComponent(OrderSlab slab, long h) {
        byte[] symbol = new byte[8];
        boolean[] flags = new boolean[3];
        short[] shorts = new short[3];
        char[] code = new char[2];
        long[] longs = new long[2];
        float[] floats = new float[2];
        double[] doubles = new double[2];
        int[] ints = new int[4];
        for (int i = 0; i < 8; i++) {
            symbol[i] = slab.symbol(h, i);
        }
        for (int i = 0; i < 3; i++) {
            flags[i] = slab.flags(h, i);
            shorts[i] = slab.shorts(h, i);
        }
        for (int i = 0; i < 2; i++) {
            code[i] = slab.code(h, i);
            longs[i] = slab.longs(h, i);
            floats[i] = slab.floats(h, i);
            doubles[i] = slab.doubles(h, i);
        }
        for (int i = 0; i < 4; i++) {
            ints[i] = slab.ints(h, i);
        }
        assertArrayEquals(symbol, slab.symbol(h));
        assertArrayEquals(ints, slab.ints(h));
        assertEquals(new Vec3(slab.posX(h), slab.posY(h), slab.posZ(h)), slab.pos(h));
        return new Order(slab.id(h), slab.active(h), slab.b(h), slab.s(h), slab.c(h), slab.qty(h), slab.f(h),
                slab.price(h), slab.side(h), symbol, flags, code, ints, longs, floats, doubles, shorts,
                new Vec3(slab.posX(h), slab.posY(h), slab.posZ(h)));
    }

    private static VarHandle field(String... path) {
        return OrderSlab.LAYOUT.varHandle(Stream.of(path).map(PathElement::groupElement)
                .toArray(PathElement[]::new));
    }

    private static VarHandle element(String array) {
        return OrderSlab.LAYOUT.varHandle(PathElement.groupElement(array), PathElement.sequenceElement());
    }

    /** Every value read through {@code LAYOUT}'s aligned var handles at its C offset in the slot. */
    private static void assertAtLayoutOffsets(Order v, MemorySegment slot) {
        assertEquals(v.id(), (long) field("id").get(slot, 0L));
        assertEquals(v.active(), (boolean) field("active").get(slot, 0L));
        assertEquals(v.b(), (byte) field("b").get(slot, 0L));
        assertEquals(v.s(), (short) field("s").get(slot, 0L));
        assertEquals(v.c(), (char) field("c").get(slot, 0L));
        assertEquals(v.qty(), (int) field("qty").get(slot, 0L));
        assertEquals(v.f(), (float) field("f").get(slot, 0L));
        assertEquals(v.price(), (double) field("price").get(slot, 0L));
        assertEquals(v.side().ordinal(), (byte) field("side").get(slot, 0L));
        for (int i = 0; i < 8; i++) {
            assertEquals(v.symbol()[i], (byte) element("symbol").get(slot, 0L, (long) i));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(v.flags()[i], (boolean) element("flags").get(slot, 0L, (long) i));
            assertEquals(v.shorts()[i], (short) element("shorts").get(slot, 0L, (long) i));
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(v.code()[i], (char) element("code").get(slot, 0L, (long) i));
            assertEquals(v.longs()[i], (long) element("longs").get(slot, 0L, (long) i));
            assertEquals(v.floats()[i], (float) element("floats").get(slot, 0L, (long) i));
            assertEquals(v.doubles()[i], (double) element("doubles").get(slot, 0L, (long) i));
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(v.ints()[i], (int) element("ints").get(slot, 0L, (long) i));
        }
        assertEquals(v.pos().x(), (double) field("pos", "x").get(slot, 0L));
        assertEquals(v.pos().y(), (double) field("pos", "y").get(slot, 0L));
        assertEquals(v.pos().z(), (double) field("pos", "z").get(slot, 0L));
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

    static void widePadding() {
        assertEquals(128, PaddedCounterSlab.SLOT_SIZE);
        assertEquals(128, PaddedCounterSlab.SLOT_ALIGNMENT);
        try (PaddedCounterSlab slab = PaddedCounterSlab.create()) {
            long h = slab.allocate();
            slab.segment(h).fill((byte) 0x5A);
            long address = slab.segment(h).address();
            slab.free(h);
            long reused = slab.allocate(new PaddedCounter(5));
            MemorySegment slot = slab.segment(reused);
            assertEquals(address, slot.address(), "the freed slot is reused, dirty");
            assertEquals(0, slot.address() % 128);
            for (long i = 8; i < 128; i++) {
                assertEquals(0, slot.get(ValueLayout.JAVA_BYTE, i), "padding byte " + i);
            }
            assertEquals(new PaddedCounter(5), slab.get(reused));
            assertEquals(5, slab.countGetAndAdd(reused, 1));
            assertEquals(6, slab.countVolatile(reused));
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

    private static boolean isDirect(OrderSlab slab) {
        return slab.isDirect();
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
