package io.slabforge.internal;

import java.util.ConcurrentModificationException;
import java.util.function.Consumer;

/**
 * The walk behind {@code scan(action)} of generated caches: every live slot once, pool by pool, slab by slab, in
 * slot order. It reads each slot's generation word itself; the accessors the action calls through the
 * {@link SlabRef} it is handed do not validate a handle but ask whether anything freed the slot since: where only
 * the walking thread can free (a cache of one pool that is not a leased {@code LOCKED} one), whether the pool's
 * {@code frees} counter moved, a field C2 loads once per walk; elsewhere whether the slot's word is still the one
 * read, in the same array (which lets C2 share the walk's load where the action does not synchronize; see
 * {@code SlabRef.stillLive}). Reads the pools' bookkeeping only.
 *
 * <p>The action is given one {@link SlabRef} (the generated {@code Ref}) at every step, positioned at the slot (its
 * scalar fields are then accessed in place) except on a reader's table, where it only points at the handle (a
 * reader's pools hold nothing: the file's words say what is live, as for {@code forEach}). The
 * walk chains it into {@link SlotTable#walking} so that a slab release or {@code close()} in the action sends it
 * back to the checked path, and leaves it idle at the end.
 *
 * <p>An allocation or free during the walk changes a pool's {@code allocations} or {@code frees} counter (on a cache
 * of several pools, also {@link SlotTable#walkChanges}): the walk compares them after every call of the action and
 * throws {@link ConcurrentModificationException} before the next step (the call that changed the cache completed,
 * so the cache is consistent).
 *
 * <p>Per slot the walk loads the word (none in a slab whose every slot is live, on a watched pool) and stores the
 * index and the word in the {@code Ref} ({@code SlabRef.position}); an access computes the slot's place from the
 * run the walk entered. What the step compares after the action is made of
 * fields the loop never writes, so C2 loads them once and unrolls the loop over the slots.
 */
final class SlabScan {
    private SlabScan() {}

    static <R extends SlabRef> void walk(SlabPool[] pools, SlotTable table, boolean remoteFrees, R ref,
            Consumer<? super R> action) {
        ref.outer = table.walking;
        table.walking = ref;
        try {
            if (table.readOnly) {
                walkReader(table, ref, action);
            } else if (pools.length == 1 && remoteFrees) {
                walkPool(pools[0], table, false, ref, action);
            } else if (pools.length == 1) {
                SlabPool pool = pools[0];
                ref.watch(pool);
                int hooks = pool.beginWatchedWalk();
                try {
                    walkPool(pool, table, true, ref, action);
                } finally {
                    pool.endWatchedWalk(hooks);
                }
            } else {
                walkPools(pools, table, ref, action);
            }
        } finally {
            ref.watch(null);
            ref.leave();
            table.walking = ref.outer;
            ref.outer = null;
        }
    }

    /**
     * A reader's walk: the {@code Ref} points at each live handle the file records and stays on the checked path,
     * which validates every access against the file's words while a writer may be changing them.
     */
    private static <R extends SlabRef> void walkReader(SlotTable table, R ref, Consumer<? super R> action) {
        table.file.forEachLive(handle -> {
            ref.point(handle);
            action.accept(ref);
            if (table.isClosed()) {
                throw table.closedException();
            }
        }, table.tagBits);
    }

    /**
     * Several pools (a striped {@code LOCKED} cache): the walk holds every pool's lock, so another thread's free of
     * a slot is a remote one (the slot's word changes, which the positioned {@code Ref} compares; the pool counts it
     * when it collects it, after the walk), and every allocation or free of the action runs on a path that finds the
     * pool held by a lock, not leased, and counts it in {@link SlotTable#walkChanges}. That one field, which the
     * loop never writes, is all the step compares: C2 loads it once, and the loop over a slab's slots stays the
     * innermost loop, which it unrolls (summing each pool's counters at every step was a loop inside it).
     * {@link #modifications} of every pool is still compared after each slab, so a change on a path that forgot to
     * count it stops the walk there.
     */
    private static <R extends SlabRef> void walkPools(SlabPool[] pools, SlotTable table, R ref,
            Consumer<? super R> action) {
        int[] words = table.words;
        long changes = table.walkChanges;
        long mark = modifications(pools);
        int slotBits = table.slotBits;
        for (SlabPool pool : pools) {
            int slabs = pool.highWater;
            int[] carvedBySlab = pool.carved;
            for (int s = 0; s < slabs; s++) {
                int carved = carvedBySlab[s];
                if (carved <= 0) {
                    continue;
                }
                int slab = s << pool.stripeShift | pool.stripe;
                int first = slab << slotBits;
                enter(ref, table, words, slab, first);
                int end = first + carved;
                for (int index = first; index < end; index++) {
                    int word = words[index];
                    if ((word & HandleFormat.LIVE) != 0) {
                        ref.position(index, word);
                        action.accept(ref);
                        if (table.walkChanges != changes || table.isClosed()) {
                            throw modified(table);
                        }
                    }
                }
                if (modifications(pools) != mark) {
                    throw modified(table);
                }
            }
        }
    }

