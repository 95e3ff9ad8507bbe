package io.slabforge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The first thread that writes to an spsc queue owns its producer side, the first that reads its consumer side; any
 * other thread gets an {@link IllegalStateException} naming both threads, and the queue is untouched (two producers
 * used to wedge it for good after delivering garbage). A queue from {@code create()} may be handed between threads.
 */
class SpscOwnershipTest {

    private static IllegalStateException onOtherThread(String name, Runnable action) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name(name).start(() -> {
            try {
                action.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.join();
        Throwable e = thrown.get();
        assertTrue(e instanceof IllegalStateException, String.valueOf(e));
        return (IllegalStateException) e;
    }

    @Test
    void aSecondProducerIsRefusedNamingBothThreads() throws InterruptedException {
        try (SlabByteQueue queue = SlabByteQueue.spsc()) {
            queue.write(new byte[] {1, 2, 3});
            IllegalStateException e = onOtherThread("second-producer", () -> queue.write(new byte[] {9, 9}));
            assertTrue(e.getMessage().contains("second-producer"), e.getMessage());
            assertTrue(e.getMessage().contains(Thread.currentThread().getName()), e.getMessage());
            assertTrue(e.getMessage().contains("producer"), e.getMessage());
            onOtherThread("second-producer-byte", () -> queue.write((byte) 7));
            onOtherThread("second-producer-segment",
                    () -> queue.write(java.lang.foreign.MemorySegment.ofArray(new byte[4])));
            assertEquals(3, queue.size(), "nothing of the refused writes arrived");

            byte[] out = new byte[3];
            Thread consumer = Thread.ofPlatform().name("the-consumer").start(() -> queue.read(out));
            consumer.join();
            assertArrayEquals(new byte[] {1, 2, 3}, out);
            IllegalStateException r = assertThrowsExactly(IllegalStateException.class, queue::read);
            assertTrue(r.getMessage().contains("the-consumer"), r.getMessage());
            assertThrowsExactly(IllegalStateException.class, queue::peek);
            assertThrowsExactly(IllegalStateException.class, () -> queue.skip(1));
            assertThrowsExactly(IllegalStateException.class, queue::clear);
            queue.write((byte) 4); // the producer goes on
            assertEquals(1, queue.size());
        }
    }

    @Test
    void oneProducerAndOneConsumerThreadWork() throws InterruptedException {
        try (SlabByteQueue queue = SlabByteQueue.spsc()) {
            int total = 1 << 20;
            Thread producer = Thread.ofPlatform().name("producer").start(() -> {
                byte[] chunk = new byte[1000];
                for (int sent = 0; sent < total; sent += chunk.length) {
                    int n = Math.min(chunk.length, total - sent);
                    for (int i = 0; i < n; i++) {
                        chunk[i] = (byte) (sent + i);
                    }
                    queue.write(chunk, 0, n);
                }
            });
            long received = 0;
            byte[] in = new byte[777];
            while (received < total) {
                int n = queue.read(in);
                for (int i = 0; i < n; i++) {
                    assertEquals((byte) (received + i), in[i]);
                }
                received += n;
                if (n == 0) {
                    Thread.onSpinWait();
                }
            }
            producer.join();
            assertEquals(total, queue.bytesRead());
        }
    }

    @Test
    void aPlainQueueMayBeHandedBetweenThreads() throws InterruptedException {
        try (SlabByteQueue queue = SlabByteQueue.create()) {
            queue.write((byte) 1);
            Thread t = Thread.ofPlatform().start(() -> queue.write((byte) 2));
            t.join();
            assertEquals(1, queue.read());
            assertEquals(2, queue.read());
        }
    }
}
