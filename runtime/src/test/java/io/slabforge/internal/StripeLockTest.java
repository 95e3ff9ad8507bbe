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
import org.junit.jupiter.api.Test;

/** {@link StripeLock} keeps {@code ReentrantLock}'s promises: exclusion, reentrancy, ownership; and leases. */
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

        UnsupportedOperationException none = assertThrowsExactly(UnsupportedOperationException.class,
                lock::newCondition);
        assertTrue(none.getMessage().contains("no conditions"), none.getMessage());
    }

    @Test
    void aLeaseExcludesLockersAndOtherLeasesAndRecordsNoHolder() throws Exception {
        StripeLock lock = new StripeLock();
        assertTrue(lock.tryLease());
        assertFalse(lock.tryLease(), "a second lease of a leased word");
        assertFalse(lock.isHeldByCurrentThread(), "a lease records no holder");
        assertFalse(CompletableFuture.supplyAsync(lock::tryLock).get(), "another thread locked a leased word");
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            lock.lock(); // waits for the lease to end
            boolean held = lock.isHeldByCurrentThread();
            lock.unlock();
            return held;
        });
        started.await();
        Thread.sleep(20);
        assertFalse(waiter.isDone(), "lock() went past a lease");
        lock.endLease();
        assertTrue(waiter.get(10, TimeUnit.SECONDS));
        assertTrue(lock.tryLease(), "unlock left the word free");
        lock.endLease();
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
