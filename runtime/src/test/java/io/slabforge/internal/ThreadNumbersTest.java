package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The cached thread numbers behind a LOCKED cache's home stripes: stable per thread, distinct across threads. */
class ThreadNumbersTest {

    private static final int ALL = 0xFFFF;

    @Test
    void aThreadKeepsItsNumber() {
        int first = ThreadNumbers.current(ALL);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(first, ThreadNumbers.current(ALL));
        }
        assertEquals(first & 7, ThreadNumbers.current(7));
    }

    /**
     * More threads than the table has entries, alive at once, so that ids share entries and evict each other:
     * every thread still reads its own number every time, and no two threads get the same one.
     */
    @Test
    void threadsWhoseIdsShareAnEntryKeepTheirOwnNumbers() throws InterruptedException {
        int threads = 3_000;
        ConcurrentHashMap<Long, Integer> numbers = new ConcurrentHashMap<>();
        Set<String> failures = ConcurrentHashMap.newKeySet();
        CountDownLatch allStarted = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        Thread[] started = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            started[t] = Thread.ofVirtual().start(() -> {
                int number = ThreadNumbers.current(ALL);
                allStarted.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < 200; i++) {
                    int again = ThreadNumbers.current(ALL);
                    if (again != number) {
                        failures.add("thread " + Thread.currentThread().threadId() + " had " + number + ", then "
                                + again);
                        return;
                    }
                    Thread.yield();
                }
                numbers.put(Thread.currentThread().threadId(), number);
            });
        }
        allStarted.await();
        go.countDown();
        for (Thread thread : started) {
            thread.join();
        }
        assertTrue(failures.isEmpty(), () -> String.join("; ", failures));
        assertEquals(threads, numbers.size());
        assertEquals(threads, new HashSet<>(numbers.values()).size(), "two threads got the same number");
    }
}
