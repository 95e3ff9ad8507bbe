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
 * Issue 5: {@code SlabAllocator} against {@code malloc}/{@code free}, Netty's pooled direct buffers and an
 * {@code Arena.ofConfined()} per block, on mixed sizes 16..4096 bytes (log-uniform, a fixed pre-generated
 * sequence, so the random generator is not measured and every peer sees the same requests). One thread.
 * <ul>
 *   <li>{@link #allocWriteFree}: allocate, write the first and last byte, free at once;</li>
 *   <li>{@link #window}: {@value #WINDOW} blocks stay alive; each operation frees the oldest and allocates (and
 *       writes) a new one in its place.</li>
 * </ul>
 * The report takes {@code malloc}, the first peer, as the baseline. The defaults here are those of
 * {@code benchmarks/run.sh}, which passes them explicitly.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+IgnoreUnrecognizedVMOptions",
        "--sun-misc-unsafe-memory-access=allow", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AllocatorBenchmark {

    /** Live blocks of {@link #window}. */
    static final int WINDOW = 1024;
    /** Length of the size sequence: a power of two well above {@link #WINDOW}, small enough to stay in L2. */
    static final int SIZE_COUNT = 1 << 14;
    static final int[] SIZES = BlockStore.logUniformSizes(SIZE_COUNT, 0x5EED_5A1BL);

    /** State of {@link #allocWriteFree}: nothing live between operations. */
    @State(Scope.Thread)
    public static class Single {
        @Param({"malloc", "calloc", "slabforge", "slabforgeNoZeroFill", "slabforgeLocked", "nettyPooled",
                "arenaConfined"})
        public String peer;

        BlockStore store;
        int next;

        @Setup
        public void setUp() {
            store = BlockStore.create(peer, 1);
        }

        @TearDown
        public void tearDown() {
            store.close();
        }
    }

    /** State of {@link #window}: {@value #WINDOW} live blocks, filled once per trial, oldest first. */
    @State(Scope.Thread)
    public static class Window {
        @Param({"malloc", "calloc", "slabforge", "slabforgeNoZeroFill", "slabforgeLocked", "nettyPooled",
                "arenaConfined"})
        public String peer;

        BlockStore store;
        int next;
        int oldest;

        @Setup
        public void setUp() {
            store = BlockStore.create(peer, WINDOW);
            for (int slot = 0; slot < WINDOW; slot++) {
                int i = next++;
                store.allocate(slot, SIZES[i & (SIZE_COUNT - 1)], (byte) i);
            }
        }

        @TearDown
        public void tearDown() {
            store.close();
        }
    }

    @Benchmark
    public void allocWriteFree(Single st) {
        BlockStore s = st.store;
        int i = st.next++;
        s.allocate(0, SIZES[i & (SIZE_COUNT - 1)], (byte) i);
        s.free(0);
    }

    @Benchmark
    public void window(Window st) {
        BlockStore s = st.store;
        int slot = st.oldest;
        st.oldest = (slot + 1) & (WINDOW - 1);
        s.free(slot);
        int i = st.next++;
        s.allocate(slot, SIZES[i & (SIZE_COUNT - 1)], (byte) i);
    }
}
