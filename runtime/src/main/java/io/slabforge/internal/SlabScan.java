package io.slabforge.internal;

import java.util.ConcurrentModificationException;
import java.util.function.LongConsumer;

/**
 * The walk behind {@code scan(action)} of generated caches: every live slot once, pool by pool, slab by slab, in
 * slot order. It reads each slot's generation word itself and hands out the handle built from it, so the accessors
 * the action calls through that handle find the word they compare with just loaded (C2 folds the check). Reads
 * the pools' bookkeeping only.
 *
 * <p>An allocation or free during the walk changes a pool's {@code allocations} or {@code frees} counter: the
 * walk compares both after every call of the action and throws {@link ConcurrentModificationException} before the
 * next step (the call that changed the cache completed, so the cache is consistent).
 */
final class SlabScan {
    private SlabScan() {}

    static void walk(SlabPool[] pools, SlotTable table, LongConsumer action) {
        if (pools.length == 1) {
            walkPool(pools[0], table, action);
            return;
        }
        long mark = modifications(pools);
        for (SlabPool pool : pools) {
            int slabs = pool.highWater;
            for (int s = 0; s < slabs; s++) {
                int carved = pool.carved[s];
                int first = (s << pool.stripeShift | pool.stripe) << table.slotBits;
                for (int slot = 0; slot < carved; slot++) {
                    int index = first + slot;
                    int word = table.words[index];
                    if ((word & HandleFormat.LIVE) != 0) {
                        action.accept(HandleFormat.handle(table.tagBits, word, index));
                        if (modifications(pools) != mark || table.isClosed()) {
                            throw modified(table);
                        }
                    }
                }
            }
        }
    }

    /** One pool: the counters of that pool are the only ones an allocation or free can change. */
    private static void walkPool(SlabPool pool, SlotTable table, LongConsumer action) {
        long allocations = pool.allocations;
        long frees = pool.frees;
        int[] words = table.words;
        long tagBits = table.tagBits;
        int slotBits = table.slotBits;
        int slabs = pool.highWater;
        int[] carvedBySlab = pool.carved;
        for (int s = 0; s < slabs; s++) {
            int first = s << slotBits;
            for (int index = first, end = first + carvedBySlab[s]; index < end; index++) {
                int word = words[index];
                if ((word & HandleFormat.LIVE) != 0) {
                    action.accept(HandleFormat.handle(tagBits, word, index));
                    if (pool.allocations != allocations || pool.frees != frees || table.isClosed()) {
                        throw modified(table);
                    }
                }
            }
        }
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
