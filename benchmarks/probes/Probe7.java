/**
 * A development probe (not run by Maven): a column read against the primary read through the same 1,000,000
 * handles, in one JVM (see benchmarks/ANALYSIS.md, "Column access"). Add -XX:+PrintInlining to see whether the
 * column path is inlined.
 *
 * <pre>
 * javac -cp benchmarks/target/benchmarks.jar -d /tmp/p7 benchmarks/probes/Probe7.java
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar:/tmp/p7 Probe7 NONE
 * </pre>
 */
import io.slabforge.SlabSync;
import io.slabforge.benchmarks.*;

public class Probe7 {
    static double primary(ParticleSlab p, long[] hs) { double s = 0; for (long h : hs) s += p.x(h); return s; }
    static double column(HeatSlab.Column c, long[] hs) { double s = 0; for (long h : hs) s += c.t(h); return s; }
    public static void main(String[] args) {
        ParticleSlab slab = ParticleSlab.builder().sync(SlabSync.valueOf(args[0])).build();
        HeatSlab.Column heat = HeatSlab.columnOf(slab);
        int n = 1_000_000; long[] hs = new long[n];
        for (int i = 0; i < n; i++) { hs[i] = slab.allocate(new Particle(i, i, i, i, 7)); heat.t(hs[i], i); }
        double total = 0;
        for (int round = 0; round < 60; round++) {
            long t0 = System.nanoTime(); total += column(heat, hs); long t1 = System.nanoTime(); total += primary(slab, hs); long t2 = System.nanoTime();
            if (round % 10 == 9) System.out.printf("column %.2f ms primary %.2f ms%n", (t1-t0)/1e6, (t2-t1)/1e6);
        }
        System.out.println(total);
    }
}
