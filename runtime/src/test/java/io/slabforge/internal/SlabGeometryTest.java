package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Slab geometry (a slab holds slots and nothing else) and the handle format. */
@ExtendWith(Seeds.class)
class SlabGeometryTest {

    @ParameterizedTest(name = "of({0}, {1}, {2}) = {3} slots, {4} bits")
    @CsvSource({
            // slotSize, slotAlignment, slabSize, slotsPerSlab, slotBits
            "32, 8, 4096, 128, 7",                // 4096 / 32, no tail
            "4, 4, 64, 16, 4",                    // the smallest slot
            "64, 64, 4096, 64, 6",
            "24, 8, 65536, 2730, 12",             // 2730 * 24 = 65520: a 16-byte tail
            "4096, 4096, 8192, 2, 1",
            "4096, 4096, 4096, 1, 0",             // one slot fills the slab: no header to make room for
            "4, 4, 16777216, 4194304, 22",        // the largest slab: 2^22 slot indices, 64 slabs
            "40, 8, 1024, 25, 5",                 // 25 * 40 = 1000: a 24-byte tail
    })
    void numbers(long slotSize, long slotAlignment, long slabSize, int slots, int bits) {
        SlabGeometry g = SlabGeometry.of(slotSize, slotAlignment, slabSize);
        assertEquals(slots, g.slotsPerSlab(), "slotsPerSlab");
        assertEquals(bits, g.slotBits(), "slotBits");
        assertEquals(slabSize - slots * slotSize, g.overheadBytes(), "overheadBytes");
        assertEquals(1 << (HandleFormat.INDEX_BITS - bits), g.maxSlabs(), "maxSlabs");
    }

