package io.slabforge.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every peer stores and returns what the benchmarks write, so they all measure real work. */
class PeersTest {

    static Stream<String> single() {
        return Peers.SINGLE.stream();
    }

    static Stream<String> shared() {
        return Peers.SHARED.stream();
    }

    @ParameterizedTest
    @MethodSource("single")
    void keepsValuesThroughSeededChurn(String peer) {
        int capacity = 2_000;
        SplittableRandom random = new SplittableRandom(42);
        double[] expected = new double[capacity];
        try (ParticleStore store = Peers.create(peer, capacity, false)) {
            for (int i = 0; i < capacity; i++) {
                expected[i] = random.nextDouble();
                store.allocate(i, expected[i], 2, 3, i, 7);
            }
            for (int op = 0; op < 20_000; op++) {
                int slot = random.nextInt(capacity);
                store.free(slot);
                expected[slot] = random.nextDouble();
                store.allocate(slot, expected[slot], 2, 3, op, 7);
            }
            double sum = 0;
            for (int i = 0; i < capacity; i++) {
                assertEquals(expected[i], store.x(i), peer + " slot " + i);
                sum += expected[i];
            }
            assertEquals(sum, store.sumX(capacity), 1e-9, peer);
        }
    }

    @ParameterizedTest
    @MethodSource("shared")
    void sharedStoresServeTwoThreads(String peer) {
        try (ParticleStore store = Peers.create(peer, 2 * SharedAllocFreeBenchmark.SLOT_STRIDE, true)) {
            List<CompletableFuture<Void>> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int slot = t * SharedAllocFreeBenchmark.SLOT_STRIDE;
                threads.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        store.allocate(slot, i, i, i, i, slot);
                        assertEquals(i, store.x(slot), peer);
                        store.free(slot);
                    }
                }, r -> new Thread(r).start()));
            }
            threads.forEach(CompletableFuture::join);
        }
    }

    @Test
    void unknownOrUnshareablePeersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Peers.create("slabforgeNone", 1, true));
        assertThrows(IllegalArgumentException.class, () -> Peers.create("nope", 1, false));
    }
}
