package io.slabforge.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.internal.SlabEngine;
import io.slabforge.internal.SlabGeometry;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The processor's copy of the slab geometry formula agrees with the runtime's {@link SlabGeometry#of}: a slab holds
 * slots only, {@code slabSize / slotSize} of them from offset 0, and the smallest slab holds one slot.
 */
class GeometryMirrorTest {

    @Test
    void constantsMatchRuntime() {
        assertEquals(SlabGeometry.MIN_SLOT_SIZE, SlabGeometryMath.MIN_SLOT_SIZE);
        assertEquals(SlabGeometry.MIN_SLOT_ALIGNMENT, SlabGeometryMath.MIN_SLOT_ALIGNMENT);
        assertEquals(SlabGeometry.MAX_SLAB_SIZE, SlabGeometryMath.MAX_SLAB_SIZE);
        assertEquals(SlabEngine.CONTRACT_VERSION, Names.CONTRACT_VERSION);
    }

    @Test
    void generatedCodeNamesTheRuntimeClassesWhereTheyAre() throws ClassNotFoundException {
        assertEquals(SlabEngine.class.getName(), Names.SLAB_ENGINE.canonicalName());
        assertEquals(SlabGeometry.class.getName(), Names.SLAB_GEOMETRY.canonicalName());
        for (var name : new com.palantir.javapoet.ClassName[] {Names.SLAB_BUILDER, Names.SLAB_BOX, Names.SLAB_STATS,
                Names.SLAB_EXCEPTION}) {
            Class.forName(name.reflectionName(), false, GeometryMirrorTest.class.getClassLoader());
        }
    }

    /** The boundaries the Validator reports on: one slot fits exactly, one byte less does not. */
    @Test
    void smallestSlabHoldsExactlyOneSlot() {
        assertEquals(32, SlabGeometryMath.minimumSlabBytes(32, 8));
        assertEquals(1, SlabGeometryMath.slotsPerSlab(32, 8, 32));
        assertEquals(1, SlabGeometry.of(32, 8, 32).slotsPerSlab());
        assertThrows(IllegalArgumentException.class, () -> SlabGeometry.of(64, 8, 32));
        assertEquals(128, SlabGeometryMath.slotsPerSlab(32, 8, 4096));
        assertEquals(1, SlabGeometryMath.slotsPerSlab(SlabGeometryMath.MAX_SLAB_SIZE, 8,
                SlabGeometryMath.MAX_SLAB_SIZE));
    }

    @Test
    void everySmallGeometryMatches() {
        int compared = 0;
        for (long alignment = 4; alignment <= 256; alignment <<= 1) {
            for (long slot = alignment; slot <= 1024; slot += alignment) {
                for (long slab = 4; slab <= 1 << 16; slab <<= 1) {
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
            long slab = 1L << (2 + random.nextInt(23));
            compare(slot, alignment, slab);
        }
    }

    private static void compare(long slot, long alignment, long slab) {
        String what = "slot " + slot + " align " + alignment + " slab " + slab;
        long minimum = SlabGeometryMath.minimumSlabBytes(slot, alignment);
        assertEquals(SlabGeometry.minimumSlabBytes(slot, alignment), minimum, what);
        if (slab < minimum) {
            assertThrows(IllegalArgumentException.class, () -> SlabGeometry.of(slot, alignment, slab), what);
            assertThrows(IllegalArgumentException.class,
                    () -> SlabEngine.requireContract(Names.CONTRACT_VERSION, "T", slot, alignment, slab, 0), what);
            return;
        }
        SlabGeometry runtime = SlabGeometry.of(slot, alignment, slab);
        int slots = SlabGeometryMath.slotsPerSlab(slot, alignment, slab);
        assertEquals(runtime.slotsPerSlab(), slots, what);
        // slots only: as many as fit, from offset 0, the unused tail shorter than one slot
        assertTrue(slots >= 1, what);
        assertTrue(slots * slot <= slab && (slots + 1) * slot > slab, what);
        assertEquals(slab - slots * slot, runtime.overheadBytes(), what);
        // what the generated class hands to requireContract is accepted
        assertEquals(runtime, SlabEngine.requireContract(Names.CONTRACT_VERSION, "T", slot, alignment, slab, slots));
    }
}