    /** Every valid geometry in a broad sweep is tight: slots fill the slab, one more would not fit. */
    @Test
    void sweepIsConsistentAndMaximal() {
        int checked = 0;
        for (long slab = 64; slab <= SlabGeometry.MAX_SLAB_SIZE; slab <<= 1) {
            for (long align = 4; align <= 4096; align <<= 1) {
                for (long slot = align; slot <= Math.min(2 * slab, 8192); slot += align) {
                    if (slab < SlabGeometry.minimumSlabBytes(slot, align)) {
                        long s = slot;
                        long a = align;
                        long b = slab;
                        assertThrows(IllegalArgumentException.class, () -> SlabGeometry.of(s, a, b));
                        assertTrue(slot > slab, "only a slot larger than the slab is refused");
                        continue;
                    }
                    SlabGeometry g = SlabGeometry.of(slot, align, slab);
                    int n = g.slotsPerSlab();
                    assertTrue(n >= 1, g::toString);
                    assertTrue(n * slot <= slab, g::toString);
                    assertTrue((n + 1) * slot > slab, () -> g + " could hold one more slot");
                    assertTrue((1L << g.slotBits()) >= n && (g.slotBits() == 0 || (1L << (g.slotBits() - 1)) < n),
                            g::toString);
                    assertTrue(g.maxSlabs() >= 64, () -> g + " leaves too few slab indices");
                    assertEquals(slab - n * slot, g.overheadBytes());
                    assertTrue(g.overheadBytes() < slot, "the tail is less than a slot");
                    assertEquals(g, SlabGeometry.of(slot, align, slab));
                    checked++;
                }
            }
        }
        assertTrue(checked > 10_000, "swept " + checked);
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
            "8192 | 8 | 4096 | slab size 4096 is too small for one 8192-byte slot; use 8192",
            "24 | 8 | 16 | slab size 16 is too small for one 24-byte slot; use 32",
            "4104 | 8 | 4096 | slab size 4096 is too small for one 4104-byte slot; use 8192",
    })
    void errorsNameTheValueTheLimitAndTheFix(long slotSize, long slotAlignment, long slabSize, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlabGeometry.of(slotSize, slotAlignment, slabSize));
        assertTrue(e.getMessage().startsWith(message), () -> "message was: " + e.getMessage());
    }

    @Test
    void engineRefusesAGeometryThatDisagreesWithOf() {
        SlabGeometry forged = new SlabGeometry(32, 8, 4096, 129, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlabEngine.builder(forged).build());
        assertTrue(e.getMessage().contains("disagrees"), e.getMessage());
    }

    @Test
    void requireContract() {
        assertEquals(SlabGeometry.of(32, 8, 4096),
                SlabEngine.requireContract(SlabEngine.CONTRACT_VERSION, "demo.PointSlab", 32, 8, 4096, 128));

        IllegalStateException version = assertThrows(IllegalStateException.class,
                () -> SlabEngine.requireContract(SlabEngine.CONTRACT_VERSION + 1, "demo.PointSlab", 32, 8, 4096, 128));
        assertTrue(version.getMessage().contains("demo.PointSlab"), version.getMessage());
        assertTrue(version.getMessage().contains("contract " + (SlabEngine.CONTRACT_VERSION + 1)),
                version.getMessage());
        assertTrue(version.getMessage().contains("implements contract " + SlabEngine.CONTRACT_VERSION),
                version.getMessage());

        IllegalStateException slots = assertThrows(IllegalStateException.class,
                () -> SlabEngine.requireContract(SlabEngine.CONTRACT_VERSION, "demo.PointSlab", 32, 8, 4096, 113));
        assertTrue(slots.getMessage().contains("113 slots per slab")
                && slots.getMessage().contains("lays out 128"), slots.getMessage());

        assertThrows(IllegalArgumentException.class,
                () -> SlabEngine.requireContract(SlabEngine.CONTRACT_VERSION, "demo.PointSlab", 32, 8, 3000, 128));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Handle format

    @Test
    void theHandleFieldsFillALongExactly() {
        assertEquals(64, HandleFormat.INDEX_BITS + HandleFormat.GENERATION_BITS + (64 - HandleFormat.TAG_SHIFT));
        assertEquals(4095, HandleFormat.MAX_TAG);
        assertEquals(SlabEngine.MAX_OPEN_CACHES, HandleFormat.MAX_TAG);
        assertEquals(1L << HandleFormat.GENERATION_BITS, SlabEngine.GENERATIONS);
        assertEquals(0, HandleFormat.TAG_MASK & ((long) HandleFormat.GENERATION_MASK << HandleFormat.GENERATION_SHIFT));
        assertEquals(0, HandleFormat.TAG_MASK & HandleFormat.INDEX_MASK);
        assertEquals(-1L, HandleFormat.TAG_MASK | (long) HandleFormat.GENERATION_MASK << HandleFormat.GENERATION_SHIFT
                | HandleFormat.INDEX_MASK);
    }

    @Test
    void encodeAndDecodeRoundTrip() {
        SplittableRandom random = Seeds.random("handle format");
        for (int i = 0; i < 100_000; i++) {
            int tag = random.nextInt(1, HandleFormat.MAX_TAG + 1);
            int generation = random.nextInt(1 << HandleFormat.GENERATION_BITS);
            int index = random.nextInt(1 << HandleFormat.INDEX_BITS);
            long h = HandleFormat.handle(HandleFormat.tagBits(tag), HandleFormat.LIVE | generation, index);
            assertNotEquals(0, h, "no handle is 0");
            if (HandleFormat.tag(h) != tag || HandleFormat.generation(h) != generation
                    || HandleFormat.index(h) != index || HandleFormat.liveWord(h) != (HandleFormat.LIVE | generation)) {
                throw new AssertionError(Seeds.msg("round trip of " + tag + "/" + generation + "/" + index));
            }
        }
        long h = HandleFormat.handle(HandleFormat.tagBits(0xABC), 0x123456, 5 << 7 | 9);
        assertEquals("0xabc1234560000289 (cache tag 2748, slab 5, slot 9, generation 1193046)",
                HandleFormat.describe(h, 7));
    }

    @Test
    void generationWords() {
        assertTrue(HandleFormat.isFreeWord(0));
        assertTrue(HandleFormat.isFreeWord(HandleFormat.GENERATION_MASK));
        assertFalse(HandleFormat.isFreeWord(HandleFormat.LIVE));
        assertFalse(HandleFormat.isFreeWord(HandleFormat.RETIRED), "retired is not free");
        assertEquals(0, HandleFormat.RETIRED & HandleFormat.LIVE, "retired is not live");
        assertEquals(1, HandleFormat.nextGeneration(HandleFormat.LIVE));
        assertEquals(0, HandleFormat.nextGeneration(HandleFormat.LIVE | HandleFormat.GENERATION_MASK));
        for (int g : new int[] {0, 1, 77, HandleFormat.GENERATION_MASK}) {
            long h = HandleFormat.handle(HandleFormat.tagBits(1), HandleFormat.LIVE | g, 3);
            assertNotEquals(HandleFormat.RETIRED, HandleFormat.liveWord(h), "no handle matches a retired word");
        }
    }
}
