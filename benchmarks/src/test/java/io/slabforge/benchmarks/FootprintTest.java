package io.slabforge.benchmarks;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.SlabSync;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The footprint program's reading of resident memory by mapping ({@code /proc/self/smaps}). */
@EnabledOnOs(OS.LINUX)
class FootprintTest {

    @Test
    void theMappingsHoldingACachesParticlesAreAtLeastItsTouchedSlabs() throws Exception {
        int live = 200_000;
        try (SlabforgeStore store = new SlabforgeStore(live, SlabSync.CONFINED, true)) {
            for (int i = 0; i < live; i++) {
                store.allocate(i, i, 2, 3, i, 7);
            }
            long resident = Footprint.residentInMappingsHolding(store::address, live);
            // Every slab was written (its header and slots), so every one of its pages is resident.
            assertTrue(resident >= store.reservedBytes(),
                    resident + " bytes resident in the mappings, " + store.reservedBytes() + " reserved");
        }
    }

    @Test
    void countsTheWholeMappingOnceHoweverManyParticlesItHolds() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(1 << 20, 4096);
            block.fill((byte) 1); // resident
            long once = Footprint.residentInMappingsHolding(i -> block.address(), 1);
            long many = Footprint.residentInMappingsHolding(i -> block.address() + 32L * i, 1000);
            assertTrue(once >= block.byteSize(), once + " bytes for a touched 1 MiB block");
            // The mapping (malloc's, shared with the JVM) may grow a little between the readings; counted per
            // particle it would be a thousand times larger.
            assertTrue(many < 2 * once, many + " bytes for 1000 particles in one mapping of " + once);
        }
    }

    @Test
    void refusesAnAddressInNoMapping() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Footprint.residentInMappingsHolding(i -> 8, 1));
        assertTrue(e.getMessage().contains("is in no mapping"), e.getMessage());
    }
}
