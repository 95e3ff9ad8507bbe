package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.slabforge.InvalidHandleException;
import io.slabforge.SlabException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzed sequences of allocate, free, field access, {@code isLive}, {@code segment} writes (through live and kept,
 * stale segments) and forged longs against every {@link Configuration}, checked against a model: every live handle
 * keeps its value, every other long is refused, stats match, a stale write never wedges the cache. Runs the
 * committed inputs ({@code HandleApiFuzzTestInputs/}) in every build; {@code scripts/fuzz.sh} fuzzes.
 */
class HandleApiFuzzTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);
    private static final Configuration[] CONFIGURATIONS = Configuration.values();

    @FuzzTest(maxDuration = "2m")
    void everyLongIsAValidHandleOrRefused(FuzzedDataProvider data) {
        Configuration configuration = CONFIGURATIONS[data.consumeInt(0, CONFIGURATIONS.length - 1)];
        int reserve = data.consumeInt(0, 2);
        Map<Long, Long> live = new HashMap<>();
        List<Long> order = new ArrayList<>();
        List<Long> stale = new ArrayList<>();
        List<Long> keptHandles = new ArrayList<>();
        List<MemorySegment> kept = new ArrayList<>();
        // The custom provider's memory goes back when this input ends, not when the GC gets to it (see memory(..))
        try (PoolMemory custom = configuration.customProvider() ? new PoolMemory() : null;
                SlabEngine engine = configuration.builder(GEOMETRY, configuration.memory(custom))
                        .reserveSlabs(reserve).build()) {
            while (data.remainingBytes() > 0) {
                switch (data.consumeInt(0, 9)) {
                    case 0, 1 -> {
                        long h;
                        try {
                            h = engine.allocate();
                        } catch (SlabException damageReported) {
                            // a stale write hit a free slot's link: reported once, repaired; the retry must work
                            h = engine.allocate();
                        }
                        assertFalse(live.containsKey(h), "handed out twice");
                        assertEquals(0, engine.getLong(h, 8), "allocate() zeroes");
                        long value = data.consumeLong();
                        engine.setLong(h, 8, value);
                        live.put(h, value);
                        order.add(h);
                    }
                    case 2 -> {
                        if (!order.isEmpty()) {
                            long h = order.remove(data.consumeInt(0, order.size() - 1));
                            assertEquals(live.remove(h), engine.getLong(h, 8));
                            engine.free(h);
                            stale.add(h);
                        }
                    }
                    case 3 -> {
                        if (!order.isEmpty()) {
                            long h = order.get(data.consumeInt(0, order.size() - 1));
                            assertTrue(engine.isLive(h));
                            assertEquals(live.get(h), engine.getLong(h, 8));
                        }
                    }
                    case 4 -> {
                        if (!stale.isEmpty()) {
                            assertRefused(engine, stale.get(data.consumeInt(0, stale.size() - 1)), live);
                        }
                    }
                    case 5 -> assertRefused(engine, data.consumeLong(), live);
                    case 6 -> {
                        // a forged long near a real handle: one bit flipped
                        if (!order.isEmpty()) {
                            long h = order.get(data.consumeInt(0, order.size() - 1));
                            assertRefused(engine, h ^ (1L << data.consumeInt(0, 63)), live);
                        }
                    }
                    case 7 -> {
                        if (!order.isEmpty()) {
                            long h = order.get(data.consumeInt(0, order.size() - 1));
                            MemorySegment slot = engine.segment(h);
                            assertEquals(GEOMETRY.slotSize(), slot.byteSize());
                            long value = data.consumeLong();
                            slot.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, value);
                            live.put(h, value);
                            kept.add(slot);
                            keptHandles.add(h);
                        }
                    }
                    case 8 -> {
                        // a write through a kept segment whose object may be gone: allowed to damage only the
                        // slot's own memory, so only where no live object of the model sits, and only while the
                        // slab is surely this cache's (a live object in it), never memory another cache may hold
                        if (!kept.isEmpty()) {
                            int k = data.consumeInt(0, kept.size() - 1);
                            MemorySegment slot = kept.get(k);
                            if (!anyLiveAt(engine, live, slot) && slabHeld(live, keptHandles.get(k))) {
                                try {
                                    slot.set(ValueLayout.JAVA_LONG_UNALIGNED, data.consumeInt(0, 3) * 8L,
                                            data.consumeLong());
                                } catch (IllegalStateException released) {
                                    // its slab or region went back: the segment is closed
                                }
                            }
                        }
                    }
                    default -> assertEquals(live.size(), engine.stats().liveObjects());
                }
            }
            for (long h : order) {
                assertEquals(live.get(h), engine.getLong(h, 8));
                engine.free(h);
            }
            assertEquals(0, engine.stats().liveObjects());
        }
    }

    private static boolean slabHeld(Map<Long, Long> live, long handle) {
        int slab = HandleFormat.index(handle) >>> GEOMETRY.slotBits();
        for (long h : live.keySet()) {
            if (HandleFormat.index(h) >>> GEOMETRY.slotBits() == slab) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyLiveAt(SlabEngine engine, Map<Long, Long> live, MemorySegment slot) {
        for (long h : live.keySet()) {
            if (engine.segment(h).address() == slot.address()) {
                return true;
            }
        }
        return false;
    }

    private static void assertRefused(SlabEngine engine, long candidate, Map<Long, Long> live) {
        if (live.containsKey(candidate)) {
            assertTrue(engine.isLive(candidate));
            return;
        }
        assertFalse(engine.isLive(candidate), () -> Long.toHexString(candidate));
        refused(() -> engine.free(candidate));
        refused(() -> engine.segment(candidate));
        if (engine.isChecked()) {
            refused(() -> engine.getLong(candidate, 8));
            refused(() -> engine.setLong(candidate, 8, 1));
        }
    }

    private static void refused(Runnable action) {
        try {
            action.run();
        } catch (InvalidHandleException expected) {
            return;
        }
        throw new AssertionError("accepted");
    }
}
