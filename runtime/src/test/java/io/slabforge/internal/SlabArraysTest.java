package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The array copies of generated accessors: every element type round-trips at an offset inside the slot, lands
 * where the field accessors read it, leaves the neighbouring slot alone, and rejects null or wrong-length arrays
 * with the component's name. Runs in both executions (with and without native access: direct and region paths).
 */
class SlabArraysTest {
    /** 64-byte slots: 16 bytes of other fields, then one 48-byte array area. */
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(64, 8, 4096);
    private static final long OFFSET = 16;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void everyElementTypeRoundTripsAndLandsInItsSlot(Configuration c) {
        try (SlabEngine engine = c.builder(GEOMETRY).build()) {
            long h = engine.allocate();
            long neighbour = engine.allocate();
            engine.setLong(GEOMETRY, neighbour, 0, -1L);

            boolean[] z = {true, false, true, true};
            SlabArrays.copyIn(engine, GEOMETRY, h, OFFSET, z, 4, "T.z");
            assertArrayEquals(z, SlabArrays.copyOut(engine, GEOMETRY, h, OFFSET, new boolean[4]));
            assertTrue(engine.getBoolean(GEOMETRY, h, OFFSET + 3));

            byte[] b = {1, -2, 3, -4, 5};
            SlabArrays.copyIn(engine, GEOMETRY, h, OFFSET, b, 5, "T.b");
            assertArrayEquals(b, SlabArrays.copyOut(engine, GEOMETRY, h, OFFSET, new byte[5]));
            assertEquals((byte) -4, engine.getByte(GEOMETRY, h, OFFSET + 3));

            short[] s = {1, -2, Short.MAX_VALUE};
            SlabArrays.copyIn(engine, GEOMETRY, h, OFFSET, s, 3, "T.s");
            assertArrayEquals(s, SlabArrays.copyOut(engine, GEOMETRY, h, OFFSET, new short[3]));
            assertEquals(Short.MAX_VALUE, engine.getShort(GEOMETRY, h, OFFSET + 4));

            char[] ch = {'a', '\u00e9', '\uffff'};
            SlabArrays.copyIn(engine, GEOMETRY, h, OFFSET, ch, 3, "T.ch");
            assertArrayEquals(ch, SlabArrays.copyOut(engine, GEOMETRY, h, OFFSET, new char[3]));
            assertEquals('\u00e9', engine.getChar(GEOMETRY, h, OFFSET + 2));

            int[] i = {7, Integer.MIN_VALUE, 9};
            SlabArrays.copyIn(engine, GEOMETRY, h, OFFSET, i, 3, "T.i");
            assertArrayEquals(i, SlabArrays.copyOut(engine, GEOMETRY, h, OFFSET, new int[3]));
            assertEquals(Integer.MIN_VALUE, engine.getInt(GEOMETRY, h, OFFSET + 4));

            float[] f = {1.5f, Float.NaN, -0.0f};
            SlabArrays.copyIn(engine, GEOMETRY, h, OFFSET, f, 3, "T.f");
            assertArrayEquals(f, SlabArrays.copyOut(engine, GEOMETRY, h, OFFSET, new float[3]));

            long[] l = {Long.MAX_VALUE, 2, 3, 4, 5, 6}; // the whole 48-byte area
            SlabArrays.copyIn(engine, GEOMETRY, h, OFFSET, l, 6, "T.l");
            assertArrayEquals(l, SlabArrays.copyOut(engine, GEOMETRY, h, OFFSET, new long[6]));
            assertEquals(6L, engine.getLong(GEOMETRY, h, OFFSET + 40));

            double[] d = {Math.PI, Double.MIN_VALUE};
            SlabArrays.copyIn(engine, GEOMETRY, h, OFFSET, d, 2, "T.d");
            assertArrayEquals(d, SlabArrays.copyOut(engine, GEOMETRY, h, OFFSET, new double[2]));
            assertEquals(Math.PI, engine.getDouble(GEOMETRY, h, OFFSET));

            assertEquals(-1L, engine.getLong(GEOMETRY, neighbour, 0), "the neighbouring slot is untouched");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Configuration.class, names = {"CONFINED", "LOCKED_STRIPED"})
    void copyOutReturnsTheArrayItWasGiven(Configuration c) {
        try (SlabEngine engine = c.builder(GEOMETRY).build()) {
            long h = engine.allocate();
            int[] into = new int[4];
            assertSame(into, SlabArrays.copyOut(engine, GEOMETRY, h, OFFSET, into));
            boolean[] flags = new boolean[2];
            assertSame(flags, SlabArrays.copyOut(engine, GEOMETRY, h, OFFSET, flags));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Configuration.class, names = {"CONFINED", "LOCKED_STRIPED"})
    void nullOrWrongLengthIsRejectedWithTheComponentName(Configuration c) {
        try (SlabEngine engine = c.builder(GEOMETRY).build()) {
            long h = engine.allocate();
            engine.setLong(GEOMETRY, h, OFFSET, 42L);
            NullPointerException npe = assertThrowsExactly(NullPointerException.class,
                    () -> SlabArrays.copyIn(engine, GEOMETRY, h, OFFSET, (long[]) null, 4, "Page.values"));
            assertEquals("Page.values is null; a slot stores exactly 4 elements inline", npe.getMessage());
            IllegalArgumentException iae = assertThrowsExactly(IllegalArgumentException.class,
                    () -> SlabArrays.copyIn(engine, GEOMETRY, h, OFFSET, new long[3], 4, "Page.values"));
            assertEquals("Page.values has 3 elements; @Length(4) needs exactly 4", iae.getMessage());
            assertThrowsExactly(IllegalArgumentException.class,
                    () -> SlabArrays.copyIn(engine, GEOMETRY, h, OFFSET, new boolean[5], 4, "Page.flags"));
            assertEquals(42L, engine.getLong(GEOMETRY, h, OFFSET), "a rejected array writes nothing");
        }
    }
}
