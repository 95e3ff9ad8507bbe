package io.slabforge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlabGeometryTest {

    @ParameterizedTest(name = "of({0}, {1}, {2}) = {3} slots at {4}, {5} bits")
    @CsvSource({
            // slotSize, slotAlignment, slabSize, slotsPerSlab, slotsOffset, slotBits
            "32, 8, 4096, 113, 480, 7",           // (4096-28)/36 = 113; 28 + 113*4 = 480; 480 + 113*32 = 4096
            "4, 4, 64, 4, 44, 2",                 // smallest slot: 28 + 4*4 = 44; 44 + 16 = 60
            "64, 64, 4096, 59, 320, 6",           // 28 + 59*4 = 264, aligned up to 320; 320 + 59*64 = 4096
            "24, 8, 65536, 2339, 9384, 12",       // 28 + 2339*4 = 9384; 9384 + 2339*24 = 65520
            "4096, 4096, 8192, 1, 4096, 0",       // one slot: header padded to the slot alignment
            "4, 4, 16777216, 2097148, 8388620, 21", // the largest slab: 2^21 slot indices
            "40, 8, 1024, 22, 120, 5",            // (1024-28)/44 = 22; 28 + 88 = 116 -> 120; 120 + 880 = 1000
    })
    void numbers(long slotSize, long slotAlignment, long slabSize, int slots, long offset, int bits) {
        SlabGeometry g = SlabGeometry.of(slotSize, slotAlignment, slabSize);
        assertEquals(slots, g.slotsPerSlab(), "slotsPerSlab");
        assertEquals(offset, g.slotsOffset(), "slotsOffset");
        assertEquals(bits, g.slotBits(), "slotBits");
        assertEquals(slabSize - slots * slotSize, g.overheadBytes(), "overheadBytes");
    }

    /** Every valid geometry in a broad sweep is tight: slots aligned, nothing overlaps, one more slot would not fit. */
    @Test
    void sweepIsConsistentAndMaximal() {
        int checked = 0;
        for (long slab = 64; slab <= 1 << 20; slab <<= 1) {
            for (long align = 4; align <= 4096; align <<= 1) {
                for (long slot = align; slot <= Math.min(slab, 8192); slot += align) {
                    if (slab < SlabGeometry.minimumSlabBytes(slot, align)) {
                        long s = slot;
                        long a = align;
                        long b = slab;
                        assertThrows(IllegalArgumentException.class, () -> SlabGeometry.of(s, a, b));
                        continue;
                    }
                    SlabGeometry g = SlabGeometry.of(slot, align, slab);
                    int n = g.slotsPerSlab();
                    assertTrue(n >= 1, g::toString);
                    assertEquals(0, g.slotsOffset() % align, g::toString);
                    assertTrue(g.slotsOffset() >= SlabGeometry.HEADER_FIXED_BYTES + 4L * n, g::toString);
                    assertTrue(g.slotsOffset() + n * slot <= slab, g::toString);
                    long more = (SlabGeometry.HEADER_FIXED_BYTES + 4L * (n + 1) + align - 1) & -align;
                    assertTrue(more + (n + 1) * slot > slab, () -> g + " could hold one more slot");
                    assertTrue((1L << g.slotBits()) >= n && (g.slotBits() == 0 || (1L << (g.slotBits() - 1)) < n),
                            g::toString);
                    assertEquals(SlabGeometry.HEADER_FIXED_BYTES + 4L * (n - 1), g.generationOffset(n - 1));
                    // slotOffset reads only the slot bits: tag, generation and slab index do not move it
                    long handle = -1L << g.slotBits() | (n - 1);
                    assertEquals(g.slotsOffset() + (n - 1) * slot, g.slotOffset(handle), g::toString);
                    assertEquals(g, SlabGeometry.of(slot, align, slab));
                    checked++;
                }
            }
        }
        assertTrue(checked > 10_000, "swept " + checked);
    }

    @Test
    void slotOffsetOfEverySlot() {
        SlabGeometry g = SlabGeometry.of(24, 8, 4096);
        for (int slot = 0; slot < g.slotsPerSlab(); slot++) {
            long handle = 0xABCL << 52 | 0x123456L << 28 | 5L << g.slotBits() | slot;
            assertEquals(g.slotsOffset() + slot * 24L, g.slotOffset(handle));
        }
    }

    @ParameterizedTest(name = "of({0}, {1}, {2}) fails: {3}")
    @CsvSource(delimiter = '|', value = {
            "2 | 4 | 4096 | slot size 2 must be at least 4 and a multiple of the slot alignment 4",
            "12 | 8 | 4096 | slot size 12 must be at least 4 and a multiple of the slot alignment 8",
            "0 | 4 | 4096 | slot size 0 must be at least 4",
            "-8 | 4 | 4096 | slot size -8 must be at least 4",
            "8 | 2 | 4096 | slot alignment 2 must be a power of two of at least 4",
            "24 | 12 | 4096 | slot alignment 12 must be a power of two of at least 4",
            "8 | 0 | 4096 | slot alignment 0 must be a power of two of at least 4",
            "8 | 8 | 3000 | slab size 3000 is not a power of two",
            "8 | 8 | 0 | slab size 0 is not a power of two",
            "8 | 8 | -4096 | slab size -4096 is not a power of two",
            "8 | 8 | 33554432 | slab size 33554432 is above the maximum 16777216",
            "4096 | 8 | 4096 | slab size 4096 is too small: the slab header and one 4096-byte slot need 4128 bytes;"
                    + " use 8192",
            "16 | 16 | 32 | slab size 32 is too small: the slab header and one 16-byte slot need 48 bytes; use 64",
            "4 | 4 | 32 | slab size 32 is too small: the slab header and one 4-byte slot need 36 bytes; use 64",
    })
    void errorsNameTheValueTheLimitAndTheFix(long slotSize, long slotAlignment, long slabSize, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlabGeometry.of(slotSize, slotAlignment, slabSize));
        assertTrue(e.getMessage().startsWith(message), () -> "message was: " + e.getMessage());
    }

    @Test
    void engineRefusesAGeometryThatDisagreesWithOf() {
        SlabGeometry forged = new SlabGeometry(32, 8, 4096, 114, 480, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlabEngine.builder(forged).build());
        assertTrue(e.getMessage().contains("disagrees"), e.getMessage());
    }

    @Test
    void requireContract() {
        assertEquals(SlabGeometry.of(32, 8, 4096),
                SlabEngine.requireContract(SlabEngine.CONTRACT_VERSION, "demo.PointSlab", 32, 8, 4096, 113));

        IllegalStateException version = assertThrows(IllegalStateException.class,
                () -> SlabEngine.requireContract(SlabEngine.CONTRACT_VERSION + 1, "demo.PointSlab", 32, 8, 4096, 113));
        assertTrue(version.getMessage().contains("demo.PointSlab"), version.getMessage());
        assertTrue(version.getMessage().contains("contract " + (SlabEngine.CONTRACT_VERSION + 1)),
                version.getMessage());
        assertTrue(version.getMessage().contains("implements contract " + SlabEngine.CONTRACT_VERSION),
                version.getMessage());

        IllegalStateException slots = assertThrows(IllegalStateException.class,
                () -> SlabEngine.requireContract(SlabEngine.CONTRACT_VERSION, "demo.PointSlab", 32, 8, 4096, 111));
        assertTrue(slots.getMessage().contains("111 slots per slab")
                && slots.getMessage().contains("lays out 113"), slots.getMessage());

        assertThrows(IllegalArgumentException.class,
                () -> SlabEngine.requireContract(SlabEngine.CONTRACT_VERSION, "demo.PointSlab", 32, 8, 3000, 113));
    }
}
