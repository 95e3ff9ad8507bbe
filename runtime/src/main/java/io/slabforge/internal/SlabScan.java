package io.slabforge.internal;

import java.util.ConcurrentModificationException;
import java.util.function.Consumer;

/**
 * The walk behind {@code scan(action)} of generated caches: every live slot once, pool by pool, slab by slab, in
 * slot order. It reads each slot's generation word itself; the accessors the action calls through the
 * {@link SlabRef} it is handed do not validate a handle but ask whether anything freed the slot since: where only
 * the walking thread can free (a cache of one pool that is not a leased {@code LOCKED} one), whether the pool's
 * {@code frees} counter moved, a field C2 loads once per walk; elsewhere whether the slot's word is still the one
 * read (one load per access). Reads the pools' bookkeeping only.
 *
 * <p>The action is given one {@link SlabRef} (the generated {@code Ref}) at every step, positioned at the slot (its
 * scalar fields are then accessed in place) except on a reader's table, where it only points at the handle (a
 * reader's pools hold nothing: the file's words say what is live, as for {@code forEach}). The
 * walk chains it into {@link SlotTable#walking} so that a slab release or {@code close()} in the action sends it
 * back to the checked path, and leaves it idle at the end.
 *
 * <p>An allocation or free during the walk changes a pool's {@code allocations} or {@code frees} counter: the
 * walk compares both after every call of the action and throws {@link ConcurrentModificationException} before the
 * next step (the call that changed the cache completed, so the cache is consistent).
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
            } else if (pools.length == 1) {
                ref.watch(remoteFrees ? null : pools[0]);
                walkPool(pools[0], table, ref, action);
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

    private static <R extends SlabRef> void walkPools(SlabPool[] pools, SlotTable table, R ref,
            Consumer<? super R> action) {
        long mark = modifications(pools);
        long slotSize = table.slotSize;
        for (SlabPool pool : pools) {
            int slabs = pool.highWater;
            for (int s = 0; s < slabs; s++) {
                int carved = pool.carved[s];
                int slab = s << pool.stripeShift | pool.stripe;
                int first = slab << table.slotBits;
                long at = carved > 0 ? enter(ref, table, slab) : 0;
                for (int slot = 0; slot < carved; slot++, at += slotSize) {
                    int index = first + slot;
                    int word = table.words[index];
                    if ((word & HandleFormat.LIVE) != 0) {
                        ref.position(index, word, at);
                        action.accept(ref);
                        if (modifications(pools) != mark || table.isClosed()) {
                            throw modified(table);
                        }
                    }
                }
            }
        }
    }

    /**
     * One pool: the counters of that pool are the only ones an allocation or free can change. Where slots fill a slab
     * exactly ({@code slotsPerSlab} a power of two, no tail), a run of full slabs each starting where the one before
     * ends is one stretch of slot indices and of memory: the walk makes it one loop, which C2 unrolls once for
     * thousands of objects instead of entering and leaving an unrolled loop every slab.
     */
    private static <R extends SlabRef> void walkPool(SlabPool pool, SlotTable table, R ref,
            Consumer<? super R> action) {
        int[] words = table.words;
        long allocations = pool.allocations;
        long frees = pool.frees;
        int slotBits = table.slotBits;
        long slotSize = table.slotSize;
        int slabs = pool.highWater;
        int[] carvedBySlab = pool.carved;
        // Slots tile the slab (a power of two of them, no tail): slab s + 1's first index and address follow s's last.
        int full = slotSize << slotBits == table.geometry.slabSize() ? 1 << slotBits : -1;
        for (int s = 0; s < slabs; s++) {
            int first = s << slotBits;
            if (carvedBySlab[s] <= 0) {
                continue;
            }
            long at = enter(ref, table, s);
            while (carvedBySlab[s] == full && s + 1 < slabs && carvedBySlab[s + 1] > 0 && table.continues(s, s + 1)) {
                s++;
            }
            int end = (s << slotBits) + carvedBySlab[s];
            for (int index = first; index < end; index++, at += slotSize) {
                int word = words[index];
                if ((word & HandleFormat.LIVE) != 0) {
                    ref.position(index, word, at);
                    action.accept(ref);
                    if (pool.allocations != allocations || pool.frees != frees || table.isClosed()) {
                        throw modified(table);
                    }
                }
            }
        }
    }

    /** The walk enters held slab {@code slab}: returns where its first slot starts. */
    private static long enter(SlabRef ref, SlotTable table, int slab) {
        ref.enterSlab(table.via(slab));
        return table.slabBase(slab);
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