    /**
     * One pool: the counters of that pool are the only ones an allocation or free can change. Where slots fill a slab
     * exactly ({@code slotsPerSlab} a power of two, no tail), a run of full slabs each starting where the one before
     * ends is one stretch of slot indices and of memory: the walk makes it one loop, which C2 unrolls once for
     * thousands of objects instead of entering and leaving an unrolled loop every slab.
     *
     * <p>Where only this thread can free ({@code watched}: the {@code Ref} watches the pool's {@code frees}) and
     * every carved slot of a slab is live ({@code live == carved}), the walk reads no word there: it positions the
     * {@code Ref} by index alone, and a run merges only slabs of the same kind. Reading the words was most of
     * what the walk cost beyond the floor's loop (benchmarks/ANALYSIS.md, "scan: no word where every slot is
     * live"); {@code SlabPool.free} makes the {@code Ref} idle, so it reads its word before any free can change it.
     */
    private static <R extends SlabRef> void walkPool(SlabPool pool, SlotTable table, boolean watched, R ref,
            Consumer<? super R> action) {
        int[] words = table.words;
        long allocations = pool.allocations;
        long frees = pool.frees;
        int slotBits = table.slotBits;
        int slabs = pool.highWater;
        int[] carvedBySlab = pool.carved;
        int[] liveBySlab = pool.live;
        // Slots tile the slab (a power of two of them, no tail): slab s + 1's first index and address follow s's last.
        int full = table.slotSize << slotBits == table.geometry.slabSize() ? 1 << slotBits : -1;
        for (int s = 0; s < slabs; s++) {
            int first = s << slotBits;
            if (carvedBySlab[s] <= 0) {
                continue;
            }
            // Every carved slot live, and only this thread can free: no word to read, nothing to skip.
            boolean everyLive = watched && liveBySlab[s] == carvedBySlab[s];
            if (everyLive) {
                ref.enterLiveRun(table.via(s), first, table.slabBase(s), words);
            } else {
                enter(ref, table, words, s, first);
            }
            while (carvedBySlab[s] == full && s + 1 < slabs && carvedBySlab[s + 1] > 0
                    && everyLive == (watched && liveBySlab[s + 1] == carvedBySlab[s + 1])
                    && table.continues(s, s + 1)) {
                s++;
            }
            int end = (s << slotBits) + carvedBySlab[s];
            if (everyLive) {
                for (int index = first; index < end; index++) {
                    ref.position(index);
                    action.accept(ref);
                    if (pool.allocations != allocations || pool.frees != frees || table.isClosed()) {
                        throw modified(table);
                    }
                }
                continue;
            }
            for (int index = first; index < end; index++) {
                int word = words[index];
                if ((word & HandleFormat.LIVE) != 0) {
                    ref.position(index, word);
                    action.accept(ref);
                    if (pool.allocations != allocations || pool.frees != frees || table.isClosed()) {
                        throw modified(table);
                    }
                }
            }
        }
    }

    /**
     * The walk enters a run of slots that starts with held slab {@code slab}, whose first index is {@code first};
     * {@code words} is the table's array the walk reads.
     */
    private static void enter(SlabRef ref, SlotTable table, int[] words, int slab, int first) {
        ref.enterRun(table.via(slab), first, table.slabBase(slab), words);
    }

    private static long modifications(SlabPool[] pools) {
        long sum = 0;
        for (SlabPool pool : pools) {
            sum += pool.allocations + pool.frees;
        }
        return sum;
    }

    private static RuntimeException modified(SlotTable table) {
        if (table.isClosed()) {
            return table.closedException();
        }
        return new ConcurrentModificationException("the cache of tag " + table.tag + " was changed (a slot"
                + " allocated or freed) during scan(); collect the handles first, or use forEach, whose action may"
                + " free the handle it is given");
    }
}
