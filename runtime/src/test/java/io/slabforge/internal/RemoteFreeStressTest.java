package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabStats;
import io.slabforge.SlabSync;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stress tests of a {@code LOCKED} cache's lease fast path and remote frees (docs/ARCHITECTURE.md, "Threads"),
 * short enough for every build: 8 threads on however few cores, handles handed across threads through queues,
 * every thread freeing others' objects, cookies verified before every free, the counts checked against the test's
 * own at quiescent points; short-lived threads whose objects another thread frees. Run with and without native
 * access (the {@code no-native-access} execution), on the built-in provider and on a counting one.
 *
 * <p>The races themselves, with their outcome tables, are in {@link LockedRaceTest}.
 */
@ExtendWith(Seeds.class)
class RemoteFreeStressTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);
    private static final int THREADS = 8;
    private static final int ROUNDS = Integer.getInteger("slabforge.stress.rounds", 6);
    private static final int PER_ROUND = 4_000;

    /**
     * 8 threads in a ring of queues: each allocates, writes its cookie and hands the handle to the next thread,
     * which verifies the cookie and frees it (a remote free, mostly) or keeps it a while; at the end of each round
     * every thread stops at a barrier and the cache's live count and stats must equal the test's own count.
     */
    @Test
    void eightThreadsHandHandlesAroundAndFreeEachOthersObjects() throws Exception {
        CountingMemory memory = new CountingMemory("ring");
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(SlabSync.LOCKED).memory(memory).build()) {
            List<BlockingQueue<Long>> queues = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                queues.add(new ArrayBlockingQueue<>(PER_ROUND * 2));
            }
            AtomicLong live = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long[] counted = new long[1];
            CyclicBarrier quiescent = new CyclicBarrier(THREADS, () -> {
                // Every thread is parked here: nothing is in flight.
                try {
                    long expected = live.get();
                    counted[0]++;
                    assertEquals(expected, engine.liveCount(), Seeds.msg("liveCount at a quiescent point"));
                    SlabStats stats = engine.stats();
                    assertEquals(expected, stats.liveObjects(), Seeds.msg("stats " + stats));
                    assertEquals(stats.allocations() - stats.frees(), expected, Seeds.msg("stats " + stats));
                    PoolConsistency.assertConsistent(engine);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int me = t;
                threads.add(Thread.ofPlatform().name("ring-" + t).start(() -> {
                    SplittableRandom random = Seeds.random("ring-" + me);
                    BlockingQueue<Long> mine = queues.get(me);
                    BlockingQueue<Long> next = queues.get((me + 1) % THREADS);
                    List<Long> kept = new ArrayList<>();
                    try {
                        for (int round = 0; round < ROUNDS && failure.get() == null; round++) {
                            for (int i = 0; i < PER_ROUND; i++) {
                                long h = engine.allocate();
                                live.incrementAndGet();
                                Cookies.write(engine, h, 7);
                                next.put(h);
                                Long theirs = mine.poll();
                                if (theirs != null) {
                                    Cookies.verify(engine, theirs, 7);
                                    if (random.nextInt(4) == 0) {
                                        kept.add(theirs);
                                    } else {
                                        engine.free(theirs);
                                        live.decrementAndGet();
                                    }
                                }
                                if (kept.size() > 64) {
                                    long old = kept.remove(random.nextInt(kept.size()));
                                    Cookies.verify(engine, old, 7);
                                    engine.free(old);
                                    live.decrementAndGet();
                                }
                            }
                            quiescent.await(30, TimeUnit.SECONDS);
                        }
                        quiescent.await(30, TimeUnit.SECONDS); // the queues are full: nothing is taken now
                        for (Long h; (h = mine.poll()) != null; ) {
                            Cookies.verify(engine, h, 7);
                            engine.free(h);
                            live.decrementAndGet();
                        }
                        for (long h : kept) {
                            Cookies.verify(engine, h, 7);
                            engine.free(h);
                            live.decrementAndGet();
                        }
                        quiescent.await(30, TimeUnit.SECONDS);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                        quiescent.reset();
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
                assertTrue(!thread.isAlive(), Seeds.msg(thread.getName() + " hangs"));
            }
            if (failure.get() != null) {
                throw new AssertionError(Seeds.msg("a thread failed"), failure.get());
            }
            assertEquals(ROUNDS + 2, counted[0]);
            assertEquals(0, engine.liveCount());
            PoolConsistency.assertConsistent(engine);
        }
        assertEquals(0, memory.outstanding(), "every slab back with the provider after close");
    }

    /**
     * 1,000 short-lived platform threads each allocate a few objects and end; a long-lived thread frees them all
     * (every free remote, into stripes whose last allocating thread is gone). The stripes outlive the threads, so
     * nothing is owned by a dead thread; once the frees are collected (stats() collects) every slab is back with
     * the provider (reserveSlabs 0).
     */
    @Test
    void aThousandShortLivedThreadsWhoseObjectsAnotherThreadFrees() throws Exception {
        CountingMemory memory = new CountingMemory("short-lived");
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(SlabSync.LOCKED).memory(memory).reserveSlabs(0)
                .build()) {
            BlockingQueue<Long> handed = new ArrayBlockingQueue<>(1 << 16);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            int perThread = 40;
            int threads = 1_000;
            Thread freer = Thread.ofPlatform().name("freer").start(() -> {
                try {
                    for (int i = 0; i < threads * perThread; i++) {
                        Long h = handed.poll(30, TimeUnit.SECONDS);
                        if (h == null) {
                            throw new AssertionError(Seeds.msg("no handle after " + i));
                        }
                        Cookies.verify(engine, h, 3);
                        engine.free(h);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            for (int t = 0; t < threads && failure.get() == null; t++) {
                Thread worker = Thread.ofPlatform().name("short-" + t).start(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            long h = engine.allocate();
                            Cookies.write(engine, h, 3);
                            handed.put(h);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                if (t % 8 == 7) {
                    worker.join(); // a few alive at a time, as a thread pool's would be
                }
            }
            freer.join(TimeUnit.SECONDS.toMillis(60));
            if (failure.get() != null) {
                throw new AssertionError(Seeds.msg("a thread failed"), failure.get());
            }
            assertEquals(0, engine.liveCount());
            SlabStats stats = engine.stats();
            assertEquals(threads * perThread, stats.allocations());
            assertEquals(threads * perThread, stats.frees());
            assertEquals(0, stats.slabs(), Seeds.msg("slabs held after every object was freed: " + stats));
            assertEquals(0, memory.outstanding(), "every slab back with the provider");
            PoolConsistency.assertConsistent(engine);
        }
    }

    /**
     * 10,000 virtual threads allocate 4 objects each and all wait, alive, until every one has: the cache then holds
     * the slabs of 40,000 objects plus at most one partly used slab per stripe (a cache per thread would hold
     * 10,000 slabs). Then each frees two of its own and two of another's (remote frees). The slabs held at the
     * peak are printed for the note.
     */
    @Test
    void tenThousandVirtualThreadsNeedMemoryPerStripeNotPerThread() throws Exception {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(SlabSync.LOCKED).build()) {
            int threads = 10_000;
            int perThread = 4;
            long[][] handles = new long[threads][];
            java.util.concurrent.CountDownLatch allocated = new java.util.concurrent.CountDownLatch(threads);
            java.util.concurrent.CountDownLatch measured = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch ownFreed = new java.util.concurrent.CountDownLatch(threads);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> started = new ArrayList<>(threads);
            for (int t = 0; t < threads; t++) {
                int me = t;
                started.add(Thread.ofVirtual().start(() -> {
                    try {
                        long[] mine = new long[perThread];
                        for (int i = 0; i < perThread; i++) {
                            mine[i] = engine.allocate();
                            Cookies.write(engine, mine[i], me);
                        }
                        handles[me] = mine;
                        allocated.countDown();
                        measured.await();
                        for (int i = 0; i < perThread; i += 2) {
                            Cookies.verify(engine, mine[i], me);
                            engine.free(mine[i]);
                        }
                        ownFreed.countDown();
                        ownFreed.await();
                        long[] theirs = handles[(me + 1) % threads];
                        for (int i = 1; i < perThread; i += 2) {
                            Cookies.verify(engine, theirs[i], (me + 1) % threads);
                            engine.free(theirs[i]);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                        allocated.countDown();
                        ownFreed.countDown();
                    }
                }));
            }
            assertTrue(allocated.await(60, TimeUnit.SECONDS), "the virtual threads did not all allocate");
            SlabStats peak = engine.stats();
            measured.countDown();
            for (Thread thread : started) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            }
            if (failure.get() != null) {
                throw new AssertionError(Seeds.msg("a virtual thread failed"), failure.get());
            }
            int stripes = engine.stripeCount();
            long objects = (long) threads * perThread;
            long bound = (objects + GEOMETRY.slotsPerSlab() - 1) / GEOMETRY.slotsPerSlab() + stripes;
            SlabStats after = engine.stats();
            System.out.println("10,000 virtual threads, " + objects + " objects, " + stripes + " stripes: "
                    + peak.slabs() + " slabs (" + peak.reservedBytes() + " bytes; bound " + bound + " slabs) at the"
                    + " peak, " + after.slabs() + " after every free");
            assertEquals(objects, peak.liveObjects());
            assertTrue(peak.slabs() <= bound, "slabs " + peak.slabs() + " at the peak, bound " + bound);
            assertEquals(0, after.liveObjects());
            assertTrue(after.slabs() <= stripes, "after the frees: at most the one kept empty slab per stripe");
            PoolConsistency.assertConsistent(engine);
        }
    }

    /** A failed free must leave the handle where it was: the thread that still has it frees it. */
    @Test
    void aRemoteDoubleFreeIsRefusedAndChangesNothing() throws Exception {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).sync(SlabSync.LOCKED).stripes(2).build()) {
            long h = engine.allocate();
            Thread other = Thread.ofPlatform().start(() -> {});
            other.join();
            engine.free(h);
            AtomicReference<Throwable> second = new AtomicReference<>();
            Thread remote = Thread.ofPlatform().start(() -> {
                try {
                    engine.free(h);
                } catch (Throwable e) {
                    second.set(e);
                }
            });
            remote.join();
            assertEquals(InvalidHandleException.class, second.get().getClass(), String.valueOf(second.get()));
            assertTrue(second.get().getMessage().contains("it was freed"), second.get().getMessage());
            assertEquals(0, engine.liveCount());
            PoolConsistency.assertConsistent(engine);
        }
    }
}
