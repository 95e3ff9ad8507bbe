package io.slabforge.internal;

import io.slabforge.SlabException;
import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out the 12-bit cache tags that make handles of different open caches differ. Called only when a cache is
 * built or closed (or reclaimed).
 *
 * <p>The tag space is split in two. A cache file keeps the tag it was created with for ever (its saved handles
 * carry it), so whichever cache of whichever process created it, the tag must be free when the file is opened
 * again. New files therefore take their tags from the upper half ({@value #FIRST_FILE_TAG} and up), in an order
 * that starts at a random place in each JVM and visits every tag of that half before it repeats one; in-memory
 * caches take tags from the lower half, round-robin (so that a closed cache's tag is reused as late as possible),
 * and only when all of those are taken from the upper half. So no number of in-memory caches keeps a file from
 * opening while any lower tag is free, the files one JVM creates have distinct tags (2,048 of them), and two files
 * created in different processes share a tag with probability 1/2,048; the second of two such files open at
 * once is refused with a message that says so.
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

    /** The first tag of the upper half, where new cache files take theirs. */
    static final int FIRST_FILE_TAG = (HandleFormat.MAX_TAG + 1) / 2;
    private static final int FILE_TAGS = HandleFormat.MAX_TAG + 1 - FIRST_FILE_TAG; // a power of two

    private static final BitSet IN_USE = new BitSet(SlabEngine.MAX_OPEN_CACHES + 1);
    private static int cursor;
    /** The file tags' order in this JVM: start, start + stride, ... (mod FILE_TAGS); an odd stride visits all. */
    private static final int FILE_START = ThreadLocalRandom.current().nextInt(FILE_TAGS);
    private static final int FILE_STRIDE = ThreadLocalRandom.current().nextInt(FILE_TAGS / 2) * 2 + 1;
    private static int filesCreated;

    private CacheTags() {}

    /** A tag for an in-memory cache: below {@link #FIRST_FILE_TAG} while one is free there. */
    static int acquire() {
        int tag = tryAcquire();
        if (tag != 0) {
            return tag;
        }
        return acquireReclaiming();
    }

    /** A tag for a new cache file: the next free one of this JVM's order of the upper half, else any free tag. */
    static int acquireForNewFile() {
        synchronized (CacheTags.class) {
            for (int k = 0; k < FILE_TAGS; k++) {
                int tag = FIRST_FILE_TAG + ((FILE_START + filesCreated++ * FILE_STRIDE) & (FILE_TAGS - 1));
                if (!IN_USE.get(tag)) {
                    IN_USE.set(tag);
                    return tag;
                }
            }
        }
        return acquire();
    }

    /** A free tag, from the lower half first; 0 when all are taken. */
    private static synchronized int tryAcquire() {
        int tag = nextClear(cursor + 1, FIRST_FILE_TAG - 1);
        if (tag == 0) {
            tag = nextClear(1, FIRST_FILE_TAG - 1);
        }
        if (tag == 0) {
            tag = nextClear(FIRST_FILE_TAG, HandleFormat.MAX_TAG);
        }
        if (tag == 0) {
            return 0;
        }
        IN_USE.set(tag);
        if (tag < FIRST_FILE_TAG) {
            cursor = tag;
        }
        return tag;
    }

    /** The first free tag in [from, to], or 0. */
    private static int nextClear(int from, int to) {
        int tag = IN_USE.nextClearBit(from);
        return tag <= to ? tag : 0;
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
        CacheTags.class.notifyAll();
    }
}
