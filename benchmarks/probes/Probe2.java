// A development probe (not built by Maven): see benchmarks/ANALYSIS.md, "Engine v2".
// javac -cp benchmarks/target/benchmarks.jar -d /tmp/probes benchmarks/probes/Probe2.java
// java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar:/tmp/probes Probe2 NONE true
import io.slabforge.benchmarks.*;
import io.slabforge.SlabSync;
public class Probe2 {
    static long[] handles = new long[1];
    static double allocFree(ParticleSlab s, double x, int id) {
        long h = s.allocate();
        handles[0] = h;
        s.free(handles[0]);
        return h;
    }
    static double setters(ParticleSlab s, long h, double x, int id) {
        s.x(h, x); s.y(h, x); s.z(h, x); s.id(h, id); s.flags(h, 7);
        return s.x(h);
    }
    public static void main(String[] a) {
        ParticleSlab s = ParticleSlab.builder().sync(SlabSync.valueOf(a[0])).checked(Boolean.parseBoolean(a[1])).build();
        long fixed = s.allocate();
        double sum = 0;
        int n = 10_000_000;
        for (int round = 0; round < 6; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) sum += allocFree(s, i, i);
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) sum += setters(s, fixed, i, i);
            long t2 = System.nanoTime();
            System.out.printf("allocFree %.2f  setters %.2f%n", (t1 - t0) / (double) n, (t2 - t1) / (double) n);
        }
        System.out.println(sum + " " + s.stats());
    }
}
