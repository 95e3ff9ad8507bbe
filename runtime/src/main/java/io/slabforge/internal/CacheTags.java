package io.slabforge.internal;

import io.slabforge.SlabException;
import java.util.BitSet;

/**
 * Hands out the 12-bit cache tags that make handles of different open caches differ. Round-robin, so that a
 * closed cache's tag is reused as late as possible. Called only when a cache is built or closed (or reclaimed).
 *
 * <p>When every tag is taken, some may belong to caches that are unreachable but not yet reclaimed (their
 * {@link CacheResources} cleaning action gives the tag back). Like {@code java.nio.Bits.reserveMemory} for direct
 * memory, {@link #acquire()} then asks for a garbage collection and waits for released tags, with a bounded
 * backoff ({@value #RECLAIM_ATTEMPTS} collections, waits of 1, 2, 4 .. 256 ms: about half a second at most), before
 * it reports too many open caches.
 */
final class CacheTags {
    /** Garbage collections asked for before acquire() gives up. */
    static final int RECLAIM_ATTEMPTS = 9;

    private static final BitSet IN_USE = new BitSet(SlabEngine.MAX_OPEN_CACHES + 1);
    private static int cursor;

    private CacheTags() {}

    static int acquire() {
        int tag = tryAcquire();
        if (tag != 0) {
            return tag;
        }
        return acquireReclaiming();
    }

    /** A free tag, or 0 when all are taken. */
    private static synchronized int tryAcquire() {
        int tag = IN_USE.nextClearBit(cursor + 1);
        if (tag > SlabEngine.MAX_OPEN_CACHES) {
            tag = IN_USE.nextClearBit(1);
        }
        if (tag > SlabEngine.MAX_OPEN_CACHES) {
            return 0;
        }
        IN_USE.set(tag);
        cursor = tag;
        return tag;
    }

    private static int acquireReclaiming() {
        boolean interrupted = false;
        try {
            for (int attempt = 0; attempt < RECLAIM_ATTEMPTS; attempt++) {
                System.gc();
                long deadline = System.nanoTime() + (1_000_000L << attempt);
                synchronized (CacheTags.class) {
                    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                        int tag = tryAcquire();
                        if (tag != 0) {
                            return tag;
                        }
                        try {
                            CacheTags.class.wait(Math.max(1, left / 1_000_000L));
                        } catch (InterruptedException e) {
                            interrupted = true; // kept for the caller; the wait is bounded anyway
                        }
                    }
                    int tag = tryAcquire();
                    if (tag != 0) {
                        return tag;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        throw new SlabException("too many open caches: at most " + SlabEngine.MAX_OPEN_CACHES
                + " can be open at once, and a garbage collection reclaimed none of them; close caches you no"
                + " longer use");
    }

    /** Tags currently handed out. */
    static synchronized int inUse() {
        return IN_USE.cardinality();
    }

    static synchronized void release(int tag) {
        IN_USE.clear(tag);
        CacheTags.class.notifyAll();
    }
}
