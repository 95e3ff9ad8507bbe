package io.slabforge.benchmarks;

import io.slabforge.SlabByteQueue;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One producer thread writes 64-byte messages, one consumer thread reads them: {@code SlabByteQueue.spsc()} against
 * Agrona's {@code OneToOneRingBuffer}, both holding at most 64 KiB in flight. The figure to compare is each group's
 * consumer {@code bytes} counter (bytes delivered per second); the raw op rates include a full queue's or an empty
 * queue's spins.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// Agrona 2 reaches jdk.internal.misc.Unsafe.
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
@State(Scope.Group)
public class SpscByteQueueBenchmark {
    static final int MESSAGE = 64;
    static final int CAPACITY = 64 << 10;

    /** Bytes the consumer received: reported per second, as JMH does for operation counters. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Delivered {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    private SlabByteQueue queue;
    private final byte[] payload = new byte[MESSAGE];
    private final byte[] received = new byte[MESSAGE];

    private OneToOneRingBuffer ring;
    private UnsafeBuffer message;
    private long ringBytes;
    private final MessageHandler handler = (type, buffer, index, length) -> ringBytes += length;

    @Setup(Level.Iteration)
    public void setUp() {
        queue = SlabByteQueue.spsc(); // a fresh queue: its producer and consumer are this iteration's threads
        ring = new OneToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH)));
        message = new UnsafeBuffer(ByteBuffer.allocateDirect(MESSAGE));
        for (int i = 0; i < MESSAGE; i++) {
            payload[i] = (byte) i;
            message.putByte(i, (byte) i);
        }
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        queue.close();
    }

    @Benchmark
    @Group("slabforge")
    @GroupThreads(1)
    public void slabforgeProduce() {
        if (queue.size() <= CAPACITY - MESSAGE) {
            queue.write(payload);
        }
    }

    @Benchmark
    @Group("slabforge")
    @GroupThreads(1)
    public int slabforgeConsume(Delivered delivered) {
        int n = queue.read(received);
        delivered.bytes += n;
        return n;
    }

    @Benchmark
    @Group("agrona")
    @GroupThreads(1)
    public boolean agronaProduce() {
        return ring.write(1, message, 0, MESSAGE);
    }

    @Benchmark
    @Group("agrona")
    @GroupThreads(1)
    public int agronaConsume(Delivered delivered) {
        long before = ringBytes;
        int messages = ring.read(handler);
        delivered.bytes += ringBytes - before;
        return messages;
    }
}
