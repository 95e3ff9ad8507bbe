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
import org.openjdk.jmh.annotations.Warmup;

/**
 * (b) Churn: {@code live} particles stay alive; each operation frees a pseudo-random one and allocates (and fills)
 * a replacement in its place. Every peer sees the same sequence of slots.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+IgnoreUnrecognizedVMOptions",
        "--sun-misc-unsafe-memory-access=allow", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChurnBenchmark {

    @Param({"floor", "floorChecked", "floorCheckedOffHeap", "slabforgeNone", "slabforgeNoneSetters",
            "slabforgeNoneUnchecked", "slabforgeNoneUncheckedSetters", "slabforgeConfined", "slabforgeConfinedSetters",
            "slabforgeLocked", "onheap", "nettyPooled", "commonsPool2", "mallocFree", "arenaPerObject"})
    public String peer;

    @Param("1000000")
    public int live;

    private ParticleStore store;
    private long random = 0x9E37_79B9_7F4A_7C15L;
    private int id;

    @Setup
    public void setUp() {
        store = Peers.create(peer, live, false);
        for (int i = 0; i < live; i++) {
            store.allocate(i, i, i + 1, i + 2, i, 7);
        }
        id = live;
    }

    @TearDown
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public void churn() {
        long r = random;
        r ^= r << 13;
        r ^= r >>> 7;
        r ^= r << 17;
        random = r;
        int slot = (int) (((r >>> 32) * live) >>> 32); // uniform in [0, live) without a division
        ParticleStore s = store;
        s.free(slot);
        int i = id++;
        s.allocate(slot, i, i + 1, i + 2, i, 7);
    }
}
