package io.slabforge.internal;

import java.io.Serial;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The lock of one stripe of a striped {@link io.slabforge.SlabSync#LOCKED} cache: reentrant and non-fair, as
 * {@link java.util.concurrent.locks.ReentrantLock} is, built on {@link AbstractQueuedSynchronizer} the way its
 * Javadoc shows, but with the synchronizer's state padded to a cache line of its own.
 *
 * <p>A {@code ReentrantLock} keeps its state in a 32-byte inner object that the heap places next to whatever was
 * allocated (or, after a GC, copied) beside it: another stripe's engine or lock. Two threads then write one cache
 * line on every lock and unlock. Here the state is this object's own first fields and 64 bytes of padding follow
 * them; the object before it in the heap is, when it is a stripe's, padded too (see {@code SlabPoolPadding}).
 * Reentrancy matters: an action passed to {@code forEach} runs under every stripe's lock and may allocate and
 * free.
 */
final class StripeLock extends AbstractQueuedSynchronizer implements Lock {
    @Serial
    private static final long serialVersionUID = 1L;

    // Subclass fields follow the synchronizer's (owner, head, tail, state): a cache line between them and the next
    // object in the heap.
    long trailingPad1;
    long trailingPad2;
    long trailingPad3;
    long trailingPad4;
    long trailingPad5;
    long trailingPad6;
    long trailingPad7;
    long trailingPad8;

    @Override
    protected boolean tryAcquire(int acquires) {
        Thread current = Thread.currentThread();
        int holds = getState();
        if (holds == 0) {
            if (compareAndSetState(0, acquires)) {
                setExclusiveOwnerThread(current);
                return true;
            }
        } else if (getExclusiveOwnerThread() == current) {
            int next = holds + acquires;
            if (next < 0) {
                throw new Error("Maximum lock count exceeded");
            }
            setState(next);
            return true;
        }
        return false;
    }

    @Override
    protected boolean tryRelease(int releases) {
        if (getExclusiveOwnerThread() != Thread.currentThread()) {
            throw new IllegalMonitorStateException("the stripe lock is not held by " + Thread.currentThread());
        }
        int holds = getState() - releases;
        if (holds == 0) {
            setExclusiveOwnerThread(null);
        }
        setState(holds);
        return holds == 0;
    }

    @Override
    protected boolean isHeldExclusively() {
        return getExclusiveOwnerThread() == Thread.currentThread();
    }

    @Override
    public void lock() {
        acquire(1);
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        acquireInterruptibly(1);
    }

    @Override
    public boolean tryLock() {
        return tryAcquire(1);
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return tryAcquireNanos(1, unit.toNanos(time));
    }

    @Override
    public void unlock() {
        release(1);
    }

    @Override
    public Condition newCondition() {
        return new ConditionObject();
    }
}
