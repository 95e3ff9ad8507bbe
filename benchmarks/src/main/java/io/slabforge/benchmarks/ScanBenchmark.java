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
 * (c) Scan: sum {@code x} over {@code live} particles through each peer's flyweight (or object), in the order they
 * were allocated. The score is per whole scan; the report divides by {@code live}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+IgnoreUnrecognizedVMOptions",
        "--sun-misc-unsafe-memory-access=allow", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ScanBenchmark {

    @Param({"floor", "floorChecked", "floorCheckedOffHeap", "slabforgeNone", "slabforgeNoneUnchecked",
            "slabforgeConfined", "slabforgeLocked", "onheap", "nettyPooled", "commonsPool2", "mallocFree",
            "arenaPerObject"})
    public String peer;

    @Param("1000000")
    public int live;

    private ParticleStore store;

    @Setup
    public void setUp() {
        store = Peers.create(peer, live, false);
        for (int i = 0; i < live; i++) {
            store.allocate(i, i, i + 1, i + 2, i, 7);
        }
    }

    @TearDown
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public double scan() {
        return store.sumX(live);
    }
}
