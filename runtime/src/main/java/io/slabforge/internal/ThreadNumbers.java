package io.slabforge.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each thread's number, from 0 in the order threads first ask: what a striped {@code LOCKED} cache takes a thread's
 * home stripe from, so that threads sharing a cache land on different stripes (the low bits of thread ids collide
 * whenever threads are not started one right after another).
 *
 * <p>The number lives in a {@link ThreadLocal}, whose lookup is a chain of about eight dependent loads (thread,
 * map, table, entry, referent, value, box) on every allocation and free of a {@code LOCKED} cache. The fast path
 * instead reads one element of a process-wide table indexed by the low bits of the thread id, which holds the
 * thread id and the low bits of its number in one {@code long}:
 *
 * <pre>
 *  entry: 63                                16 15             0
 *         +------------------------------------+----------------+
 *         | thread id                          | number (low 16) |
 *         +------------------------------------+----------------+
 * </pre>
 *
 * A thread whose id does not match the entry (first call, or another thread with the same low id bits took the
 * entry) asks the {@code ThreadLocal} and writes its entry. Entries are read and written opaquely (whole longs, no
 * fence); a stale entry only costs a trip to the {@code ThreadLocal}. A home stripe is a preference, never an
 * ownership: the pools are guarded by their leases, so even a wrong number could only cost speed.
 */
final class ThreadNumbers {
    /** Entries of the table; a power of two. */
    private static final int ENTRIES = 1024;
    private static final int NUMBER_BITS = 16;
    private static final long NUMBER_MASK = (1L << NUMBER_BITS) - 1;
    /** Thread ids start at 1: no thread matches an empty entry. */
    private static final long[] ENTRY = new long[ENTRIES];
    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);

    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final ThreadLocal<Integer> NUMBER = ThreadLocal.withInitial(NEXT::getAndIncrement);

    private ThreadNumbers() {}

    /**
     * The calling thread's number, masked by {@code mask} (a power of two minus one, below 2<sup>16</sup>).
     *
     * @param mask which low bits of the number to answer
     * @return the number's bits under {@code mask}
     */
    static int current(int mask) {
        long id = Thread.currentThread().threadId();
        int at = (int) id & (ENTRIES - 1);
        long entry = (long) ELEMENT.getOpaque(ENTRY, at);
        if (entry >>> NUMBER_BITS == id) {
            return (int) entry & mask;
        }
        return remember(id, at) & mask;
    }

    private static int remember(long id, int at) {
        int number = NUMBER.get();
        ELEMENT.setOpaque(ENTRY, at, id << NUMBER_BITS | (number & NUMBER_MASK));
        return number;
    }
}
