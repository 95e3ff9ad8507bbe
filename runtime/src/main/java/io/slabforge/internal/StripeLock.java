package io.slabforge.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;

/**
 * Who holds one pool of a {@code LOCKED} cache: for one allocation or free, a <em>lease</em> (one uncontended CAS
 * in, one release store out, nothing else: no owner is recorded, no waiter is woken); for close, stats, growth and
 * {@code forEach}, a reentrant {@link Lock} on the same word. A thread that finds the word taken does not queue:
 * the fast paths go elsewhere (another stripe, the pool's remote-free ring), and {@link #lock()} spins, yields and
 * then parks for growing intervals (at most a millisecond) until the word is free. Leases are held for a handful
 * of nanoseconds; only close, stats and {@code forEach} hold the lock long.
 *
 * <pre>
 *  state 0: free     tryLease(): CAS 0 → 1; endLease(): state = 0 (release)
 *  state 1: held     lock(): as tryLease, then holder = current thread, holds = 1; again by the holder: holds++
 * </pre>
 *
 * <p>Reentrancy matters: an action passed to {@code forEach} runs under every stripe's lock and may allocate and
 * free; those calls find the word taken, see that their own thread is its {@link #isHeldByCurrentThread() holder}
 * and go on without leasing. The one piece of code not the engine's that runs under a lease, the memory provider,
 * runs with the lease turned into a hold of the lock ({@link #ownLease()}), so that a provider calling back into
 * the cache finds its thread the holder too.
 *
 * <p>The state is padded to lines of its own by class hierarchy (128 bytes each side), as the pools are: stripes'
 * locks never share a cache line with each other or with a pool.
 */
final class StripeLock extends StripeLockState implements Lock {
    long trailingPad00, trailingPad01, trailingPad02, trailingPad03, trailingPad04, trailingPad05, trailingPad06;
    long trailingPad07, trailingPad08, trailingPad09, trailingPad10, trailingPad11, trailingPad12, trailingPad13;
    long trailingPad14, trailingPad15;

    /** Spins before a waiter starts yielding, then parking. */
    private static final int SPINS = 64;
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Takes the word if it is free: one CAS. The caller ends the lease with {@link #endLease()}. */
    boolean tryLease() {
        return lpState() == 0 && casState(0, 1);
    }

    /** Ends a lease (or the last hold of the lock): the pool's writes are visible to the next holder. */
    void endLease() {
        soState(0);
    }

    /**
     * Makes the calling thread, which holds the lease, the holder of the lock too, before the pool calls code that
     * is not the engine's (the memory provider): that code may call back into the cache ({@code stats()},
     * {@code forEach}) and must then find its thread the holder, not wait for itself.
     *
     * @return whether it did (false: the thread already held it as a lock); pass it to {@link #disown}
     */
    boolean ownLease() {
        if (holder != null) {
            return false;
        }
        holds = 1;
        holder = Thread.currentThread();
        return true;
    }

    /** Undoes {@link #ownLease()}: the word stays taken, as a lease, until {@link #endLease()}. */
    void disown(boolean owned) {
        if (owned) {
            holder = null;
            holds = 0;
        }
    }

    /** Whether the calling thread holds this as a lock (not merely a lease). */
    boolean isHeldByCurrentThread() {
        return holder == Thread.currentThread();
    }

    @Override
    public void lock() {
        if (enterAgain()) {
            return;
        }
        for (int attempt = 0; !tryLease(); attempt++) {
            backOff(attempt);
        }
        entered();
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (enterAgain()) {
            return;
        }
        for (int attempt = 0; !tryLease(); attempt++) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            backOff(attempt);
        }
        entered();
    }

    @Override
    public boolean tryLock() {
        if (enterAgain()) {
            return true;
        }
        if (tryLease()) {
            entered();
            return true;
        }
        return false;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        if (enterAgain()) {
            return true;
        }
        long deadline = System.nanoTime() + unit.toNanos(time);
        for (int attempt = 0; !tryLease(); attempt++) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            backOff(attempt);
        }
        entered();
        return true;
    }

    @Override
    public void unlock() {
        if (holder != Thread.currentThread()) {
            throw new IllegalMonitorStateException("the stripe lock is not held by " + Thread.currentThread());
        }
        if (--holds == 0) {
            holder = null;
            endLease();
        }
    }

    /**
     * Not supported: nothing waits on a stripe.
     *
     * @throws UnsupportedOperationException always (allowed by {@link Lock#newCondition()})
     */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("a stripe lock has no conditions; nothing waits on a stripe");
    }

    private boolean enterAgain() {
        if (holder == Thread.currentThread()) {
            if (holds == Integer.MAX_VALUE) {
                throw new Error("Maximum lock count exceeded");
            }
            holds++;
            return true;
        }
        return false;
    }

    private void entered() {
        holder = Thread.currentThread();
        holds = 1;
    }

    private static void backOff(int attempt) {
        if (attempt < SPINS) {
            Thread.onSpinWait();
        } else if (attempt < 2 * SPINS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(Math.min(MAX_PARK_NANOS, 1_000L << Math.min(10, attempt - 2 * SPINS)));
        }
    }

    @Override
    public String toString() {
        Thread h = holder;
        return "StripeLock[" + (lpState() == 0 ? "free" : h != null ? "locked by " + h.getName() : "leased") + "]";
    }
}

/** Leading padding of {@link StripeLock}. */
abstract class StripeLockPadding {
    int leadingPad;
    long leadingPad00, leadingPad01, leadingPad02, leadingPad03, leadingPad04, leadingPad05, leadingPad06;
    long leadingPad07, leadingPad08, leadingPad09, leadingPad10, leadingPad11, leadingPad12, leadingPad13;
    long leadingPad14, leadingPad15;
}

/** The word, and the holder of the lock (only while held as a lock; a lease records nobody). */
abstract class StripeLockState extends StripeLockPadding {
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(StripeLockState.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private int state;
    /** Read by every thread that finds the word taken; written only by the thread that holds it. */
    volatile Thread holder;
    /** Holds of the lock by {@link #holder}; touched only by it. */
    int holds;

    final int lpState() {
        return (int) STATE.getOpaque(this);
    }

    final boolean casState(int expect, int update) {
        return STATE.compareAndSet(this, expect, update);
    }

    final void soState(int value) {
        STATE.setRelease(this, value);
    }
}
