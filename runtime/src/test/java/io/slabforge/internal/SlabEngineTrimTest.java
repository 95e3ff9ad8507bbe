package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.SlabSync;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link SlabEngine#trim()}: every kept empty slab goes back, no slab with a live object does. */
class SlabEngineTrimTest {

    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);

    @ParameterizedTest
    @EnumSource(SlabSync.class)
    void trimGivesBackTheKeptEmptySlabsOnly(SlabSync sync) {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(sync).reserveSlabs(3).build()) {
            int perSlab = GEOMETRY.slotsPerSlab();
            List<Long> handles = new ArrayList<>();
            for (int i = 0; i < 5 * perSlab; i++) {
                handles.add(engine.allocate());
            }
            long survivor = handles.get(0);
            engine.setLong(survivor, 0, 42L);
            handles.subList(1, handles.size()).forEach(engine::free);
            long slabsBefore = engine.stats().slabs();
            assertTrue(slabsBefore >= 2 && slabsBefore <= 1 + 3L * engine.stripeCount(), "kept: " + slabsBefore);

            long released = engine.trim();
            assertEquals((slabsBefore - 1) * GEOMETRY.slabSize(), released);
            assertEquals(1, engine.stats().slabs(), "only the survivor's slab stays");
            assertEquals(1, engine.stats().liveObjects());
            assertEquals(42L, engine.getLong(survivor, 0));
            assertEquals(0, engine.trim(), "nothing left to give back");

            // The trimmed engine serves on: new slabs come from the provider again.
            long fresh = engine.allocate();
            for (int i = 0; i < 2 * perSlab; i++) {
                engine.free(engine.allocate());
            }
            engine.free(fresh);
            engine.free(survivor);
            assertTrue(engine.trim() > 0);
            assertEquals(0, engine.stats().slabs());
        }
    }

    @ParameterizedTest
    @EnumSource(SlabSync.class)
    void trimAfterCloseFails(SlabSync sync) {
        SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(sync).build();
        engine.free(engine.allocate());
        engine.close();
        assertThrows(IllegalStateException.class, engine::trim);
    }
}
