package io.slabforge.internal;

import static io.slabforge.internal.FileCaches.GEOMETRY;
import static io.slabforge.internal.FileCaches.LAYOUT;
import static io.slabforge.internal.FileCaches.RECORD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.slabforge.SlabException;
import io.slabforge.SlabSync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Fuzzed cache files: a small valid file made per input (fuzzed region size, objects, frees, sync mode, closed
 * cleanly or copied while its writer was open, as a kill leaves it), then fuzzed damage where the engine's data is
 * (header, its mutable words, slab states, generation words, slabs; truncation; growth by zeros or garbage), then
 * an open read-only and read-write, then a fuzzed sequence of allocate, free, access, flush and reopen checked
 * against a model. Every open is a consistent, working cache or a {@link SlabException} that left the file as it
 * was; nothing else is ever thrown, and a file the engine wrote itself always reopens with every object. Runs the
 * committed inputs ({@code FileCacheFuzzTestInputs/}) in every build; {@code scripts/fuzz.sh} fuzzes.
 */
class FileCacheFuzzTest {
    private static final Path DIR = tempDir();
    private static final long PAYLOAD = 8;
    private static final int HEAVY_OPS = 4;

    @FuzzTest(maxDuration = "2m")
    void everyFuzzedFileOpensConsistentOrIsRefusedUnchanged(FuzzedDataProvider data) throws IOException {
        Path path = Files.createTempFile(DIR, "fuzz", ".slab");
        try {
            Files.delete(path);
            int regionSlabs = 1 << data.consumeInt(0, 3);
            SlabSync sync = data.consumeBoolean() ? SlabSync.LOCKED : SlabSync.CONFINED;
            byte[] bytes = validFile(path, regionSlabs, sync, data);
            SlabFileFormat.RegionLayout layout = SlabFileFormat.RegionLayout.of(regionSlabs,
                    GEOMETRY.slotsPerSlab(), GEOMETRY.slabSize());
            bytes = damage(bytes, layout, data);
            Files.write(path, bytes);
            try (SlabEngine reader = FileCaches.openReadOnly(path)) {
                readAll(reader, null);
            } catch (SlabException refused) {
                assertUnchanged(path, bytes, refused);
            }
            SlabEngine engine;
            try {
                engine = open(path, sync);
            } catch (SlabException refused) {
                assertUnchanged(path, bytes, refused);
                return;
            }
            run(engine, path, sync, data);
        } finally {
            Files.deleteIfExists(path);
        }
    }

    /** The op sequence on an open cache, against the model taken from what the opened file holds. */
    private static void run(SlabEngine opened, Path path, SlabSync sync, FuzzedDataProvider data) {
        SlabEngine engine = opened;
        try {
            PoolConsistency.assertConsistent(engine);
            Map<Long, Long> live = new HashMap<>();
            readAll(engine, live);
            List<Long> order = new ArrayList<>(live.keySet());
            order.sort(null);
            int ops = 0;
            int heavy = 0; // flushes (an fsync each), reopens and readers: a few per input keep the executions fast
            while (data.remainingBytes() > 0 && ops++ < 400) {
                int op = data.consumeInt(0, 7);
                if (op >= 4 && op <= 6 && heavy++ >= HEAVY_OPS) {
                    op = 7;
                }
                switch (op) {
                    case 0, 1 -> {
                        long h = data.consumeBoolean() ? engine.tryAllocate() : engine.tryAllocateUninitialized();
                        if (h != 0) {
                            assertTrue(!live.containsKey(h), "handed out twice");
                            long value = data.consumeLong();
                            engine.setLong(h, PAYLOAD, value);
                            live.put(h, value);
                            order.add(h);
                        }
                    }
                    case 2 -> {
                        if (!order.isEmpty()) {
                            long h = order.remove(data.consumeInt(0, order.size() - 1));
                            assertEquals(live.remove(h), engine.getLong(h, PAYLOAD));
                            engine.free(h);
                        }
                    }
                    case 3 -> {
                        if (!order.isEmpty()) {
                            long h = order.get(data.consumeInt(0, order.size() - 1));
                            assertTrue(engine.isLive(h));
                            assertEquals(live.get(h), engine.getLong(h, PAYLOAD));
                        }
                    }
                    case 4 -> engine.flush();
                    case 5 -> {
                        // a file the engine wrote and closed always reopens, every object under its handle
                        engine.close();
                        engine = open(path, data.consumeBoolean() ? SlabSync.LOCKED : sync);
                        PoolConsistency.assertConsistent(engine);
                        Map<Long, Long> again = new HashMap<>();
                        readAll(engine, again);
                        assertEquals(live, again, "the reopened file holds what the closed cache held");
                    }
                    case 6 -> {
                        try (SlabEngine reader = FileCaches.openReadOnly(path)) {
                            Map<Long, Long> seen = new HashMap<>();
                            readAll(reader, seen);
                            assertEquals(live, seen, "a reader sees what the writer holds");
                        }
                    }
                    default -> {
                        assertEquals(live.size(), engine.stats().liveObjects());
                        assertEquals(live.size(), engine.liveCount());
                    }
                }
            }
            PoolConsistency.assertConsistent(engine);
            for (long h : order) {
                assertEquals(live.get(h), engine.getLong(h, PAYLOAD));
                engine.free(h);
            }
            assertEquals(0, engine.stats().liveObjects());
        } finally {
            engine.close();
        }
    }

