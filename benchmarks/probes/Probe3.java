// A development probe (not built by Maven): see benchmarks/ANALYSIS.md, "Engine v2".
// javac -cp benchmarks/target/benchmarks.jar -d /tmp/probes benchmarks/probes/Probe3.java
// java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar:/tmp/probes Probe3 NONE true
import io.slabforge.internal.*;
import io.slabforge.SlabSync;
public class Probe3 {
    static long[] handles = new long[1];
    static long a1(SlabEngine s) { long h = s.allocateUninitialized(); handles[0] = h; s.free(handles[0]); return h; }
    static long a2(SlabEngine s) { long h = s.allocate(); handles[0] = h; s.free(handles[0]); return h; }
    public static void main(String[] a) {
        SlabEngine s = SlabEngine.builder(SlabGeometry.of(32, 8, 4096)).sync(SlabSync.NONE).build();
        long fixed = s.allocate();
        long sum = 0;
        int n = 10_000_000;
        for (int round = 0; round < 6; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) sum += a1(s);
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) sum += a2(s);
            long t2 = System.nanoTime();
            System.out.printf("uninit %.2f  zeroed %.2f%n", (t1 - t0) / (double) n, (t2 - t1) / (double) n);
        }
        System.out.println(sum + " " + s.stats());
    }
}
