package io.slabforge.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The allocator benchmark's sizes are what it claims, and every peer hands out blocks of the requested size. */
class BlockStoreTest {

    static Stream<String> peers() {
        return BlockStore.PEERS.stream();
    }

    @Test
    void sizesAreLogUniformOver16To4096AndFixed() {
        int[] sizes = AllocatorBenchmark.SIZES;
        assertEquals(AllocatorBenchmark.SIZE_COUNT, sizes.length);
        assertEquals(BlockStore.MIN_SIZE, Arrays.stream(sizes).min().orElseThrow());
        assertTrue(Arrays.stream(sizes).max().orElseThrow() > 4000, "reaches the top of the range");
        assertTrue(Arrays.stream(sizes).allMatch(s -> s >= 16 && s <= 4096));
        // Log-uniform: each of the 8 octaves 16..32, ..., 2048..4096 holds about 1/8 of the requests.
        int[] octaves = new int[8];
        for (int s : sizes) {
            octaves[Math.min(7, 31 - Integer.numberOfLeadingZeros(s) - 4)]++;
        }
        for (int count : octaves) {
            assertEquals(sizes.length / 8.0, count, sizes.length / 8.0 * 0.1, Arrays.toString(octaves));
        }
        assertEquals(Arrays.toString(sizes), Arrays.toString(BlockStore.logUniformSizes(sizes.length, 0x5EED_5A1BL)),
                "the same seed gives the same sequence");
        assertThrows(IllegalArgumentException.class, () -> BlockStore.logUniformSizes(1000, 1));
    }

    @ParameterizedTest
    @MethodSource("peers")
    void keepsBothMarksOfEveryBlockThroughTheWindow(String peer) {
        int window = AllocatorBenchmark.WINDOW;
        int[] sizes = AllocatorBenchmark.SIZES;
        int[] sizeOf = new int[window];
        byte[] markOf = new byte[window];
        try (BlockStore store = BlockStore.create(peer, window)) {
            for (int i = 0; i < 4 * window; i++) {
                int slot = i % window;
                if (i >= window) {
                    assertEquals(markOf[slot], store.get(slot, 0), peer + " first byte of slot " + slot);
                    assertEquals(markOf[slot], store.get(slot, sizeOf[slot] - 1), peer + " last byte of slot " + slot);
                    store.free(slot);
                }
                sizeOf[slot] = sizes[i];
                markOf[slot] = (byte) (i * 31 + 1);
                store.allocate(slot, sizeOf[slot], markOf[slot]);
            }
        }
    }

    @Test
    void unknownPeerIsRejectedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BlockStore.create("jemalloc", 1));
        assertTrue(e.getMessage().contains("jemalloc") && e.getMessage().contains("slabforgeNoZeroFill"),
                e.getMessage());
    }
}
