package io.slabforge;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link SlabEngine#allocatedSlab} skips re-reading the generation word only for the handle the last allocation
 * returned while nothing was freed since; every other handle is checked exactly as by {@link SlabEngine#slabOf}.
 */
class AllocatedSlabTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);

    @ParameterizedTest
    @EnumSource(SlabSync.class)
    void theLastAllocationGetsItsSlab(SlabSync sync) {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(sync).build()) {
            for (int i = 0; i < 3 * GEOMETRY.slotsPerSlab(); i++) { // crosses slab switches
                long h = i % 2 == 0 ? engine.allocate() : engine.allocateUninitialized();
                assertSame(engine.slabOf(h), engine.allocatedSlab(h));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SlabSync.class)
    void aFreedHandleIsCaughtEvenIfItWasTheLastAllocated(SlabSync sync) {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(sync).build()) {
            long h = engine.allocate();
            engine.free(h);
            assertThrows(InvalidHandleException.class, () -> engine.allocatedSlab(h));
        }
    }

    @Test
    void anOlderOrForeignOrZeroHandleIsFullyChecked() {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(SlabSync.NONE).build();
             SlabEngine other = SlabEngine.builder(GEOMETRY).sync(SlabSync.NONE).build()) {
            long older = engine.allocate();
            long freed = engine.allocate();
            long last = engine.allocate();
            engine.free(freed);
            assertSame(engine.slabOf(older), engine.allocatedSlab(older));
            assertThrows(InvalidHandleException.class, () -> engine.allocatedSlab(freed));
            assertThrows(InvalidHandleException.class, () -> engine.allocatedSlab(0));
            assertThrows(InvalidHandleException.class, () -> engine.allocatedSlab(other.allocate()));
            assertThrows(InvalidHandleException.class, () -> engine.allocatedSlab(last ^ (1L << 30)));
            assertSame(engine.slabOf(last), engine.allocatedSlab(last));
        }
    }

    @Test
    void afterCloseItThrows() {
        SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(SlabSync.NONE).build();
        long h = engine.allocate();
        engine.close();
        assertThrows(IllegalStateException.class, () -> engine.allocatedSlab(h));
    }

    @Test
    void aConfinedCacheRefusesOtherThreads() throws InterruptedException {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(SlabSync.CONFINED).build()) {
            long h = engine.allocate();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> CompletableFuture.runAsync(() -> engine.allocatedSlab(h)).get());
            assertSame(WrongThreadException.class, e.getCause().getClass());
        }
    }
}
