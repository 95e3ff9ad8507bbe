package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabMemory;
import io.slabforge.SlabOutOfMemoryException;
import io.slabforge.SlabStats;
import io.slabforge.SlabSync;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Striped {@link SlabSync#LOCKED} caches: each stripe its own slabs and lock, a thread allocating from its stripe,
 * frees routed to the stripe owning the slab, and every cache-wide promise (maxBytes, out of memory only when no
 * slot is left anywhere, exact statistics, iteration, close, one provider call at a time) kept across stripes.
 */
@ExtendWith(Seeds.class)
class StripedCacheTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);
    private static final int SLOTS = GEOMETRY.slotsPerSlab();

    private static SlabEngine.Builder locked() {
        return SlabEngine.builder(GEOMETRY).sync(SlabSync.LOCKED);
    }

    private static int stripeOf(SlabEngine engine, long handle) {
        return Cookies.slabIndex(engine, handle) & (engine.stripeCount() - 1);
    }

    /** Runs {@code body} on a new thread and waits for it, rethrowing what it threw. */
    private static <T> T onNewThread(java.util.concurrent.Callable<T> body) throws InterruptedException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                result.set(body.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        thread.join();
        if (failure.get() != null) {
            throw new AssertionError("the other thread failed", failure.get());
        }
        return result.get();
    }

    @Test
    void stripeCountFollowsTheBuilder() {
        int processors = Runtime.getRuntime().availableProcessors();
        int expected = Math.min(SlabEngine.MAX_DEFAULT_STRIPES, Integer.highestOneBit(processors * 2 - 1));
        try (SlabEngine engine = locked().build()) {
            assertEquals(expected, engine.stripeCount(), "LOCKED: processors rounded up to a power of two");
        }
        try (SlabEngine engine = locked().stripes(8).build()) {
            assertEquals(8, engine.stripeCount());
        }
        try (SlabEngine engine = locked().stripes(1).build()) {
            assertEquals(1, engine.stripeCount());
        }
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).lock(new ReentrantLock()).build()) {
            assertEquals(1, engine.stripeCount(), "a lock of the user's guards the whole cache");
        }
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).build()) {
            assertEquals(1, engine.stripeCount(), "CONFINED");
        }
    }

    @Test
    void badStripeCountsAreRefused() {
        for (int bad : new int[] {0, -2, 3, 6, 2048}) {
            IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class,
                    () -> locked().stripes(bad));
            assertTrue(e.getMessage().contains("stripes " + bad + " is not a power of two from 1 to 1024"),
                    e.getMessage());
        }
        IllegalArgumentException confined = assertThrowsExactly(IllegalArgumentException.class,
                () -> SlabEngine.builder(GEOMETRY).stripes(2).build());
        assertEquals("stripes(2) is for LOCKED caches; this one is CONFINED", confined.getMessage());
        IllegalArgumentException withLock = assertThrowsExactly(IllegalArgumentException.class,
                () -> SlabEngine.builder(GEOMETRY).lock(new ReentrantLock()).stripes(4).build());
        assertTrue(withLock.getMessage().startsWith("stripes(4) with a lock of your own"), withLock.getMessage());
        // 16 MiB slabs of 4-byte slots: 22 slot bits leave a handle space of 64 slabs.
        SlabGeometry huge = SlabGeometry.of(4, 4, 1 << 24);
        IllegalArgumentException tooMany = assertThrowsExactly(IllegalArgumentException.class,
                () -> SlabEngine.builder(huge).sync(SlabSync.LOCKED).stripes(128).build());
        assertTrue(tooMany.getMessage().contains("exceeds the 64 slabs"), tooMany.getMessage());
        try (SlabEngine engine = SlabEngine.builder(huge).sync(SlabSync.LOCKED).build()) {
            assertTrue(64 / engine.stripeCount() >= 1 && engine.stripeCount() <= SlabEngine.MAX_DEFAULT_STRIPES);
        }
    }

    @Test
    void threadsAllocateFromDifferentStripesAndFreeAcrossThem() throws InterruptedException {
        try (SlabEngine engine = locked().stripes(2).build()) {
            // Threads are numbered as they first allocate from any striped cache: two in a row get both stripes.
            long first = onNewThread(engine::allocate);
            long second = onNewThread(engine::allocate);
            assertNotEquals(stripeOf(engine, first), stripeOf(engine, second), "two threads, two stripes");
            Cookies.write(engine, first, 1);
            Cookies.write(engine, second, 2);
            assertEquals(2, engine.stats().slabs(), "each stripe took its own slab");
            // Freed by a third thread: routed to the owning stripe whichever thread frees.
            onNewThread(() -> {
                Cookies.verify(engine, first, 1);
                Cookies.verify(engine, second, 2);
                engine.free(first);
                engine.free(second);
                return null;
            });
            for (long stale : new long[] {first, second}) {
                InvalidHandleException e = assertThrowsExactly(InvalidHandleException.class, () -> engine.free(stale));
                assertTrue(e.getMessage().contains("it was freed (use after free or double free)"), e.getMessage());
                assertThrowsExactly(InvalidHandleException.class, () -> engine.getLong(stale, 0));
                assertThrowsExactly(InvalidHandleException.class, () -> engine.segment(stale));
                assertFalse(engine.isLive(stale));
            }
            SlabStats stats = engine.stats();
            assertEquals(2, stats.allocations());
            assertEquals(2, stats.frees());
            assertEquals(0, stats.liveObjects());
        }
    }

    @Test
    void slabIndicesAndMessagesAreCacheWide() throws InterruptedException {
        try (SlabEngine engine = locked().stripes(4).reserveSlabs(0).build()) {
            List<Long> handles = new ArrayList<>();
            for (int i = 0; i < 3 * SLOTS; i++) { // three slabs of this thread's stripe
                handles.add(engine.allocate());
            }
            Set<Integer> indices = new HashSet<>();
            SlotTable table = engine.table();
            for (long h : handles) {
                int index = Cookies.slabIndex(engine, h);
                indices.add(index);
                assertTrue(table.via(index) != SlotTable.RELEASED, "the table knows the slab by its cache-wide index");
                assertTrue(engine.describe(h).contains("slab " + index + ","), engine.describe(h));
            }
            int stripe = stripeOf(engine, handles.get(0));
            assertEquals(Set.of(stripe, stripe + 4, stripe + 8), indices, "stripe + n * stripes");
            PoolConsistency.assertConsistent(engine);
            long h = handles.get(SLOTS); // a slot of the second slab
            int second = Cookies.slabIndex(engine, h);
            engine.free(h);
            InvalidHandleException e = assertThrowsExactly(InvalidHandleException.class, () -> engine.free(h));
            assertTrue(e.getMessage().contains("it was freed"), e.getMessage());
            for (long other : handles) {
                if (other != h && Cookies.slabIndex(engine, other) == second) {
                    engine.free(other); // empties the second slab: given back at once (reserve 0)
                }
            }
            long gone = handles.stream().filter(x -> x != h && Cookies.slabIndex(engine, x) == second)
                    .findFirst().orElseThrow();
            InvalidHandleException released = assertThrowsExactly(InvalidHandleException.class,
                    () -> engine.free(gone));
            assertTrue(released.getMessage().contains("slab " + second + " is not held by this cache"),
                    released.getMessage());
            PoolConsistency.assertConsistent(engine);
        }
    }

    @Test
    void maxBytesCapsTheWholeCacheAndAllocationFallsBackToOtherStripes() throws InterruptedException {
        CountingMemory memory = new CountingMemory("striped-max-bytes");
        try (SlabEngine engine = locked().stripes(4).memory(memory).maxBytes(2 * GEOMETRY.slabSize()).build()) {
            List<Long> mine = new ArrayList<>();
            mine.add(engine.allocate()); // this thread's stripe takes a slab
            long elsewhere = 0;
            while (elsewhere == 0) { // another thread's stripe takes the second (threads are numbered in turn)
                long h = onNewThread(engine::allocate);
                if (stripeOf(engine, h) != stripeOf(engine, mine.get(0))) {
                    elsewhere = h;
                } else {
                    engine.free(h);
                }
            }
            Cookies.write(engine, mine.get(0), 7);
            // The budget is spent; once this stripe's slab is full, the other stripe's still has room and must be
            // used before the cache reports out of memory.
            for (int i = 0; i < 2 * SLOTS - 2; i++) {
                long h = engine.allocate();
                Cookies.write(engine, h, 7);
                mine.add(h);
            }
            int otherStripe = stripeOf(engine, elsewhere);
            assertTrue(mine.stream().anyMatch(h -> stripeOf(engine, h) == otherStripe),
                    "fell back to the other stripe");
            assertEquals(2, memory.outstanding());
            assertEquals(0, engine.tryAllocate(), "no slot anywhere: tryAllocate returns 0");
            SlabOutOfMemoryException e = assertThrowsExactly(SlabOutOfMemoryException.class, engine::allocate);
            assertTrue(e.getMessage().startsWith("maxBytes 8192 reached: 2 slabs of 4096 bytes held"),
                    e.getMessage());
            SlabStats full = engine.stats();
            assertEquals(2 * SLOTS, full.liveObjects());
            assertEquals(2, full.slabs());
            engine.free(elsewhere);
            long again = engine.allocate(); // the slot just freed in the other stripe
            assertEquals(stripeOf(engine, elsewhere), stripeOf(engine, again));
            mine.forEach(h -> Cookies.verify(engine, h, 7));
        }
        assertEquals(0, memory.outstanding(), "close gave back every stripe's slabs");
    }

    @Test
    void providerIsNeverCalledByTwoStripesAtOnce() throws InterruptedException {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        SlabMemory arena = SlabMemory.ofArena();
        SlabMemory exclusive = new SlabMemory() {
            @Override
            public MemorySegment allocate(long byteSize, long byteAlignment) {
                return exclusively(() -> arena.allocate(byteSize, byteAlignment));
            }

            @Override
            public void free(MemorySegment segment) {
                exclusively(() -> {
                    arena.free(segment);
                    return null;
                });
            }

            private <T> T exclusively(java.util.function.Supplier<T> call) {
                if (inside.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                try {
                    Thread.onSpinWait();
                    return call.get();
                } finally {
                    inside.decrementAndGet();
                }
            }
        };
        try (SlabEngine engine = locked().stripes(4).memory(exclusive).reserveSlabs(0).build()) {
            runWorkers(engine, 4, 20_000, 3 * SLOTS);
        }
        assertEquals(0, overlaps.get(), "the provider saw overlapping calls");
    }

    @Test
    void fourThreadsOnTwoStripesKeepEveryCacheWidePromise() throws InterruptedException {
        CountingMemory memory = new CountingMemory("striped-stress");
        SlabEngine engine = locked().stripes(2).memory(memory).build();
        long ops = runWorkers(engine, 4, 50_000, 2 * SLOTS);
        PoolConsistency.assertConsistent(engine);
        SlabStats stats = engine.stats();
        assertEquals(ops, stats.allocations() + stats.frees(), "every operation counted once");
        assertEquals(stats.allocations() - stats.frees(), stats.liveObjects());
        assertEquals(memory.outstanding(), stats.slabs(), "slabs held == segments outstanding at the provider");
        Set<Long> walked = new HashSet<>();
        engine.forEach(h -> assertTrue(walked.add(h), "visited twice: " + h));
        assertEquals(stats.liveObjects(), walked.size(), "forEach visits every stripe's live handles");
        for (long h : walked) {
            assertTrue(engine.isLive(h));
        }
        long sample = walked.iterator().next();
        engine.close();
        assertEquals(0, memory.outstanding(), "close gave back every stripe's slabs");
        assertTrue(engine.isClosed());
        assertEquals(0, engine.liveCount());
        String closed = assertThrowsExactly(IllegalStateException.class, () -> engine.free(sample)).getMessage();
        assertEquals("SlabEngine (tag " + engine.tag() + ", 32-byte slots in 4096-byte slabs) is closed; it cannot be"
                + " used after close()", closed);
        assertThrowsExactly(IllegalStateException.class, engine::allocate);
        assertThrowsExactly(IllegalStateException.class, () -> engine.getLong(sample, 0));
        assertThrowsExactly(IllegalStateException.class, () -> engine.segment(sample));
        assertFalse(engine.isLive(sample));
        engine.close(); // a second close does nothing
    }

    /**
     * The slot table grows (under every stripe's lock) while four threads allocate slabs on four stripes and read
     * each other's objects: no allocation is lost, no slot is handed out twice, no word written during a growth is
     * lost (every handle stays live and keeps its cookie), and the bookkeeping is consistent afterwards.
     */
    @Test
    void theTableGrowsWhileStripesAllocateAndRead() throws InterruptedException {
        try (SlabEngine engine = locked().stripes(4).build()) {
            int threads = 4;
            int perThread = 30 * SLOTS; // 120 slabs in all: the table grows several times
            java.util.concurrent.ConcurrentLinkedQueue<Long> published = new java.util.concurrent.ConcurrentLinkedQueue<>();
            List<List<Long>> mine = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Long> own = new ArrayList<>();
                mine.add(own);
                SplittableRandom random = Seeds.random("growth " + t);
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            long h = engine.allocate();
                            Cookies.write(engine, h, 11);
                            own.add(h);
                            if (i % 16 == 0) {
                                published.add(h);
                            }
                            if (i % 7 == 0) {
                                Cookies.verify(engine, own.get(random.nextInt(own.size())), 11);
                                Long theirs = published.peek();
                                if (theirs != null) {
                                    Cookies.verify(engine, theirs, 11);
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            start.countDown();
            for (Thread worker : workers) {
                worker.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(Seeds.msg("a worker failed"), failure.get());
            }
            Set<Long> places = new HashSet<>();
            for (List<Long> own : mine) {
                for (long h : own) {
                    assertTrue(engine.isLive(h), Seeds.msg("a handle died while the table grew"));
                    Cookies.verify(engine, h, 11);
                    assertTrue(places.add(Cookies.place(h)), Seeds.msg("slot handed out twice"));
                }
            }
            assertEquals((long) threads * perThread, engine.liveCount());
            assertTrue(engine.table().slabCapacity() >= 120, "the table grew: " + engine.table().slabCapacity());
            PoolConsistency.assertConsistent(engine);
        }
    }

    /**
     * {@code threads} workers each doing {@code opsPerThread} seeded-random allocations and frees (keeping at most
     * {@code maxLive} of their own live), handing every fourth handle to the next worker to free, with cookies
     * checked before every free; another thread takes statistics meanwhile. Returns the operations done; leaves
     * what is still live allocated.
     */
    private static long runWorkers(SlabEngine engine, int threads, int opsPerThread, int maxLive)
            throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<java.util.concurrent.ConcurrentLinkedQueue<Long>> inboxes = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            inboxes.add(new java.util.concurrent.ConcurrentLinkedQueue<>());
        }
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger(threads);
        java.util.concurrent.atomic.AtomicLong ops = new java.util.concurrent.atomic.AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    SplittableRandom random = Seeds.random("striped worker " + me);
                    List<Long> live = new ArrayList<>();
                    for (int op = 0; op < opsPerThread; op++) {
                        for (Long received; (received = inboxes.get(me).poll()) != null; ) {
                            Cookies.verify(engine, received, 99);
                            engine.free(received);
                            ops.incrementAndGet();
                        }
                        if (live.size() < maxLive && (live.isEmpty() || random.nextInt(3) != 0)) {
                            long h = engine.allocate();
                            Cookies.write(engine, h, 99);
                            live.add(h);
                        } else {
                            long h = live.remove(random.nextInt(live.size()));
                            Cookies.verify(engine, h, 99);
                            if (random.nextInt(4) == 0) {
                                inboxes.get((me + 1) % threads).add(h);
                                continue; // freed by the next worker
                            }
                            engine.free(h);
                        }
                        ops.incrementAndGet();
                    }
                    for (long h : live) {
                        Cookies.verify(engine, h, 99);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    running.decrementAndGet();
                }
            }));
        }
        Thread observer = Thread.ofPlatform().start(() -> {
            try {
                start.await();
                while (running.get() > 0) {
                    SlabStats s = engine.stats();
                    if (s.liveObjects() != s.allocations() - s.frees() || s.liveObjects() > s.capacity()) {
                        throw new AssertionError("inconsistent snapshot: " + s);
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        observer.join();
        // What was handed over after its receiver finished is freed here.
        for (var inbox : inboxes) {
            for (Long h; (h = inbox.poll()) != null; ) {
                Cookies.verify(engine, h, 99);
                engine.free(h);
                ops.incrementAndGet();
            }
        }
        if (failure.get() != null) {
            throw new AssertionError(Seeds.msg("a thread failed"), failure.get());
        }
        return ops.get();
    }
}
