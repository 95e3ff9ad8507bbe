package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabOutOfMemoryException;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

/** The io.slabforge.* JFR events, read back with a RecordingStream. */
class SlabEventsTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(16, 8, 4096);

    @Test
    void slabsTakenAndGivenBackAreRecordedWithTheCacheNameBytesAndDuration() throws Exception {
        try (JfrCapture jfr = new JfrCapture("io.slabforge.SlabAcquire", "io.slabforge.SlabRelease")) {
            try (SlabEngine engine = SlabEngine.builder(GEOMETRY).name("events").reserveSlabs(0).build()) {
                long h = engine.allocate();
                engine.free(h); // the slab's last object: given back at once (no reserve)
                engine.allocate();
            } // and the second slab by close()
            RecordedEvent acquire = jfr.await("io.slabforge.SlabAcquire", e -> "events".equals(e.getString("cache")));
            assertEquals(4096, acquire.getLong("bytes"));
            assertEquals(1, acquire.getLong("slabsHeld"));
            assertTrue(!acquire.getDuration().isNegative());
            jfr.await("io.slabforge.SlabRelease", e -> "events".equals(e.getString("cache")));
            LogCapture.settle();
            assertEquals(2, named(jfr.events("io.slabforge.SlabAcquire"), "events").size());
            List<RecordedEvent> releases = named(jfr.events("io.slabforge.SlabRelease"), "events");
            assertEquals(2, releases.size());
            assertEquals(0, releases.get(1).getLong("slabsHeld"));
            assertEquals(4096, releases.get(1).getLong("bytes"));
        }
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String cache) {
        return events.stream().filter(e -> cache.equals(e.getString("cache"))).toList();
    }

    @Test
    void outOfMemoryIsRecordedWhenTheExceptionIsMadeNotForTryAllocate() throws Exception {
        try (JfrCapture jfr = new JfrCapture("io.slabforge.OutOfMemory");
             SlabEngine engine = SlabEngine.builder(GEOMETRY).name("small").maxBytes(4096).build()) {
            for (int i = 0; i < GEOMETRY.slotsPerSlab(); i++) {
                engine.allocate();
            }
            assertEquals(0, engine.tryAllocate());
            assertThrowsExactly(SlabOutOfMemoryException.class, engine::allocate);
            RecordedEvent oom = jfr.await("io.slabforge.OutOfMemory", e -> "small".equals(e.getString("cache")));
            assertTrue(oom.getString("reason").startsWith("maxBytes 4096 reached: 1 slabs of 4096 bytes held"),
                    oom.getString("reason"));
            LogCapture.settle();
            assertEquals(1, named(jfr.events("io.slabforge.OutOfMemory"), "small").size(), "none for tryAllocate");
        }
    }

    @Test
    void invalidHandlesAreRecordedInHexWithTheReason() throws Exception {
        try (JfrCapture jfr = new JfrCapture("io.slabforge.InvalidHandle");
             SlabEngine engine = SlabEngine.builder(GEOMETRY).name("strict").build()) {
            long h = engine.allocate();
            engine.free(h);
            assertThrowsExactly(InvalidHandleException.class, () -> engine.free(h));
            assertThrowsExactly(InvalidHandleException.class, () -> engine.getLong(12345, 0));
            RecordedEvent doubleFree = jfr.await("io.slabforge.InvalidHandle",
                    e -> ("0x" + Long.toHexString(h)).equals(e.getString("handle")));
            assertEquals("strict", doubleFree.getString("cache"));
            assertEquals("it was freed (use after free or double free)", doubleFree.getString("reason"));
            RecordedEvent garbage = jfr.await("io.slabforge.InvalidHandle", e -> "0x3039".equals(e.getString("handle")));
            assertEquals("no cache makes handles with tag 0 (a random long?)", garbage.getString("reason"));
        }
    }

    @Test
    void aRebuiltFreeListIsRecordedAsARepair() throws Exception {
        try (JfrCapture jfr = new JfrCapture("io.slabforge.Repair");
             SlabEngine engine = SlabEngine.builder(GEOMETRY).name("repaired").build()) {
            engine.allocate();
            engine.pool(0).rebuildFreeList(0); // what a damaged link found by an allocation triggers
            RecordedEvent repair = jfr.await("io.slabforge.Repair", e -> "repaired".equals(e.getString("cache")));
            assertEquals("free list", repair.getString("kind"));
            assertEquals("free list of slab 0 rebuilt from the generation words", repair.getString("description"));
            SlabEvents.repair("orders", "file", "recovered 3 live slots"); // the entry point internal code uses
            RecordedEvent file = jfr.await("io.slabforge.Repair", e -> "orders".equals(e.getString("cache")));
            assertEquals("file", file.getString("kind"));
            assertEquals("recovered 3 live slots", file.getString("description"));
        }
    }

    @Test
    void anUnnamedCacheIsNamedByItsTypeAndTag() throws Exception {
        try (JfrCapture jfr = new JfrCapture("io.slabforge.SlabAcquire");
             SlabEngine engine = SlabEngine.builder(GEOMETRY).build()) {
            engine.allocate();
            jfr.await("io.slabforge.SlabAcquire", e -> ("SlabEngine#" + engine.tag()).equals(e.getString("cache")));
        }
    }
}
