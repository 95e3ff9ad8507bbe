package io.slabforge.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.SlabEngine;
import io.slabforge.SlabGeometry;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The processor's copy of the slab geometry formula agrees with the runtime's {@link SlabGeometry#of}. */
class GeometryMirrorTest {

    @Test
    void constantsMatchRuntime() {
        assertEquals(SlabGeometry.HEADER_FIXED_BYTES, SlabGeometryMath.HEADER_FIXED_BYTES);
        assertEquals(SlabGeometry.GENERATION_WORD_BYTES, SlabGeometryMath.GENERATION_WORD_BYTES);
        assertEquals(SlabGeometry.MIN_SLOT_SIZE, SlabGeometryMath.MIN_SLOT_SIZE);
        assertEquals(SlabGeometry.MIN_SLOT_ALIGNMENT, SlabGeometryMath.MIN_SLOT_ALIGNMENT);
        assertEquals(SlabGeometry.MAX_SLAB_SIZE, SlabGeometryMath.MAX_SLAB_SIZE);
        assertEquals(SlabEngine.CONTRACT_VERSION, Names.CONTRACT_VERSION);
    }

    @Test
    void everySmallGeometryMatches() {
        int compared = 0;
        for (long alignment = 4; alignment <= 256; alignment <<= 1) {
            for (long slot = alignment; slot <= 1024; slot += alignment) {
                for (long slab = 64; slab <= 1 << 16; slab <<= 1) {
                    compare(slot, alignment, slab);
                    compared++;
                }
            }
        }
        assertTrue(compared > 2000, "compared " + compared);
    }

    @Test
    void randomGeometriesMatch() {
        SplittableRandom random = new SplittableRandom(20261121L);
        for (int i = 0; i < 20_000; i++) {
            long alignment = 4L << random.nextInt(8);
            long slot = alignment * (1 + random.nextLong(1 + (1 << 16) / alignment));
            long slab = 1L << (5 + random.nextInt(20));
            compare(slot, alignment, slab);
        }
    }

    private static void compare(long slot, long alignment, long slab) {
        long minimum = SlabGeometryMath.minimumSlabBytes(slot, alignment);
        assertEquals(SlabGeometry.minimumSlabBytes(slot, alignment), minimum);
        if (slab < minimum) {
            assertThrows(IllegalArgumentException.class, () -> SlabGeometry.of(slot, alignment, slab),
                    () -> slot + "/" + alignment + "/" + slab);
            return;
        }
        SlabGeometry runtime = SlabGeometry.of(slot, alignment, slab);
        int slots = SlabGeometryMath.slotsPerSlab(slot, alignment, slab);
        String what = "slot " + slot + " align " + alignment + " slab " + slab;
        assertEquals(runtime.slotsPerSlab(), slots, what);
        assertEquals(runtime.slotsOffset(), SlabGeometryMath.slotsOffset(slots, alignment), what);
        // what the generated class hands to requireContract is accepted
        assertEquals(runtime, SlabEngine.requireContract(Names.CONTRACT_VERSION, "T", slot, alignment, slab, slots));
    }
}
