package io.slabforge.samples;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.slabforge.SlabByteQueue;
import io.slabforge.SlabOutOfMemoryException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * A producer/consumer pipeline through an off-heap byte queue (tinyalloc's interrupt-handler pattern): one thread
 * writes text lines into a {@link SlabByteQueue#spsc() single-producer/single-consumer} queue, another reads them
 * back in blocks and parses them, with no lock on either side's fast path. The queue is capped at 1 MiB, so when
 * the producer runs ahead it gets {@link SlabOutOfMemoryException}, loses nothing, and retries once the consumer
 * has caught up.
 */
public final class ByteQueueSample {

    private ByteQueueSample() {}

    /**
     * Runs the sample.
     *
     * @param args optional: how many lines
     * @throws InterruptedException if interrupted while waiting for the producer
     */
    public static void main(String[] args) throws InterruptedException {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        try (SlabByteQueue queue = SlabByteQueue.builder().maxBytes(1 << 20).buildSpsc()) {
            long[] stalls = new long[1];
            long start = System.nanoTime();
            Thread producer = Thread.ofPlatform().name("producer").start(() -> {
                for (int i = 0; i < lines; i++) {
                    byte[] line = ("reading " + i + " value " + (i * 31 % 1000) + "\n").getBytes(US_ASCII);
                    while (true) {
                        try {
                            queue.write(line);      // all or nothing
                            break;
                        } catch (SlabOutOfMemoryException full) {
                            stalls[0]++;
                            LockSupport.parkNanos(50_000);   // let the consumer catch up
                        }
                    }
                }
            });

            ByteBuffer block = ByteBuffer.allocate(8192);
            StringBuilder line = new StringBuilder();
            long expected = 0;
            long valueSum = 0;
            while (expected < lines) {
                if (queue.read(block) == 0) {
                    LockSupport.parkNanos(10_000);
                    continue;
                }
                block.flip();
                while (block.hasRemaining()) {
                    char c = (char) block.get();
                    if (c != '\n') {
                        line.append(c);
                        continue;
                    }
                    String[] fields = line.toString().split(" ");
                    if (Long.parseLong(fields[1]) != expected) {
                        throw new IllegalStateException("line " + expected + " arrived as: " + line);
                    }
                    valueSum += Long.parseLong(fields[3]);
                    expected++;
                    line.setLength(0);
                }
                block.clear();
            }
            producer.join();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%,d lines (%,d bytes) in order through the queue in %.2f s, value sum %d, producer"
                    + " waited for room %,d times%n", lines, queue.bytesRead(), seconds, valueSum, stalls[0]);
            if (!queue.isEmpty()) {
                throw new IllegalStateException(queue.size() + " bytes left over");
            }
        }
    }
}
