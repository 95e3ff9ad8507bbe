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
 * (a) One thread: allocate a particle, write all its fields, read one, free it. The defaults here are those of
 * {@code benchmarks/run.sh}, which passes them explicitly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+IgnoreUnrecognizedVMOptions",
        "--sun-misc-unsafe-memory-access=allow", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AllocFreeBenchmark {

    @Param({"floor", "floorChecked", "floorCheckedOffHeap", "slabforgeNone", "slabforgeNoneSetters",
            "slabforgeNoneUnchecked", "slabforgeNoneUncheckedSetters", "slabforgeConfined", "slabforgeConfinedSetters",
            "slabforgeLocked", "onheap", "nettyPooled", "commonsPool2", "mallocFree", "arenaPerObject"})
    public String peer;

    private ParticleStore store;
    // Fields, not constants, so the JIT cannot fold the values away.
    private double x = 1.5;
    private double y = 2.5;
    private double z = 3.5;
    private int id;

    @Setup
    public void setUp() {
        store = Peers.create(peer, 1, false);
    }

    @TearDown
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public double allocWriteReadFree() {
        ParticleStore s = store;
        s.allocate(0, x, y, z, id++, 7);
        double read = s.x(0);
        s.free(0);
        return read;
    }
}
