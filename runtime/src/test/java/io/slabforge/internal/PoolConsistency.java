package io.slabforge.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import io.slabforge.SlabStats;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The bookkeeping of an engine's pools, checked against the generation words (which only the engine writes) at a
 * quiescent point: what the old slab headers promised, now that the bookkeeping is on the heap.
 *
 * <ul>
 *   <li>every held slab: its live count is the number of LIVE words; its free list (links read from the free
 *       slots, as the engine reads them) visits exactly the carved slots that are neither live nor retired, each
 *       once, together with the slots in the pool's magazine (which are on no list); slots never carved
 *       are free words; slot indices past the slab's slots are RETIRED; it is listed if
 *       it has room; it is reached through a live segment;</li>
 *   <li>every slab index given back: no LIVE word, reached through nothing, reusable exactly when it has no
 *       retired slot;</li>
 *   <li>per pool: the held, empty and retired counts, the list of slabs with room, the live total; for the engine:
 *       the source's slab count and {@code stats()}.</li>
 * </ul>
 */
public final class PoolConsistency {
    private PoolConsistency() {}

    /** Fails, naming every inconsistency found and the seed, unless the engine's bookkeeping is consistent. */
    public static void assertConsistent(SlabEngine engine) {
        List<String> problems = problems(engine);
        if (!problems.isEmpty()) {
            throw new AssertionError(engine + ": " + problems.size() + " inconsistencies: "
                    + problems.subList(0, Math.min(20, problems.size())) + " " + Seeds.rerun());
        }
    }

    /** What is inconsistent; empty if nothing. */
    public static List<String> problems(SlabEngine engine) {
        List<String> problems = new ArrayList<>();
        SlotTable table = engine.table();
        if (table.isClosed()) {
            return problems;
        }
        SlabGeometry g = engine.geometry();
        engine.stats(); // collects every pool's remote frees: the words and counters agree after it
        long held = 0;
        long live = 0;
        long allocations = 0;
        long frees = 0;
        for (int stripe = 0; stripe < engine.stripeCount(); stripe++) {
            SlabPool pool = engine.pool(stripe);
            checkPool(pool, table, g, problems);
            held += pool.heldSlabs;
            allocations += pool.allocations;
            frees += pool.frees;
            for (int s = 0; s < pool.highWater; s++) {
                live += pool.carved[s] >= 0 ? pool.live[s] : 0;
            }
        }
        SlabSource source = engine.pool(0).source;
        if (source.heldSlabs() != held) {
            problems.add("the source counts " + source.heldSlabs() + " slabs, the pools hold " + held);
        }
        SlabStats stats = engine.stats();
        if (stats.slabs() != held || stats.liveObjects() != live || stats.allocations() != allocations
                || stats.frees() != frees || stats.capacity() != held * g.slotsPerSlab()
                || stats.usedBytes() != live * g.slotSize() || stats.reservedBytes() != held * g.slabSize()
                || stats.freeBytes() != (stats.capacity() - live) * g.slotSize()) {
            problems.add("stats " + stats + " disagree with the pools: " + held + " slabs, " + live + " live, "
                    + allocations + " allocations, " + frees + " frees");
        }
        if (live != allocations - frees) {
            problems.add(live + " live slots but " + allocations + " allocations - " + frees + " frees");
        }
        return problems;
    }

    /**
     * The slots on the free lists of the engine's held slabs, as global slot indices in list order (head first),
     * read as the engine reads them; stops at the first link that leaves the slab.
     */
    public static List<Integer> listedSlots(SlabEngine engine) {
        List<Integer> slots = new ArrayList<>();
        SlotTable table = engine.table();
        SlabGeometry g = engine.geometry();
        for (int stripe = 0; stripe < engine.stripeCount(); stripe++) {
            SlabPool p = engine.pool(stripe);
            for (int s = 0; s < p.highWater; s++) {
                int slab = s << p.stripeShift | p.stripe;
                int steps = 0;
                for (int slot = p.carved[s] < 0 ? SlabPool.NO_SLOT : p.freeHead[s];
                     slot >= 0 && slot < g.slotsPerSlab() && steps++ < g.slotsPerSlab(); ) {
                    slots.add(slab << g.slotBits() | slot);
                    slot = table.memoryOfSlab(slab).get(JAVA_INT_UNALIGNED, table.slotAt(slab, slot))
                            ^ SlabPool.LINK_KEY;
                }
            }
        }
        return slots;
    }

