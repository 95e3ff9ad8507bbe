package io.slabforge.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * (d) Benchmark (a) from two threads at once on one shared, thread-safe store. The score is the time per
 * operation seen by each thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+IgnoreUnrecognizedVMOptions",
        "--sun-misc-unsafe-memory-access=allow", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SharedAllocFreeBenchmark {

    /**
     * Table slots this far apart (128 bytes of handles, 64 of compressed references) keep the two threads' slots on
     * different cache lines. Slot 0 and the slots after the last thread's stay unused, so that no thread's slot
     * shares a line with the table's header or with whatever the heap put next to the table: with thread 0 on slot
     * 0, every peer ran slower (Netty 188 against 115 ns/op, onheap 24 against 9.5).
     */
    static final int SLOT_STRIDE = 16;

    @Param({"floorLocked", "slabforgeLocked", "onheap", "nettyPooled", "commonsPool2", "mallocFree",
            "arenaPerObject"})
    public String peer;

    private ParticleStore store;

    /** Each thread's own table slot and values. */
    @State(Scope.Thread)
    public static class Worker {
        int slot;
        double x = 1.5;
        double y = 2.5;
        double z = 3.5;
        int id;

        @Setup
        public void setUp(ThreadParams thread) {
            slot = (thread.getThreadIndex() + 1) * SLOT_STRIDE;
        }
    }

    @Setup
    public void setUp(ThreadParams threads) {
        store = Peers.create(peer, (threads.getThreadCount() + 2) * SLOT_STRIDE, true);
    }

    @TearDown
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public double allocWriteReadFree(Worker w) {
        ParticleStore s = store;
        int slot = w.slot;
        s.allocate(slot, w.x, w.y, w.z, w.id++, 7);
        double read = s.x(slot);
        s.free(slot);
        return read;
    }
}
