/**
 * A development probe (not run by Maven): {@code scan(r -> sum[0] += r.x())} over 1,000,000 particles against a
 * plain loop reading {@code x} at the same slots' addresses in the same order ({@code rawCacheAddresses}) and at
 * the slots of one contiguous segment ({@code rawOwn}, the floor's memory), in one JVM. Tells the walk's code from
 * the memory's layout; {@code 64k} runs the same with 64 KiB slabs (a slab per 2,047 particles instead of 127). See
 * benchmarks/ANALYSIS.md, "scan: what the walk's loop costs".
 *
 * <pre>
 * javac -cp benchmarks/target/benchmarks.jar -d /tmp/p10 benchmarks/probes/Probe10.java
 * java --enable-native-access=ALL-UNNAMED -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar:/tmp/p10 Probe10 NONE 4k
 * </pre>
 */
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;

import io.slabforge.SlabSync;
import io.slabforge.benchmarks.Particle;
import io.slabforge.benchmarks.Particle64K;
import io.slabforge.benchmarks.Particle64KSlab;
import io.slabforge.benchmarks.ParticleSlab;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.DoubleSupplier;

public class Probe10 {
    static final int N = 1_000_000;
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    static double raw(long[] addresses) {
        double s = 0;
        for (int i = 0; i < N; i++) s += ALL.get(JAVA_DOUBLE_UNALIGNED, addresses[i]);
        return s;
    }

    public static void main(String[] args) {
        SlabSync sync = SlabSync.valueOf(args[0]);
        boolean big = args.length > 1 && args[1].equals("64k");
        long[] own = new long[N];
        long[] cache = new long[N];
        MemorySegment contiguous = Arena.global().allocate(32L * N, 64);
        DoubleSupplier scan;
        if (big) {
            Particle64KSlab slab = Particle64KSlab.builder().sync(sync).build();
            for (int i = 0; i < N; i++) cache[i] = slab.segment(slab.allocate(new Particle64K(i, i, i, i, 7))).address();
            scan = () -> { double[] sum = {0}; slab.scan(r -> sum[0] += r.x()); return sum[0]; };
        } else {
            ParticleSlab slab = ParticleSlab.builder().sync(sync).build();
            for (int i = 0; i < N; i++) cache[i] = slab.segment(slab.allocate(new Particle(i, i, i, i, 7))).address();
            scan = () -> { double[] sum = {0}; slab.scan(r -> sum[0] += r.x()); return sum[0]; };
        }
        for (int i = 0; i < N; i++) own[i] = contiguous.address() + i * 32L;
        String[] names = {"rawOwn", "rawCacheAddresses", "scan"};
        long[][] times = new long[3][60];
        double blackhole = 0;
        for (int round = 0; round < 200; round++) {
            for (int k = 0; k < 3; k++) {
                long t0 = System.nanoTime();
                blackhole += switch (k) { case 0 -> raw(own); case 1 -> raw(cache); default -> scan.getAsDouble(); };
                if (round >= 140) times[k][round - 140] = System.nanoTime() - t0;
            }
        }
        for (int k = 0; k < 3; k++) {
            Arrays.sort(times[k]);
            System.out.printf("%s %.0f us%n", names[k], times[k][30] / 1e3);
        }
        System.out.println(blackhole);
    }
}
