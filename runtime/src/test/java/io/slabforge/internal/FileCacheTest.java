package io.slabforge.internal;

import static io.slabforge.internal.FileCaches.COMPLEMENT;
import static io.slabforge.internal.FileCaches.COOKIE;
import static io.slabforge.internal.FileCaches.GEOMETRY;
import static io.slabforge.internal.FileCaches.LAYOUT;
import static io.slabforge.internal.FileCaches.RECORD;
import static io.slabforge.internal.FileCaches.allocateWithCookie;
import static io.slabforge.internal.FileCaches.cookie;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabException;
import io.slabforge.SlabOutOfMemoryException;
import io.slabforge.SlabStats;
import io.slabforge.SlabSync;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File-backed caches in one JVM: re-attach, fingerprints, one writer, readers, growth and the budget. */
class FileCacheTest {
    @TempDir
    Path dir;

    @Test
    void reattachKeepsEveryObjectUnderItsHandleAndTheStatistics() {
        Path path = dir.resolve("particles.slab");
        SplittableRandom random = Seeds.random("reattach");
        List<Long> live = new ArrayList<>();
        List<Long> freed = new ArrayList<>();
        SlabStats before;
        try (SlabEngine engine = FileCaches.open(path)) {
            for (int i = 0; i < 5_000; i++) {
                if (!live.isEmpty() && random.nextInt(3) == 0) {
                    long h = live.remove(random.nextInt(live.size()));
                    engine.free(h);
                    freed.add(h);
                } else {
                    live.add(allocateWithCookie(engine));
                }
            }
            before = engine.stats();
        }
        try (SlabEngine engine = FileCaches.open(path)) {
            PoolConsistency.assertConsistent(engine);
            assertEquals(before, engine.stats(), Seeds.msg("same statistics after a clean close"));
            for (long h : live) {
                assertTrue(engine.isLive(h), Seeds.msg("live after re-attach: " + engine.describe(h)));
                assertEquals(cookie(h), engine.getLong(h, COOKIE));
                assertEquals(~cookie(h), engine.getLong(h, COMPLEMENT));
            }
            for (long h : freed) {
                assertFalse(engine.isLive(h), Seeds.msg("a freed handle stays stale"));
                assertThrows(InvalidHandleException.class, () -> engine.getLong(h, COOKIE));
            }
            long[] seen = {0};
            engine.forEach(h -> seen[0]++);
            assertEquals(live.size(), seen[0]);
            // Generations go on: new objects never get an old handle.
            HashSet<Long> old = new HashSet<>(freed);
            old.addAll(live);
            for (int i = 0; i < 2_000; i++) {
                long h = engine.allocate();
                assertFalse(old.contains(h), Seeds.msg("a handle of the previous run was handed out again"));
                engine.free(h);
            }
        }
    }

