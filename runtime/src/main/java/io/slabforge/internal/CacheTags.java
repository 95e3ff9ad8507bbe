package io.slabforge.internal;

import io.slabforge.SlabException;
import java.util.BitSet;

/**
 * Hands out the 12-bit cache tags that make handles of different open caches differ. Round-robin, so that a
 * closed cache's tag is reused as late as possible. Called only when a cache is built or closed.
 */
final class CacheTags {
    private static final BitSet IN_USE = new BitSet(SlabEngine.MAX_OPEN_CACHES + 1);
    private static int cursor;

    private CacheTags() {}

    static synchronized int acquire() {
        int tag = IN_USE.nextClearBit(cursor + 1);
        if (tag > SlabEngine.MAX_OPEN_CACHES) {
            tag = IN_USE.nextClearBit(1);
        }
        if (tag > SlabEngine.MAX_OPEN_CACHES) {
            throw new SlabException("too many open caches: at most " + SlabEngine.MAX_OPEN_CACHES
                    + " can be open at once; close caches you no longer use");
        }
        IN_USE.set(tag);
        cursor = tag;
        return tag;
    }

    /**
     * Takes {@code tag} if no open cache has it: a cache file's tag, which its saved handles carry.
     *
     * @return whether the tag is now this caller's
     */
    static synchronized boolean claim(int tag) {
        if (tag < 1 || tag > SlabEngine.MAX_OPEN_CACHES || IN_USE.get(tag)) {
            return false;
        }
        IN_USE.set(tag);
        return true;
    }

    /** Tags currently handed out. */
    static synchronized int inUse() {
        return IN_USE.cardinality();
    }

    static synchronized void release(int tag) {
        IN_USE.clear(tag);
    }
}
