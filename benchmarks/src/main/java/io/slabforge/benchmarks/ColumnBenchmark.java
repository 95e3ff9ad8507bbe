package io.slabforge.benchmarks;

import io.slabforge.SlabSync;
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
 * A column's field through the primary's handle against the primary's own field through the same handle: read
 * {@code t} of {@code HeatSlab.columnOf(particles)} and {@code x} of the particle for {@code live} handles in
 * allocation order. Target: the column row costs what the primary row costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+IgnoreUnrecognizedVMOptions"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ColumnBenchmark {

    @Param({"CONFINED", "NONE"})
    public SlabSync sync;

    @Param("1000000")
    public int live;

    private ParticleSlab particles;
    private HeatSlab.Column heat;
    private long[] handles;

    @Setup
    public void setUp() {
        particles = ParticleSlab.builder().sync(sync).build();
        heat = HeatSlab.columnOf(particles);
        handles = new long[live];
        for (int i = 0; i < live; i++) {
            handles[i] = particles.allocate(new Particle(i, i, i, i, 0));
            heat.t(handles[i], i);
        }
    }

    @TearDown
    public void tearDown() {
        particles.close();
    }

    @Benchmark
    public double primaryField() {
        ParticleSlab p = particles;
        double sum = 0;
        for (long h : handles) {
            sum += p.x(h);
        }
        return sum;
    }

    @Benchmark
    public double columnField() {
        HeatSlab.Column c = heat;
        double sum = 0;
        for (long h : handles) {
            sum += c.t(h);
        }
        return sum;
    }
}