    @Test
    void aLockedStripedCacheReattachesWithAnyStripeCount() {
        Path path = dir.resolve("locked.slab");
        List<Long> live = new ArrayList<>();
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).file(path).sync(SlabSync.LOCKED).stripes(4)
                .describedAs(RECORD, LAYOUT).build()) {
            Thread[] threads = new Thread[4];
            List<List<Long>> perThread = new ArrayList<>();
            for (int t = 0; t < threads.length; t++) {
                List<Long> mine = new ArrayList<>();
                perThread.add(mine);
                threads[t] = new Thread(() -> {
                    for (int i = 0; i < 3_000; i++) {
                        mine.add(allocateWithCookie(engine));
                    }
                });
                threads[t].start();
            }
            for (Thread t : threads) {
                join(t);
            }
            perThread.forEach(live::addAll);
            assertFalse(engine.isDirect(), "LOCKED file caches go through their regions' segments");
        }
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).file(path).sync(SlabSync.LOCKED).stripes(2)
                .describedAs(RECORD, LAYOUT).build()) {
            PoolConsistency.assertConsistent(engine);
            assertEquals(live.size(), engine.liveCount());
            for (long h : live) {
                assertEquals(cookie(h), engine.getLong(h, COOKIE));
            }
        }
        try (SlabEngine engine = FileCaches.open(path)) {
            PoolConsistency.assertConsistent(engine);
            assertEquals(live.size(), engine.liveCount());
            for (int i = 0; i < 10_000; i++) {
                engine.free(engine.allocate());
            }
            PoolConsistency.assertConsistent(engine);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theFileGrowsByWholeRegionsUpToMaxBytesAndReusesEmptySlabs() throws IOException {
        Path path = dir.resolve("capped.slab");
        long maxBytes = 8 * GEOMETRY.slabSize();
        List<Long> handles = new ArrayList<>();
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).file(path).maxBytes(maxBytes)
                .describedAs(RECORD, LAYOUT).build()) {
            long h;
            while ((h = engine.tryAllocate()) != 0) {
                handles.add(h);
            }
            assertEquals(8 * GEOMETRY.slotsPerSlab(), handles.size(), "maxBytes(8 slabs) holds 8 slabs of objects");
            assertThrows(SlabOutOfMemoryException.class, engine::allocate);
            long size = Files.size(path);
            handles.forEach(engine::free);
            assertEquals(8, engine.stats().slabs(), "empty slabs of a file are kept for reuse");
            for (int i = 0; i < handles.size(); i++) {
                engine.allocate();
            }
            assertEquals(size, Files.size(path), "the same slabs were used again");
            assertTrue(size <= SlabFileFormat.HEADER_BYTES + 3 * SlabFileFormat.PAGE + maxBytes,
                    "a file capped at 8 slabs has regions of 8 slabs: " + size);
        }
    }

    /**
     * Bytes past the regions the header counts (a pre-extended file, garbage a crash or a tool left) are not part
     * of the cache: growing into them must not take them as slab states, or the file the engine itself wrote is
     * refused as damaged on the next open (found by FileCacheFuzzTest).
     */
    @Test
    void growingIntoBytesPastTheRegionsLeavesAFileThatReopens() throws IOException {
        Path path = dir.resolve("pre-extended.slab");
        SlabEngine.builder(GEOMETRY).file(path).maxBytes(2 * GEOMETRY.slabSize()).describedAs(RECORD, LAYOUT)
                .build().close();
        SlabFileFormat.RegionLayout layout = SlabFileFormat.RegionLayout.of(2, GEOMETRY.slotsPerSlab(),
                GEOMETRY.slabSize());
        byte[] garbage = new byte[(int) (2 * layout.regionBytes())];
        java.util.Arrays.fill(garbage, (byte) 0xA5);
        Files.write(path, garbage, java.nio.file.StandardOpenOption.APPEND);
        List<Long> handles = new ArrayList<>();
        try (SlabEngine engine = FileCaches.open(path)) {
            for (int i = 0; i < 3 * GEOMETRY.slotsPerSlab(); i++) { // slabs 0 to 2: into region 1, slab 3 unused
                handles.add(allocateWithCookie(engine));
            }
        }
        try (SlabEngine engine = FileCaches.open(path)) {
            PoolConsistency.assertConsistent(engine);
            assertEquals(handles.size(), engine.liveCount());
            for (long h : handles) {
                assertEquals(cookie(h), engine.getLong(h, COOKIE));
            }
        }
    }

    @Test
    void aSecondWriterIsRefusedByNameAndTheFirstKeepsWorking() {
        Path path = dir.resolve("one-writer.slab");
        try (SlabEngine first = FileCaches.open(path)) {
            long h = allocateWithCookie(first);
            SlabException e = assertThrows(SlabException.class, () -> FileCaches.open(path));
            assertTrue(e.getMessage().contains("already open for writing"), e.getMessage());
            SlabException viaOtherName = assertThrows(SlabException.class,
                    () -> FileCaches.open(dir.resolve(".").resolve("one-writer.slab")));
            assertTrue(viaOtherName.getMessage().contains("already open"), viaOtherName.getMessage());
            assertEquals(cookie(h), first.getLong(h, COOKIE));
        }
        try (SlabEngine again = FileCaches.open(path)) {
            assertEquals(1, again.liveCount());
        }
    }

    @Test
    void newFilesTakeDistinctTagsThatInMemoryCachesLeaveAlone() {
        List<SlabEngine> inMemory = new ArrayList<>();
        HashSet<Integer> fileTags = new HashSet<>();
        try {
            for (int i = 0; i < 40; i++) {
                inMemory.add(SlabEngine.builder(GEOMETRY).build());
                try (SlabEngine file = FileCaches.open(dir.resolve("tags-" + i + ".slab"))) {
                    assertTrue(file.tag() >= CacheTags.FIRST_FILE_TAG, "file tag " + file.tag());
                    assertTrue(fileTags.add(file.tag()), "file tag " + file.tag() + " repeated: " + fileTags);
                }
            }
            for (SlabEngine engine : inMemory) {
                assertTrue(engine.tag() < CacheTags.FIRST_FILE_TAG, "in-memory tag " + engine.tag());
            }
        } finally {
            inMemory.forEach(SlabEngine::close);
        }
        List<SlabEngine> files = new ArrayList<>(); // all open at once, under the tags they were made with
        try {
            for (int i = 0; i < 40; i++) {
                files.add(FileCaches.open(dir.resolve("tags-" + i + ".slab")));
                assertTrue(fileTags.contains(files.get(i).tag()));
            }
        } finally {
            files.forEach(SlabEngine::close);
        }
    }

    @Test
    void aTagHeldByAnotherOpenCacheIsRefusedClearly() {
        Path path = dir.resolve("tag.slab");
        int tag;
        try (SlabEngine engine = FileCaches.open(path)) {
            tag = engine.tag();
            allocateWithCookie(engine);
        }
        assertTrue(CacheTags.claim(tag), "the tag came back on close");
        try {
            SlabException e = assertThrows(SlabException.class, () -> FileCaches.open(path));
            assertTrue(e.getMessage().contains("cache tag " + tag), e.getMessage());
        } finally {
            CacheTags.release(tag);
        }
        try (SlabEngine engine = FileCaches.open(path); SlabEngine other = SlabEngine.builder(GEOMETRY).build()) {
            assertEquals(tag, engine.tag(), "the file's handles keep their tag");
            assertNotEquals(engine.tag(), other.tag());
            long[] mine = {0};
            engine.forEach(h -> mine[0] = h);
            assertFalse(other.isLive(mine[0]));
            long theirs = other.allocate();
            assertFalse(engine.isLive(theirs));
            assertThrows(InvalidHandleException.class, () -> engine.getLong(theirs, 0));
        }
    }

    @Test
    void everyFingerprintMismatchNamesBothSidesAndChangesNothing() throws IOException {
        Path path = dir.resolve("print.slab");
        try (SlabEngine engine = FileCaches.open(path)) {
            allocateWithCookie(engine);
        }
        byte[] original = Files.readAllBytes(path);
        refused(path, original, "record com.example.Particle, not com.example.Order",
                () -> SlabEngine.builder(GEOMETRY).file(path).describedAs("com.example.Order", LAYOUT).build());
        refused(path, original, "another LAYOUT",
                () -> SlabEngine.builder(GEOMETRY).file(path).describedAs(RECORD, "[j8(x)](Particle)").build());
        refused(path, original, "slot size 32, not 64",
                () -> SlabEngine.builder(SlabGeometry.of(64, 8, 4096)).file(path).describedAs(RECORD, LAYOUT)
                        .build());
        refused(path, original, "slot alignment 8, not 16",
                () -> SlabEngine.builder(SlabGeometry.of(32, 16, 4096)).file(path).describedAs(RECORD, LAYOUT)
                        .build());
        refused(path, original, "slab size 4096, not 8192",
                () -> SlabEngine.builder(SlabGeometry.of(32, 8, 8192)).file(path).describedAs(RECORD, LAYOUT)
                        .build());
        refused(path, original, "record com.example.Particle",
                () -> SlabEngine.openReadOnly(path, GEOMETRY, "com.example.Order", FileCaches.PARTICLE));
    }

    @Test
    void foreignNewerTruncatedAndDamagedFilesAreRefusedUnchanged() throws IOException {
        Path path = dir.resolve("valid.slab");
        try (SlabEngine engine = FileCaches.open(path)) {
            for (int i = 0; i < 1_000; i++) {
                allocateWithCookie(engine);
            }
        }
        byte[] valid = Files.readAllBytes(path);

        Path foreign = dir.resolve("foreign.slab");
        Files.writeString(foreign, "name,price\napples,3\n".repeat(400));
        refused(foreign, Files.readAllBytes(foreign), "is not a Slabforge cache file", () -> FileCaches.open(foreign));

        Path tiny = dir.resolve("tiny.slab");
        Files.write(tiny, new byte[] {1, 2, 3});
        refused(tiny, Files.readAllBytes(tiny), "is not a Slabforge cache file", () -> FileCaches.open(tiny));

        Path newer = dir.resolve("newer.slab");
        byte[] bumped = valid.clone();
        ByteBuffer.wrap(bumped).order(ByteOrder.nativeOrder()).putInt((int) SlabFileFormat.VERSION_AT, 2);
        Files.write(newer, bumped);
        refused(newer, bumped, "format version 2", () -> FileCaches.open(newer));

        Path truncated = dir.resolve("truncated.slab");
        Files.write(truncated, java.util.Arrays.copyOf(valid, valid.length / 2));
        refused(truncated, Files.readAllBytes(truncated), "is truncated", () -> FileCaches.open(truncated));
        refused(truncated, Files.readAllBytes(truncated), "is truncated", () -> FileCaches.openReadOnly(truncated));

        Path header = dir.resolve("header.slab");
        byte[] flipped = valid.clone();
        flipped[(int) SlabFileFormat.SLOT_SIZE_AT + 1] ^= 1;
        Files.write(header, flipped);
        refused(header, flipped, "damaged header", () -> FileCaches.open(header));

        Path word = dir.resolve("word.slab");
        byte[] badWord = valid.clone();
        long firstWord = SlabFileFormat.HEADER_BYTES + SlabFileFormat.RegionLayout.of(
                ByteBuffer.wrap(valid).order(ByteOrder.nativeOrder()).getInt((int) SlabFileFormat.REGION_SLABS_AT),
                GEOMETRY.slotsPerSlab(), GEOMETRY.slabSize()).wordAt(0, 3);
        badWord[(int) firstWord + 3] = 0x22;
        Files.write(word, badWord);
        refused(word, badWord, "generation word", () -> FileCaches.open(word));
    }

    private static void refused(Path path, byte[] before, String expected, Runnable open) throws IOException {
        SlabException e = assertThrows(SlabException.class, open::run);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(path), "the file was changed by a refused open");
    }

    @Test
    void aReaderSeesTheWritersObjectsAndNewSlabsAndRefusesEveryWrite() {
        Path path = dir.resolve("read.slab");
        try (SlabEngine writer = FileCaches.openLocked(path)) {
            long first = allocateWithCookie(writer);
            try (SlabEngine reader = FileCaches.openReadOnly(path)) {
                assertEquals(cookie(first), reader.getLong(first, COOKIE));
                assertTrue(reader.isLive(first));
                assertEquals(1, reader.liveCount());
                List<Long> more = new ArrayList<>();
                for (int i = 0; i < 100_000; i++) {
                    more.add(allocateWithCookie(writer)); // many new regions after the reader attached
                }
                long last = more.get(more.size() - 1);
                assertEquals(cookie(last), reader.getLong(last, COOKIE), "a slab added after the reader attached");
                assertEquals(more.size() + 1, reader.liveCount());
                writer.free(first);
                InvalidHandleException freed = assertThrows(InvalidHandleException.class,
                        () -> reader.getLong(first, COOKIE));
                assertTrue(freed.getMessage().contains("freed"), freed.getMessage());
                for (Consumer<SlabEngine> write : List.<Consumer<SlabEngine>>of(
                        r -> r.setLong(last, COOKIE, 1), r -> r.setInt(last, 0, 1), r -> r.clear(last, 0, 8),
                        r -> r.compareAndSetLong(last, 0, cookie(last), 1), r -> r.getAndAddInt(last, 0, 1),
                        r -> r.setLongRelease(last, 0, 1), r -> r.copyIn(last, 0, ValueLayout.JAVA_INT, new int[2], 2),
                        SlabEngine::allocate, SlabEngine::tryAllocate, SlabEngine::allocateUninitialized,
                        r -> r.free(last), r -> r.freeUnlessClosed(last), SlabEngine::flush,
                        r -> r.forEach(r::free))) {
                    assertThrows(UnsupportedOperationException.class, () -> write.accept(reader));
                }
                assertEquals(cookie(last), writer.getLong(last, COOKIE), "nothing was written through the reader");
                assertTrue(writer.isLive(last));
                assertThrows(InvalidHandleException.class, () -> reader.getLong(last + HandleFormat.GENERATION_ONE, COOKIE));
                assertThrows(InvalidHandleException.class, () -> reader.getLong(0x7FFL << 52 | 5, COOKIE));
            }
        }
    }

    @Test
    void useAfterCloseAndNullPathsFailClearly() {
        Path path = dir.resolve("closed.slab");
        SlabEngine engine = FileCaches.open(path);
        long h = allocateWithCookie(engine);
        engine.flush();
        engine.close();
        engine.close();
        assertThrows(IllegalStateException.class, () -> engine.getLong(h, COOKIE));
        assertThrows(IllegalStateException.class, engine::allocate);
        assertThrows(IllegalStateException.class, engine::flush);
        assertThrows(NullPointerException.class, () -> SlabEngine.builder(GEOMETRY).file(null));
        assertThrows(IllegalArgumentException.class, () -> SlabEngine.builder(GEOMETRY).file(path)
                .memory(io.slabforge.SlabMemory.ofArena()).build());
        SlabException missing = assertThrows(SlabException.class,
                () -> FileCaches.openReadOnly(dir.resolve("missing.slab")));
        assertTrue(missing.getMessage().contains("missing.slab"), missing.getMessage());
        SlabEngine reader = FileCaches.openReadOnly(path);
        reader.close();
        assertThrows(IllegalStateException.class, () -> reader.getLong(h, COOKIE));
    }
}
