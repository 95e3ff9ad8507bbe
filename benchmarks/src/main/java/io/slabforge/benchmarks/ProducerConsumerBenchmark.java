package io.slabforge.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

/**
 * (e) Producer/consumer: one thread allocates a particle and writes its fields, and hands it to a second thread
 * through a single-producer/single-consumer ring of {@code long}s (the table slot of the particle); the second
 * reads one field and frees it. Every free is by another thread than the allocation: for slabforge, a remote free.
 * The score is the time per operation of each side (ns per object, as both sides handle one object per call).
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+IgnoreUnrecognizedVMOptions",
        "--sun-misc-unsafe-memory-access=allow", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ProducerConsumerBenchmark {
    /**
     * Particles in flight at most: the ring's and the table's size. Large, so that on a shared machine one side
     * rarely waits for the other to be scheduled again (a waiting side yields its core).
     */
    static final int RING = 1 << 14;

    @Param({"slabforgeLocked", "mallocFree", "nettyPooled", "onheap"})
    public String peer;

    private ParticleStore store;
    private final SpscSlots ring = new SpscSlots(RING);
    private int id;

    @Setup
    public void setUp() {
        store = Peers.create(peer, RING, true);
    }

    @TearDown
    public void tearDown() {
        store.close();
    }

    @Benchmark
    @Group("handOff")
    @GroupThreads(1)
    public void produce(Control control) {
        long p = ring.producerPosition();
        while (!ring.hasRoom(p)) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.yield();
        }
        store.allocate((int) p & (RING - 1), 1.5, 2.5, 3.5, id++, 7);
        ring.publish(p + 1);
    }

    @Benchmark
    @Group("handOff")
    @GroupThreads(1)
    public double consume(Control control) {
        long c = ring.consumerPosition();
        while (!ring.hasItem(c)) {
            if (control.stopMeasurement) {
                return 0;
            }
            Thread.yield();
        }
        int slot = (int) c & (RING - 1);
        double x = store.x(slot);
        store.free(slot);
        ring.consumed(c + 1);
        return x;
    }

    /**
     * The benchmark's own SPSC ring of positions (JCTools' {@code SpscArrayQueue} indices: a release store by one
     * side, an acquire load by the other, each index on a line of its own, each side caching the other's).
     */
    static final class SpscSlots {
        private final int capacity;
        private final AtomicLong produced = new PaddedLong();
        private final AtomicLong consumed = new PaddedLong();
        private long consumedSeen;
        private long producedSeen;

        SpscSlots(int capacity) {
            this.capacity = capacity;
        }

        long producerPosition() {
            return produced.getPlain();
        }

        boolean hasRoom(long p) {
            if (p - consumedSeen < capacity) {
                return true;
            }
            consumedSeen = consumed.getAcquire();
            return p - consumedSeen < capacity;
        }

        void publish(long p) {
            produced.setRelease(p);
        }

        long consumerPosition() {
            return consumed.getPlain();
        }

        boolean hasItem(long c) {
            if (c < producedSeen) {
                return true;
            }
            producedSeen = produced.getAcquire();
            return c < producedSeen;
        }

        void consumed(long c) {
            consumed.setRelease(c);
        }
    }

    /** An {@code AtomicLong} with a cache line of padding after its value (the objects around it are padded too). */
    @SuppressWarnings("serial")
    static final class PaddedLong extends AtomicLong {
        long p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15, p16;
    }
}
