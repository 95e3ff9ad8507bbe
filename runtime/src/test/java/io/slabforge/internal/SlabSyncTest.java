package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabStats;
import io.slabforge.SlabSync;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CONFINED, LOCKED (own and user-supplied lock) and NONE, and SlabBox across threads. */
@ExtendWith(Seeds.class)
class SlabSyncTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);

    /** A box as generated caches subclass it. */
    static final class TestBox extends SlabBox {
        TestBox(SlabEngine engine, long handle) {
            super(engine, handle);
        }
    }

    /** Runs {@code action} on another thread and returns what it threw (or null). */
    static Throwable onOtherThread(Executable action) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name("intruder").start(() -> {
            try {
                action.execute();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        thread.join();
        return thrown.get();
    }

    @Test
    void confinedCacheRefusesEveryOtherThread() throws InterruptedException {
        CountingMemory memory = new CountingMemory("confined");
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(memory).build()) {
            assertEquals(SlabSync.CONFINED, engine.sync());
            long h = engine.allocate();
            Cookies.write(engine, h, 1);
            SlabStats before = engine.stats();
            Map<String, Executable> calls = new LinkedHashMap<>();
            calls.put("allocate", engine::allocate);
            calls.put("allocateUninitialized", engine::allocateUninitialized);
            calls.put("tryAllocate", engine::tryAllocate);
            calls.put("tryAllocateUninitialized", engine::tryAllocateUninitialized);
            calls.put("free", () -> engine.free(h));
            calls.put("getLong", () -> engine.getLong(h, 0));
            calls.put("setLong", () -> engine.setLong(h, 0, 1));
            calls.put("getAndAddInt", () -> engine.getAndAddInt(h, 0, 1));
            calls.put("segment", () -> engine.segment(h));
            calls.put("isLive", () -> engine.isLive(h));
            calls.put("forEach", () -> engine.forEach(x -> { }));
            calls.put("checkThread", engine::checkThread);
            calls.put("close", engine::close);
            calls.put("getLong(garbage)", () -> engine.getLong(12345, 0));
            calls.put("segment(garbage)", () -> engine.segment(12345));
            for (Map.Entry<String, Executable> call : calls.entrySet()) {
                Throwable t = onOtherThread(call.getValue());
                assertInstanceOf(WrongThreadException.class, t, call.getKey() + " from another thread");
                assertTrue(t.getMessage().contains("confined to thread " + Thread.currentThread().getName()),
                        t.getMessage());
                assertTrue(t.getMessage().contains("intruder"), t.getMessage());
            }
            assertFalse(engine.isClosed());
            // Monitoring reads a confined cache from its own threads (JMX, metrics): stats() and liveCount() answer
            // there with a racy snapshot instead of WrongThreadException, and change nothing.
            SlabStats[] seen = new SlabStats[1];
            long[] live = new long[1];
            assertNull(onOtherThread(() -> {
                seen[0] = engine.stats();
                live[0] = engine.liveCount();
            }));
            assertEquals(before, seen[0], "nothing changed since, so the racy snapshot is exact");
            assertEquals(1, live[0]);
            assertEquals(before, engine.stats());
            assertTrue(engine.isLive(h));
            Cookies.verify(engine, h, 1);
            assertEquals(1, memory.allocateCalls());
            engine.free(h);
        }
        assertEquals(0, memory.outstanding());
    }

    @Test
    void confinedBoxClosedFromAnotherThreadThrowsAndStaysOpen() throws InterruptedException {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).build()) {
            TestBox box = new TestBox(engine, engine.allocate());
            long h = box.handle();
            Throwable t = onOtherThread(box::close);
            assertInstanceOf(WrongThreadException.class, t);
            assertFalse(box.isClosed());
            assertEquals(h, box.handle());
            assertTrue(engine.isLive(h));
            box.close();
            assertTrue(box.isClosed());
            assertEquals(0, box.handle());
            assertFalse(engine.isLive(h));
            box.close(); // harmless
            assertEquals(0, engine.liveCount());
            assertEquals(1, engine.stats().frees());
            assertThrowsExactly(InvalidHandleException.class, () -> engine.getLong(box.handle(), 0));
            assertThrowsExactly(InvalidHandleException.class, () -> engine.getLong(h, 0));
        }
    }

    @Test
    void boxCloseAfterCacheCloseIsANoOp() {
        CountingMemory memory = new CountingMemory("box-after-close");
        SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(memory).build();
        TestBox box = new TestBox(engine, engine.allocate());
        engine.close();
        assertEquals(0, memory.outstanding());
        box.close();
        assertTrue(box.isClosed());
        box.close();
    }

    @Test
    void lockedBoxMayBeClosedByAnyThreadExactlyOnce() throws InterruptedException {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(SlabSync.LOCKED).build()) {
            for (int round = 0; round < 200; round++) {
                TestBox box = new TestBox(engine, engine.allocate());
                CountDownLatch start = new CountDownLatch(1);
                List<Thread> closers = new ArrayList<>();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                for (int i = 0; i < 3; i++) {
                    closers.add(Thread.ofPlatform().start(() -> {
                        try {
                            start.await();
                            box.close();
                        } catch (Throwable t) {
                            failure.set(t);
                        }
                    }));
                }
                start.countDown();
                for (Thread closer : closers) {
                    closer.join();
                }
                assertNull(failure.get());
                assertTrue(box.isClosed());
                assertEquals(round + 1, engine.stats().frees(), "exactly one of the racing closers freed it");
            }
            assertEquals(0, engine.liveCount());
        }
    }

    /** Box.close racing the cache's close: never an exception, never a double free. */
    @Test
    void lockedBoxCloseRacingCacheClose() throws InterruptedException {
        for (int round = 0; round < 200; round++) {
            CountingMemory memory = new CountingMemory("race");
            SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(memory).sync(SlabSync.LOCKED).build();
            List<TestBox> boxes = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                boxes.add(new TestBox(engine, engine.allocate()));
            }
            CountDownLatch start = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread closer = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    boxes.forEach(TestBox::close);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            start.countDown();
            while (engine.liveCount() > 200) { // close the cache while the other thread is busy closing boxes
                Thread.onSpinWait();
            }
            engine.close();
            closer.join();
            assertNull(failure.get(), () -> "box close racing cache close threw " + failure.get());
            assertEquals(0, memory.outstanding());
        }
    }

    /**
     * Two threads on a LOCKED cache: each allocates, writes cookies, frees some itself and hands the rest to the
     * other through a queue; the receiver verifies the cookie and frees. No corruption; final stats exact.
     */
    @ParameterizedTest(name = "user lock: {0}")
    @ValueSource(booleans = {false, true})
    void twoThreadsWithCrossThreadFrees(boolean userLock) throws InterruptedException {
        CountingLock lock = new CountingLock();
        CountingMemory memory = new CountingMemory("locked");
        SlabEngine.Builder builder = SlabEngine.builder(GEOMETRY).memory(memory);
        SlabEngine engine = (userLock ? builder.lock(lock) : builder.sync(SlabSync.LOCKED)).build();
        assertEquals(SlabSync.LOCKED, engine.sync());
        int perThread = 300_000;
        long salt = 0x5EED;
        List<BlockingQueue<Long>> queues = List.of(new ArrayBlockingQueue<>(1024), new ArrayBlockingQueue<>(1024));
        AtomicLong allocated = new AtomicLong();
        AtomicLong freed = new AtomicLong();
        AtomicLong crossFrees = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            BlockingQueue<Long> outbox = queues.get(t);
            BlockingQueue<Long> inbox = queues.get(1 - t);
            SplittableRandom random = Seeds.random("sync worker " + userLock + " " + t);
            threads.add(Thread.ofPlatform().name("worker-" + t).start(() -> {
                try {
                    List<Long> mine = new ArrayList<>();
                    boolean otherDone = false;
                    for (int i = 0; i < perThread; i++) {
                        long h = engine.allocate();
                        allocated.incrementAndGet();
                        Cookies.write(engine, h, salt);
                        if (random.nextBoolean()) {
                            outbox.put(h);
                        } else {
                            mine.add(h);
                        }
                        if (mine.size() > 500 || random.nextInt(8) == 0 && !mine.isEmpty()) {
                            long victim = mine.remove(random.nextInt(mine.size()));
                            Cookies.verify(engine, victim, salt);
                            engine.free(victim);
                            freed.incrementAndGet();
                        }
                        for (Long received; !otherDone && (received = inbox.poll()) != null; ) {
                            if (received == 0L) {
                                otherDone = true;
                                break;
                            }
                            Cookies.verify(engine, received, salt);
                            engine.free(received);
                            freed.incrementAndGet();
                            crossFrees.incrementAndGet();
                        }
                    }
                    for (long h : mine) {
                        Cookies.verify(engine, h, salt);
                        engine.free(h);
                        freed.incrementAndGet();
                    }
                    outbox.put(0L); // done
                    for (Long received; !otherDone && (received = inbox.take()) != 0L; ) {
                        Cookies.verify(engine, received, salt);
                        engine.free(received);
                        freed.incrementAndGet();
                        crossFrees.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    queues.forEach(q -> q.offer(0L));
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(Seeds.msg("a worker failed"), failure.get());
        }
        assertEquals(2L * perThread, allocated.get());
        assertEquals(2L * perThread, freed.get());
        assertTrue(crossFrees.get() > perThread / 2, "cross-thread frees: " + crossFrees.get());
        SlabStats stats = engine.stats();
        assertEquals(2L * perThread, stats.allocations());
        assertEquals(2L * perThread, stats.frees());
        assertEquals(0, stats.liveObjects());
        assertEquals(0, engine.liveCount());
        // reserveSlabs (default 1) applies per stripe; a user's lock makes one stripe.
        if (userLock) {
            assertEquals(1, engine.stripeCount(), "a lock of the user's guards the whole cache");
        }
        assertTrue(stats.slabs() <= engine.stripeCount(),
                "at most one reserved slab per stripe stays: " + stats.slabs());
        assertEquals(memory.outstanding(), stats.slabs());
        PoolConsistency.assertConsistent(engine);
        engine.close();
        assertEquals(0, memory.outstanding());
        if (userLock) {
            assertTrue(lock.acquisitions.get() >= 4L * perThread, "the engine used the given lock: "
                    + lock.acquisitions.get());
        } else {
            assertEquals(0, lock.acquisitions.get());
        }
    }

    /** The user's lock really guards the cache: while another thread holds it, allocation waits. */
    @Test
    void userSuppliedLockGuardsTheCache() throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).lock(lock).build()) {
            lock.lock();
            AtomicLong handle = new AtomicLong();
            Thread other;
            try {
                other = Thread.ofPlatform().start(() -> handle.set(engine.allocate()));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!lock.hasQueuedThread(other) && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertTrue(lock.hasQueuedThread(other), "allocate waits for the user's lock");
                assertEquals(0, handle.get());
            } finally {
                lock.unlock();
            }
            other.join();
            assertTrue(engine.isLive(handle.get()));
            engine.free(handle.get()); // the owner thread may free what another allocated
        }
    }

    @Test
    void lockRequiresLockedSync() {
        IllegalArgumentException confined = assertThrowsExactly(IllegalArgumentException.class,
                () -> SlabEngine.builder(GEOMETRY).lock(new ReentrantLock()).sync(SlabSync.CONFINED).build());
        assertTrue(confined.getMessage().contains("CONFINED"), confined.getMessage());
        IllegalArgumentException none = assertThrowsExactly(IllegalArgumentException.class,
                () -> SlabEngine.builder(GEOMETRY).lock(new ReentrantLock()).sync(SlabSync.NONE).build());
        assertTrue(none.getMessage().contains("NONE"), none.getMessage());
    }

    @Test
    void noneSyncMakesNoThreadChecks() throws InterruptedException {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(SlabSync.NONE).build()) {
            AtomicLong h = new AtomicLong();
            assertNull(onOtherThread(() -> h.set(engine.allocate())));
            assertTrue(engine.isLive(h.get()));
            assertNull(onOtherThread(() -> Cookies.write(engine, h.get(), 3)));
            Cookies.verify(engine, h.get(), 3);
            assertNull(onOtherThread(() -> engine.free(h.get())));
            assertEquals(0, engine.liveCount());
            AtomicInteger visits = new AtomicInteger();
            assertNull(onOtherThread(() -> engine.forEach(x -> visits.incrementAndGet())));
            assertEquals(0, visits.get());
        }
    }

    /** A Lock that counts acquisitions, to prove the engine uses the one it was given. */
    static final class CountingLock implements Lock {
        final ReentrantLock delegate = new ReentrantLock();
        final AtomicLong acquisitions = new AtomicLong();

        @Override
        public void lock() {
            delegate.lock();
            acquisitions.incrementAndGet();
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            delegate.lockInterruptibly();
            acquisitions.incrementAndGet();
        }

        @Override
        public boolean tryLock() {
            boolean locked = delegate.tryLock();
            if (locked) {
                acquisitions.incrementAndGet();
            }
            return locked;
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            boolean locked = delegate.tryLock(time, unit);
            if (locked) {
                acquisitions.incrementAndGet();
            }
            return locked;
        }

        @Override
        public void unlock() {
            delegate.unlock();
        }

        @Override
        public Condition newCondition() {
            return delegate.newCondition();
        }
    }
}
