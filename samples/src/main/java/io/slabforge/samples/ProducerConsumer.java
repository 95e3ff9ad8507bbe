package io.slabforge.samples;

import io.slabforge.SlabSync;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Producer/consumer across threads: one thread allocates particles in a {@link SlabSync#LOCKED} cache and passes
 * their handles through a queue; another reads each particle and frees it. A handle is a plain {@code long}, and
 * the queue's hand-off makes the producer's writes visible to the consumer.
 */
public final class ProducerConsumer {
    private static final long POISON = 0;   // never a handle

    private ProducerConsumer() {}

    /**
     * Runs the sample.
     *
     * @param args optional: number of particles to pass
     * @throws InterruptedException if interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        try (ParticleSlab slab = ParticleSlab.builder().sync(SlabSync.LOCKED).build()) {
            BlockingQueue<Long> queue = new ArrayBlockingQueue<>(1024);
            double[] consumed = new double[1];
            Thread consumer = Thread.ofPlatform().name("consumer").start(() -> {
                try {
                    ParticleSlab.Ref particle = slab.ref();
                    for (long handle = queue.take(); handle != POISON; handle = queue.take()) {
                        consumed[0] += particle.wrap(handle).x();
                        slab.free(handle);             // freed by a thread that did not allocate it
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            double produced = 0;
            for (int i = 0; i < count; i++) {
                queue.put(slab.allocate(new Particle(i, 0, 0, i, 0)));
                produced += i;
            }
            queue.put(POISON);
            consumer.join();
            System.out.printf("produced sum %.0f, consumed sum %.0f, live after: %d%n", produced, consumed[0],
                    slab.liveCount());
            if (produced != consumed[0] || slab.liveCount() != 0) {
                throw new IllegalStateException("lost particles");
            }
        }
    }
}
