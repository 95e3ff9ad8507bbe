package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabException;
import io.slabforge.SlabStats;
import io.slabforge.SlabSync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Generated caches kept in files: open, re-attach, flush, builder().file(...), openReadOnly, fingerprints. */
public final class PersistenceChecks {
    private PersistenceChecks() {}

    public static Map<String, Runnable> checks() {
        Map<String, Runnable> checks = new LinkedHashMap<>();
        checks.put("open, close, open again: same objects, handles and stats", PersistenceChecks::reattach);
        checks.put("builder().file(path).maxBytes(..).sync(LOCKED) and openReadOnly", PersistenceChecks::lockedAndReader);
        checks.put("a file of another record is refused, naming both", PersistenceChecks::otherRecord);
        checks.put("a cache that is not file-backed: flush does nothing", PersistenceChecks::inMemoryFlush);
        return checks;
    }

    private static Path tempFile(String name) {
        try {
            Path dir = Files.createTempDirectory("slabforge-behaviour");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(name);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void reattach() {
        Path path = tempFile("particles.slab");
        List<Long> handles = new ArrayList<>();
        long freed;
        SlabStats stats;
        try (ParticleSlab slab = ParticleSlab.open(path)) {
            for (int i = 0; i < 1000; i++) {
                handles.add(slab.allocate(new Particle(i, i * 2, i * 3, i, 42)));
            }
            freed = handles.remove(500);
            slab.free(freed);
            slab.flush();
            stats = slab.stats();
            assertTrue(slab.toString().contains("file " + path), slab.toString());
        }
        try (ParticleSlab again = ParticleSlab.open(path)) {
            assertEquals(stats, again.stats());
            assertEquals(handles.size(), again.liveCount());
            for (long h : handles) {
                int i = again.id(h);
                assertEquals(new Particle(i, i * 2, i * 3, i, 42), again.get(h));
            }
            assertFalse(again.isLive(freed));
            assertThrows(InvalidHandleException.class, () -> again.get(freed));
            again.ref(handles.get(0)).x(-1);
        }
        try (ParticleSlab third = ParticleSlab.open(path)) {
            assertEquals(-1, third.x(handles.get(0)));
        }
    }

    static void lockedAndReader() {
        Path path = tempFile("locked.slab");
        try (ParticleSlab slab = ParticleSlab.builder().file(path).maxBytes(1L << 30).sync(SlabSync.LOCKED).build();
             ParticleSlab view = ParticleSlab.openReadOnly(path)) {
            long h = slab.allocate(new Particle(1, 2, 3, 4, 5));
            assertEquals(new Particle(1, 2, 3, 4, 5), view.get(h));
            assertEquals(1, view.liveCount());
            assertThrows(UnsupportedOperationException.class, () -> view.x(h, 9));
            assertThrows(UnsupportedOperationException.class, () -> view.set(h, new Particle(0, 0, 0, 0, 0)));
            assertThrows(UnsupportedOperationException.class, view::allocate);
            assertThrows(UnsupportedOperationException.class, () -> view.free(h));
            assertThrows(UnsupportedOperationException.class, view::flush);
            assertThrows(UnsupportedOperationException.class, () -> view.box());
            assertEquals(1, slab.x(h));
            slab.free(h);
            assertThrows(InvalidHandleException.class, () -> view.get(h));
            SlabException second = assertThrows(SlabException.class, () -> ParticleSlab.open(path));
            assertTrue(second.getMessage().contains("already open for writing"), second.getMessage());
        }
    }

    static void otherRecord() {
        Path path = tempFile("vec.slab");
        try (Vec3Slab slab = Vec3Slab.open(path)) {
            slab.allocate(new Vec3(1, 2, 3));
        }
        SlabException e = assertThrows(SlabException.class, () -> ParticleSlab.open(path));
        assertTrue(e.getMessage().contains("record com.example.Vec3, not com.example.Particle"), e.getMessage());
        SlabException reader = assertThrows(SlabException.class, () -> ParticleSlab.openReadOnly(path));
        assertTrue(reader.getMessage().contains("com.example.Vec3"), reader.getMessage());
        try (Vec3Slab again = Vec3Slab.open(path)) {
            assertEquals(1, again.liveCount());
        }
    }

    static void inMemoryFlush() {
        try (ParticleSlab slab = ParticleSlab.create()) {
            long h = slab.allocate(new Particle(1, 2, 3, 4, 5));
            slab.flush();
            assertEquals(4, slab.id(h));
        }
    }
}