    /**
     * A valid file: some objects (payload a function of the handle), some freed, closed cleanly, or its bytes
     * copied while the writer still has it open (the mapping is shared: what a kill at that point leaves).
     */
    private static byte[] validFile(Path path, int regionSlabs, SlabSync sync, FuzzedDataProvider data)
            throws IOException {
        int objects = data.consumeInt(0, 3 * GEOMETRY.slotsPerSlab());
        int freeEvery = data.consumeInt(1, 5);
        boolean unclean = data.consumeBoolean();
        byte[] copy = null;
        // maxBytes sets the file's region size for good; the file then grows past it, region by region
        SlabEngine.builder(GEOMETRY).file(path).maxBytes(regionSlabs * GEOMETRY.slabSize())
                .describedAs(RECORD, LAYOUT).build().close();
        try (SlabEngine engine = open(path, sync)) {
            List<Long> handles = new ArrayList<>();
            for (int i = 0; i < objects; i++) {
                long h = engine.allocate();
                engine.setLong(h, PAYLOAD, FileCaches.cookie(h));
                handles.add(h);
            }
            for (int i = 0; i < handles.size(); i += freeEvery) {
                engine.free(handles.get(i));
            }
            if (unclean) {
                copy = Files.readAllBytes(path);
            }
        }
        return copy != null ? copy : Files.readAllBytes(path);
    }

    private static byte[] damage(byte[] original, SlabFileFormat.RegionLayout layout, FuzzedDataProvider data) {
        byte[] bytes = original;
        int damages = data.consumeInt(0, 6);
        for (int d = 0; d < damages; d++) {
            int kind = data.consumeInt(0, 8);
            if (kind == 8) {
                // a field of the checksummed header part rewritten and the checksum made to match: reaches the
                // checks past the CRC (slabs per region, tag, geometry, lengths), which flips alone never do
                if (bytes.length >= SlabFileFormat.HEADER_BYTES) {
                    long[] fields = {12, 16, 24, 32, 40, 44, 48, 52, 56, 64, 68};
                    int at = (int) fields[data.consumeInt(0, fields.length - 1)];
                    int value = data.consumeBoolean() ? data.consumeInt() : 1 << data.consumeInt(0, 31);
                    bytes = bytes.clone();
                    ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
                    header.putInt(at, value);
                    CRC32 crc = new CRC32();
                    crc.update(bytes, 0, (int) SlabFileFormat.FIXED_CRC_AT);
                    header.putInt((int) SlabFileFormat.FIXED_CRC_AT, (int) crc.getValue());
                }
                continue;
            }
            if (kind == 6) {
                bytes = Arrays.copyOf(bytes, data.consumeInt(0, bytes.length));
                continue;
            }
            if (kind == 7) {
                // growth: zeros (a pre-extended file) or garbage past the last region
                int more = data.consumeInt(0, (int) layout.regionBytes() + 8192);
                byte fill = data.consumeBoolean() ? 0 : data.consumeByte();
                int from = bytes.length;
                bytes = Arrays.copyOf(bytes, from + more);
                Arrays.fill(bytes, from, bytes.length, fill);
                continue;
            }
            if (bytes.length == 0) {
                continue;
            }
            long base = SlabFileFormat.HEADER_BYTES + data.consumeInt(0, 3) * layout.regionBytes();
            long at = switch (kind) {
                case 0 -> data.consumeInt(0, SlabFileFormat.HEADER_BYTES - 1);
                case 1 -> SlabFileFormat.REGIONS_AT + data.consumeInt(0, 31);
                case 2 -> base + data.consumeInt(0, layout.regionSlabs() * Integer.BYTES - 1);
                case 3 -> base + layout.statesBytes()
                        + data.consumeInt(0, layout.regionSlabs() * layout.slotsPerSlab() * Integer.BYTES - 1);
                case 4 -> base + layout.slabsAt() + data.consumeLong(0, layout.regionSlabs() * layout.slabSize() - 1);
                default -> data.consumeInt(0, bytes.length - 1);
            };
            if (at >= bytes.length) {
                continue;
            }
            int width = data.consumeInt(1, 4);
            for (int b = 0; b < width && at + b < bytes.length; b++) {
                bytes[(int) (at + b)] = data.consumeBoolean() ? (byte) (bytes[(int) (at + b)] ^ 1 << data.consumeInt(
                        0, 7)) : data.consumeByte();
            }
        }
        return bytes;
    }

    /** Every live handle read through the reader's or writer's accessors, into {@code into} if not null. */
    private static void readAll(SlabEngine engine, Map<Long, Long> into) {
        List<Long> handles = new ArrayList<>();
        engine.forEach(handles::add);
        assertEquals(handles.size(), engine.liveCount());
        for (long h : handles) {
            assertTrue(engine.isLive(h));
            long value = engine.getLong(h, PAYLOAD);
            engine.getInt(h, (int) GEOMETRY.slotSize() - 4);
            assertEquals(GEOMETRY.slotSize(), engine.segment(h).byteSize());
            if (into != null) {
                into.put(h, value);
            }
        }
        assertEquals(handles.size(), engine.stats().liveObjects());
    }

    private static SlabEngine open(Path path, SlabSync sync) {
        return SlabEngine.builder(GEOMETRY).file(path).sync(sync).describedAs(RECORD, LAYOUT).build();
    }

    private static void assertUnchanged(Path path, byte[] bytes, SlabException refused) {
        assertTrue(refused.getMessage().contains(path.toString()), refused.getMessage());
        try {
            assertArrayEquals(bytes, Files.readAllBytes(path), "a refused open changed the file: " + refused);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("slabforge-file-fuzz");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