    private static void checkPool(SlabPool p, SlotTable table, SlabGeometry g, List<String> problems) {
        int n = g.slotsPerSlab();
        String name = "stripe " + p.stripe + ": ";
        int heldCount = 0;
        int emptyCount = 0;
        long retired = 0;
        BitSet released = new BitSet();
        for (int i = 0; i < p.releasedCount; i++) {
            int s = p.released[i];
            if (s < 0 || s >= p.highWater || released.get(s)) {
                problems.add(name + "released entry " + s + " out of range or twice");
            } else {
                released.set(s);
            }
        }
        // The magazine: free slots kept hot, on no list; each a free slot of a slab this pool holds, once.
        BitSet magazine = new BitSet();
        if (p.magazineCount < 0 || p.magazineCount > p.magazine.length) {
            problems.add(name + "magazine count " + p.magazineCount);
        }
        Object entries = p.magazine; // slot indices, or the handles they will be handed out as
        for (int i = 0; i < Math.min(p.magazineCount, p.magazine.length); i++) {
            long entry = Array.getLong(entries, i);
            int index = (int) entry & HandleFormat.INDEX_MASK;
            int slab = index >>> g.slotBits();
            int s = slab >>> p.stripeShift;
            int slot = index & ((1 << g.slotBits()) - 1);
            int word = table.word(index);
            boolean rightHandle = !(entries instanceof long[]) || (HandleFormat.tag(entry) == table.tag
                    && HandleFormat.generation(entry) == (word & HandleFormat.GENERATION_MASK));
            if (index < 0 || (slab & ((1 << p.stripeShift) - 1)) != p.stripe || s >= p.highWater
                    || p.carved[s] < 0 || slot >= p.carved[s]
                    || (word & ~HandleFormat.GENERATION_MASK) != HandleFormat.IN_MAGAZINE
                    || magazine.get(index) || !rightHandle) {
                problems.add(name + "magazine entry " + i + " is slot " + slot + " of slab " + slab + " (word 0x"
                        + Integer.toHexString(table.word(index)) + ", " + (magazine.get(index) ? "twice" : "once")
                        + ")");
            }
            magazine.set(index);
        }
        int[] listedCount = new int[p.highWater];
        for (int i = 0; i < p.withRoomCount; i++) {
            int s = p.withRoom[i];
            if (s < 0 || s >= p.highWater) {
                problems.add(name + "withRoom entry " + s + " out of range");
            } else {
                listedCount[s]++;
            }
        }
        for (int s = 0; s < p.highWater; s++) {
            int slab = s << p.stripeShift | p.stripe;
            String at = name + "slab " + slab + ": ";
            int first = slab << g.slotBits();
            int liveWords = 0;
            int retiredWords = 0;
            for (int slot = 0; slot < n; slot++) {
                int word = table.word(first + slot);
                if ((word & HandleFormat.LIVE) != 0) {
                    liveWords++;
                } else if (word == HandleFormat.RETIRED) {
                    retiredWords++;
                }
            }
            retired += retiredWords;
            for (int slot = n; slot < 1 << g.slotBits(); slot++) {
                if (table.word(first + slot) != HandleFormat.RETIRED) {
                    problems.add(at + "slot index " + slot + " past the slab's " + n + " slots is not RETIRED");
                    break;
                }
            }
            if (p.listed[s] != (listedCount[s] == 1) || listedCount[s] > 1) {
                problems.add(at + "listed " + p.listed[s] + " but on withRoom " + listedCount[s] + " times");
            }
            int carved = p.carved[s];
            if (carved < 0) {
                if (liveWords != 0) {
                    problems.add(at + "given back with " + liveWords + " LIVE words");
                }
                if (table.via(slab) != SlotTable.RELEASED) {
                    problems.add(at + "given back but still reached through " + table.via(slab));
                }
                if (released.get(s) == (retiredWords > 0)) {
                    problems.add(at + "given back with " + retiredWords + " retired slots, on the reuse list: "
                            + released.get(s));
                }
                continue;
            }
            heldCount++;
            if (released.get(s)) {
                problems.add(at + "held and on the reuse list");
            }
            if (carved > n) {
                problems.add(at + "carved " + carved + " > " + n);
                continue;
            }
            if (table.via(slab) != SlotTable.RELEASED && !table.via(slab).scope().isAlive()) {
                // its provider closed its memory under the cache: out of service, every slot live or retired
                if (p.live[s] != liveWords) {
                    problems.add(at + "out of service, live count " + p.live[s] + " but " + liveWords + " LIVE");
                }
                for (int slot = 0; slot < n; slot++) {
                    int word = table.word(first + slot);
                    if (word != HandleFormat.RETIRED && (word & ~HandleFormat.GENERATION_MASK) != HandleFormat.LIVE) {
                        problems.add(at + "out of service (memory closed) but slot " + slot + " has word 0x"
                                + Integer.toHexString(word) + ", neither live nor retired");
                        break;
                    }
                }
                if (p.freeHead[s] != SlabPool.NO_SLOT || p.listed[s] || p.live[s] == 0) {
                    problems.add(at + "out of service (memory closed) but listed " + p.listed[s] + ", free head "
                            + p.freeHead[s] + ", live " + p.live[s]);
                }
                continue;
            }
            if (table.via(slab) == SlotTable.RELEASED || (table.direct && table.base(slab) == 0)
                    || table.slabSegment(slab).byteSize() != g.slabSize()) {
                problems.add(at + "held but not reachable: via " + table.via(slab) + ", base " + table.base(slab));
                continue;
            }
            if (p.live[s] != liveWords) {
                problems.add(at + "live count " + p.live[s] + " but " + liveWords + " LIVE words");
            }
            if (p.live[s] == 0) {
                emptyCount++;
            }
            BitSet expected = new BitSet();
            for (int slot = 0; slot < n; slot++) {
                int word = table.word(first + slot);
                if (slot >= carved && !HandleFormat.isFreeWord(word)) {
                    problems.add(at + "slot " + slot + " was never carved but its word is 0x"
                            + Integer.toHexString(word));
                } else if (slot < carved && (HandleFormat.isFreeWord(word)
                        || (word & ~HandleFormat.GENERATION_MASK) == HandleFormat.IN_MAGAZINE)) {
                    expected.set(slot);
                }
            }
            BitSet onList = new BitSet();
            for (int slot = 0; slot < carved; slot++) {
                if (magazine.get(first + slot)) {
                    onList.set(slot); // counted with the list: together they hold every free slot once
                }
            }
            int steps = 0;
            for (int slot = p.freeHead[s]; slot != SlabPool.NO_SLOT; steps++) {
                if (slot < 0 || slot >= carved || onList.get(slot) || !expected.get(slot) || steps > carved) {
                    problems.add(at + "free list reaches slot " + slot + " (carved " + carved + ", visited "
                            + onList + ")");
                    break;
                }
                onList.set(slot);
                slot = table.memoryOfSlab(slab).get(JAVA_INT_UNALIGNED, table.slotAt(slab, slot)) ^ SlabPool.LINK_KEY;
            }
            if (!onList.equals(expected)) {
                BitSet lost = (BitSet) expected.clone();
                lost.andNot(onList);
                problems.add(at + "free list and magazine hold " + onList.cardinality() + " slots, "
                        + expected.cardinality() + " are free; on neither: " + lost);
            }
            boolean hasRoom = p.freeHead[s] != SlabPool.NO_SLOT || carved < n;
            if (hasRoom && !p.listed[s]) {
                problems.add(at + "has room but is not on withRoom");
            }
        }
        if (heldCount != p.heldSlabs) {
            problems.add(name + heldCount + " slabs held but heldSlabs " + p.heldSlabs);
        }
        if (emptyCount != p.emptySlabs) {
            problems.add(name + emptyCount + " empty slabs but emptySlabs " + p.emptySlabs);
        }
        if (p.emptySlabs > p.reserveSlabs) {
            problems.add(name + p.emptySlabs + " empty slabs kept, reserve " + p.reserveSlabs);
        }
        if (retired != p.retiredSlots) {
            problems.add(name + retired + " RETIRED words but retiredSlots " + p.retiredSlots);
        }
    }
}
