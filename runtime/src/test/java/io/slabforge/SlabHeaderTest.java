package io.slabforge;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The slab header is the slab's metadata, as in the seed: whenever a slab leaves the engine (given back when it
 * empties, or by close) its header names it and holds its exact live count and a free list that reaches every free
 * carved slot once, consistent with the generation words.
 */
class SlabHeaderTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(24, 8, 4096);

    /** A provider that checks every slab's header as the cache gives it back. */
    private static final class InspectingMemory implements SlabMemory {
        final SlabMemory delegate = SlabMemory.ofArena();
        final List<String> problems = new ArrayList<>();
        int inspected;
        int tag = -1;

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            return delegate.allocate(byteSize, byteAlignment);
        }

        @Override
        public void free(MemorySegment slab) {
            inspect(slab);
            delegate.free(slab);
        }

        private void inspect(MemorySegment slab) {
            inspected++;
            int n = GEOMETRY.slotsPerSlab();
            if (slab.get(JAVA_INT, SlabEngine.MAGIC_OFFSET) != SlabEngine.MAGIC) {
                problems.add("magic");
            }
            if (tag >= 0 && slab.get(JAVA_INT, SlabEngine.TAG_OFFSET) != tag) {
                problems.add("tag " + slab.get(JAVA_INT, SlabEngine.TAG_OFFSET));
            }
            int liveWords = 0;
            for (int slot = 0; slot < n; slot++) {
                if ((slab.get(JAVA_INT, GEOMETRY.generationOffset(slot)) & SlabEngine.LIVE) != 0) {
                    liveWords++;
                }
            }
            int live = slab.get(JAVA_INT, SlabEngine.LIVE_COUNT_OFFSET);
            if (live != liveWords) {
                problems.add("live count " + live + " but " + liveWords + " live words");
            }
            BitSet onList = new BitSet();
            for (int slot = slab.get(JAVA_INT, SlabEngine.FREE_HEAD_OFFSET); slot != SlabEngine.NO_SLOT; ) {
                if (slot < 0 || slot >= n || onList.get(slot)
                        || (slab.get(JAVA_INT, GEOMETRY.generationOffset(slot)) & SlabEngine.LIVE) != 0) {
                    problems.add("free list reaches " + slot);
                    return;
                }
                onList.set(slot);
                slot = slab.get(JAVA_INT, GEOMETRY.slotsOffset() + (long) slot * GEOMETRY.slotSize())
                        ^ SlabEngine.LINK_KEY;
            }
            // Slots never carved are on no list; every other free slot must be.
            if (live + onList.cardinality() > n) {
                problems.add(live + " live + " + onList.cardinality() + " listed > " + n);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SlabSync.class)
    void headersAreCompleteWheneverASlabLeavesTheEngine(SlabSync sync) {
        InspectingMemory memory = new InspectingMemory();
        SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(sync).memory(memory).reserveSlabs(1).build();
        long first = engine.allocate();
        memory.tag = (int) (first >>> SlabEngine.TAG_SHIFT);
        engine.free(first);
        Random random = new Random(7);
        List<Long> live = new ArrayList<>();
        for (int round = 0; round < 40; round++) {
            int grow = random.nextInt(3 * GEOMETRY.slotsPerSlab());
            for (int i = 0; i < grow; i++) {
                live.add(engine.allocate());
            }
            Collections.shuffle(live, random);
            int shrink = random.nextInt(live.size() + 1); // empties slabs, which go back to the provider
            for (int i = 0; i < shrink; i++) {
                engine.free(live.removeLast());
            }
        }
        int releasedBeforeClose = memory.inspected;
        SlabStats stats = engine.stats();
        engine.close();
        assertTrue(releasedBeforeClose > 0, "slabs were given back while the cache ran");
        assertEquals(releasedBeforeClose + stats.slabs(), memory.inspected, "every slab was inspected");
        assertEquals(List.of(), memory.problems);
    }
}
