package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.api.Test;

/** {@link StripeLock} keeps {@code ReentrantLock}'s promises: exclusion, reentrancy, ownership, conditions. */
class StripeLockTest {

    @Test
    void excludesOtherThreadsAndLetsTheOwnerReenter() throws Exception {
        StripeLock lock = new StripeLock();
        lock.lock();
        lock.lock();
        assertFalse(CompletableFuture.supplyAsync(lock::tryLock).get(), "another thread got a held lock");
        lock.unlock();
        assertFalse(CompletableFuture.supplyAsync(lock::tryLock).get(), "one unlock of two released the lock");
        lock.unlock();
        assertTrue(CompletableFuture.supplyAsync(() -> {
            boolean got = lock.tryLock();
            lock.unlock();
            return got;
        }).get());
    }

    @Test
    void onlyTheOwnerUnlocks() throws Exception {
        StripeLock lock = new StripeLock();
        IllegalMonitorStateException free = assertThrowsExactly(IllegalMonitorStateException.class, lock::unlock);
        assertTrue(free.getMessage().contains(Thread.currentThread().getName()), free.getMessage());
        lock.lock();
        try {
            CompletableFuture<Void> other = CompletableFuture.runAsync(lock::unlock);
            ExecutionException refused = assertThrowsExactly(ExecutionException.class, other::get);
            assertEquals(IllegalMonitorStateException.class, refused.getCause().getClass());
            assertFalse(CompletableFuture.supplyAsync(lock::tryLock).get(), "another thread's unlock released it");
        } finally {
            lock.unlock();
        }
    }

    @Test
    void timedTryLockGivesUpAndConditionsWakeWaiters() throws Exception {
        StripeLock lock = new StripeLock();
        lock.lock();
        long start = System.nanoTime();
        assertFalse(CompletableFuture.supplyAsync(() -> {
            try {
                return lock.tryLock(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }).get());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
        lock.unlock();

        Condition signalled = lock.newCondition();
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
            lock.lock();
            try {
                waiting.countDown();
                signalled.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                lock.unlock();
            }
        });
        waiting.await();
        lock.lock(); // the waiter released the lock in await
        signalled.signal();
        lock.unlock();
        waiter.get(10, TimeUnit.SECONDS);
    }

    @Test
    void fourThreadsCountWithoutLosingAnIncrement() throws Exception {
        StripeLock lock = new StripeLock();
        int[] count = {0};
        int perThread = 200_000;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    lock.lock();
                    try {
                        count[0]++;
                    } finally {
                        lock.unlock();
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        lock.lock();
        try {
            assertEquals(4 * perThread, count[0]);
        } finally {
            lock.unlock();
        }
    }
}
