package io.slabforge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.internal.Seeds;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Seeds.class)
class BuddyRegionTest {

    @Test
    void levelsArePowersOfTwoFrom4KiBToTheRegion() {
        assertEquals(0, BuddyRegion.levelFor(1));
        assertEquals(0, BuddyRegion.levelFor(4096));
        assertEquals(1, BuddyRegion.levelFor(4097));
        assertEquals(1, BuddyRegion.levelFor(8192));
        assertEquals(BuddyRegion.LEVELS - 1, BuddyRegion.levelFor(BuddyRegion.REGION_BYTES));
        assertEquals(BuddyRegion.REGION_BYTES, BuddyRegion.blockBytes(BuddyRegion.LEVELS - 1));
    }

    @Test
    void randomAllocationsAreDisjointAlignedAndMergeBackToOneBlock() {
        try (Arena arena = Arena.ofConfined()) {
            BuddyRegion region = new BuddyRegion(arena.allocate(BuddyRegion.REGION_BYTES, BuddyRegion.REGION_BYTES));
            SplittableRandom random = Seeds.random("BuddyRegionTest");
            TreeMap<Long, Long> live = new TreeMap<>();   // offset -> size
            List<Long> offsets = new ArrayList<>();
            long used = 0;
            for (int step = 0; step < 200_000; step++) {
                if (offsets.isEmpty() || random.nextInt(100) < 52) {
                    int level = random.nextInt(100) < 90 ? random.nextInt(4) : random.nextInt(BuddyRegion.LEVELS);
                    if (!region.hasFree(level)) {
                        continue;
                    }
                    long length = 1 + random.nextLong(BuddyRegion.blockBytes(level));
                    long offset = region.allocate(level, length);
                    long size = BuddyRegion.blockBytes(level);
                    assertEquals(0, offset % size, "aligned to its size");
                    assertTrue(offset + size <= BuddyRegion.REGION_BYTES);
                    var before = live.floorEntry(offset);
                    assertTrue(before == null || before.getKey() + before.getValue() <= offset, "overlaps below");
                    var after = live.ceilingEntry(offset);
                    assertTrue(after == null || offset + size <= after.getKey(), "overlaps above");
                    live.put(offset, size);
                    used += size;
                    offsets.add(offset);
                    assertNull(region.refusal(offset, length));
                    assertNotNull(region.refusal(offset, length - 1 == 0 ? 2 : length - 1));
                } else {
                    int i = random.nextInt(offsets.size());
                    long offset = offsets.get(i);
                    offsets.set(i, offsets.getLast());
                    offsets.removeLast();
                    long size = live.remove(offset);
                    assertEquals(size, region.free(offset));
                    used -= size;
                    assertNotNull(region.refusal(offset, 1), "a freed block is refused");
                }
                assertEquals(live.size(), region.liveBlocks());
                assertEquals(used, region.usedBytes());
            }
            for (long offset : offsets) {
                region.free(offset);
            }
            assertTrue(region.isEmpty());
            assertTrue(region.hasFree(BuddyRegion.LEVELS - 1), "every buddy merged back into the whole region");
            region.allocate(BuddyRegion.LEVELS - 1, 1);
            assertFalse(region.hasFree(0));
        }
    }
}
