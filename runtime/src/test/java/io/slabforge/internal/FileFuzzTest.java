package io.slabforge.internal;

import static io.slabforge.internal.FileCaches.COOKIE;
import static io.slabforge.internal.FileCaches.GEOMETRY;
import static io.slabforge.internal.FileCaches.LAYOUT;
import static io.slabforge.internal.FileCaches.RECORD;
import static io.slabforge.internal.FileCaches.allocateWithCookie;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged cache files: random byte flips (most of them where the engine's data is: the header, slab states and
 * generation words) and truncations of copies of a valid file. Every open either succeeds with a consistent cache
 * that works, or throws {@link SlabException} and leaves the file as it was; never another exception, never a
 * crash. Runs with and without native access (see runtime/pom.xml). {@code -Dslabforge.fuzzFiles=N} for more.
 */
class FileFuzzTest {
    private static final int FILES = Integer.getInteger("slabforge.fuzzFiles", 300);

    @TempDir
    Path dir;

    @Test
    void everyDamagedFileOpensConsistentOrIsRefused() throws IOException {
        Path valid = dir.resolve("valid.slab");
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).file(valid).maxBytes(8 * GEOMETRY.slabSize())
                .describedAs(RECORD, LAYOUT).build()) {
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < 900; i++) {
                live.add(allocateWithCookie(engine));
            }
            for (int i = 0; i < live.size(); i += 3) {
                engine.free(live.get(i));
            }
        }
        byte[] original = Files.readAllBytes(valid);
        int regionSlabs = 8;
        SlabFileFormat.RegionLayout layout = SlabFileFormat.RegionLayout.of(regionSlabs, GEOMETRY.slotsPerSlab(),
                GEOMETRY.slabSize());
        SplittableRandom random = Seeds.random("fuzz");
        int opened = 0;
        int refused = 0;
        for (int i = 0; i < FILES; i++) {
            byte[] bytes = mutate(original, layout, random);
            Path path = dir.resolve("fuzz-" + i + ".slab");
            Files.write(path, bytes);
            String what = "fuzzed file " + i + " (" + bytes.length + " bytes) " + Seeds.rerun();
            try (SlabEngine reader = FileCaches.openReadOnly(path)) {
                readAll(reader);
            } catch (SlabException e) {
                assertArrayEquals(bytes, Files.readAllBytes(path), "a refused reader changed " + what);
            }
            try (SlabEngine engine = FileCaches.open(path)) {
                PoolConsistency.assertConsistent(engine);
                readAll(engine);
                List<Long> mine = new ArrayList<>();
                for (int op = 0; op < 2_000; op++) {
                    long h = engine.tryAllocate();
                    if (h != 0) {
                        mine.add(h);
                        engine.setLong(h, COOKIE, h);
                    }
                    if (mine.size() > 200 || h == 0 && !mine.isEmpty()) {
                        long gone = mine.remove(mine.size() - 1);
                        assertEquals(gone, engine.getLong(gone, COOKIE), what);
                        engine.free(gone);
                    }
                }
                PoolConsistency.assertConsistent(engine);
                opened++;
            } catch (SlabException e) {
                assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
                assertArrayEquals(bytes, Files.readAllBytes(path), "a refused open changed " + what);
                refused++;
            }
            Files.delete(path);
        }
        assertTrue(opened > 0 && refused > 0, "both outcomes were seen: " + opened + " opened, " + refused
                + " refused");
    }

    /** Every live handle's slot, read through every accessor a reader has; freed-under-us is the only refusal. */
    private static void readAll(SlabEngine engine) {
        {
            List<Long> handles = new ArrayList<>();
            engine.forEach(handles::add);
            assertEquals(handles.size(), engine.liveCount());
            for (long h : handles) {
                try {
                    engine.getLong(h, COOKIE);
                    engine.getInt(h, (int) GEOMETRY.slotSize() - 4);
                    assertEquals(GEOMETRY.slotSize(), engine.segment(h).byteSize());
                } catch (InvalidHandleException e) {
                    throw new AssertionError("a handle forEach gave is refused: " + e.getMessage(), e);
                }
            }
            engine.stats();
        }
    }

    private static byte[] mutate(byte[] original, SlabFileFormat.RegionLayout layout, SplittableRandom random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return java.util.Arrays.copyOf(original, random.nextInt(original.length));
        }
        byte[] bytes = original.clone();
        int flips = 1 + random.nextInt(kind == 1 ? 64 : 4);
        for (int f = 0; f < flips; f++) {
            int at = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(SlabFileFormat.HEADER_BYTES);
                case 1 -> SlabFileFormat.HEADER_BYTES + random.nextInt((int) layout.statesBytes());
                case 2 -> (int) (SlabFileFormat.HEADER_BYTES + layout.statesBytes()
                        + random.nextInt((int) (layout.slabsAt() - layout.statesBytes())));
                default -> random.nextInt(bytes.length);
            };
            bytes[at] ^= (byte) (1 << random.nextInt(8));
        }
        if (kind == 2) {
            // The mutable header words: region count, clean flag, writer, frees.
            int at = (int) SlabFileFormat.REGIONS_AT + random.nextInt(32);
            bytes[at] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
