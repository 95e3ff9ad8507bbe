package io.slabforge.benchmarks;

import io.slabforge.LeakDetection;
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
 * What leak detection costs a {@code Box}: create one, write three fields, read one, close it, on a confined cache
 * built with each {@link LeakDetection} level. {@code OFF} is the baseline; {@code SAMPLED} (the default) must stay
 * within 5% of it; {@code PARANOID} records a stack trace per box.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+IgnoreUnrecognizedVMOptions",
        "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BoxBenchmark {

    @Param({"OFF", "SAMPLED", "PARANOID"})
    public LeakDetection level;

    private ParticleSlab slab;
    private double x = 1.5;
    private int id;

    @Setup
    public void setUp() {
        slab = ParticleSlab.builder().leakDetection(level).build();
    }

    @TearDown
    public void tearDown() {
        slab.close();
    }

    @Benchmark
    public double boxCreateUseClose() {
        try (ParticleSlab.Box box = slab.box()) {
            box.x(x).y(x).id(id++);
            return box.x();
        }
    }
}
