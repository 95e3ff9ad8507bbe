// A development probe (not built by Maven): see benchmarks/ANALYSIS.md, "Engine v2".
// javac -cp benchmarks/target/benchmarks.jar -d /tmp/probes benchmarks/probes/Probe4.java
// java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar:/tmp/probes Probe4 NONE true
import io.slabforge.benchmarks.*;
import io.slabforge.SlabSync;
public class Probe4 {
    static long[] handles = new long[1];
    static double v1(ParticleSlab s, double x, int id) { long h = s.allocate(); s.free(h); return h; }
    static double v2(ParticleSlab s, double x, int id) { long h = s.allocate(); s.x(h, x); s.free(h); return h; }
    static double v3(ParticleSlab s, double x, int id) { long h = s.allocate(); s.x(h, x); s.y(h, x); s.z(h, x); s.id(h, id); s.flags(h, 7); s.free(h); return h; }
    static double v4(ParticleSlab s, double x, int id) { long h = s.allocate(); s.x(h, x); s.y(h, x); s.z(h, x); s.id(h, id); s.flags(h, 7); double r = s.x(h); s.free(h); return r; }
    static double v5(ParticleSlab s, double x, int id) { long h = s.allocate(); s.x(h, x); s.y(h, x); s.z(h, x); s.id(h, id); s.flags(h, 7); handles[0] = h; double r = s.x(handles[0]); s.free(handles[0]); return r; }
    interface Op { double run(ParticleSlab s, double x, int id); }
    public static void main(String[] a) {
        ParticleSlab s = ParticleSlab.builder().sync(SlabSync.valueOf(a[0])).checked(Boolean.parseBoolean(a[1])).build();
        int n = 10_000_000; double sum = 0;
        for (int round = 0; round < 5; round++) {
            StringBuilder out = new StringBuilder();
            long t0 = System.nanoTime(); for (int i = 0; i < n; i++) sum += v1(s, i, i);
            long t1 = System.nanoTime(); for (int i = 0; i < n; i++) sum += v2(s, i, i);
            long t2 = System.nanoTime(); for (int i = 0; i < n; i++) sum += v3(s, i, i);
            long t3 = System.nanoTime(); for (int i = 0; i < n; i++) sum += v4(s, i, i);
            long t4 = System.nanoTime(); for (int i = 0; i < n; i++) sum += v5(s, i, i);
            long t5 = System.nanoTime();
            System.out.printf("alloc+free %.2f  +x %.2f  +5 sets %.2f  +read %.2f  +table %.2f%n", (t1-t0)/(double)n, (t2-t1)/(double)n, (t3-t2)/(double)n, (t4-t3)/(double)n, (t5-t4)/(double)n);
        }
        System.out.println(sum);
    }
}
