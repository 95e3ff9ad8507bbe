// A development probe (not built by Maven): see benchmarks/ANALYSIS.md, "Contract 5".
// javac -cp benchmarks/target/benchmarks.jar -d /tmp/probes benchmarks/probes/Probe5.java
// java --enable-native-access=ALL-UNNAMED -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=dontinline,io.slabforge.benchmarks.ParticleSlab::allocate \
//      -XX:CompileCommand=print,io.slabforge.benchmarks.ParticleSlab::allocate -cp benchmarks/target/benchmarks.jar:/tmp/probes Probe5 NONE true
import io.slabforge.benchmarks.*;
import io.slabforge.SlabSync;
public class Probe5 {
    static long go(ParticleSlab s, int i) { long h = s.allocate(new Particle(i, i, i, i, 7)); s.free(h); return h; }
    static java.nio.file.Path newFile() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("probe5");
            dir.toFile().deleteOnExit();
            return dir.resolve("particles.slab");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
    public static void main(String[] a) throws Exception {
        // FILE: the default (CONFINED) cache backed by a new file in the temporary directory
        ParticleSlab s = a[0].equals("FILE")
                ? ParticleSlab.builder().file(newFile()).build()
                : ParticleSlab.builder().sync(SlabSync.valueOf(a[0])).checked(Boolean.parseBoolean(a[1])).build();
        long sum = 0;
        for (int r = 0; r < 5; r++) { long t0 = System.nanoTime(); for (int i = 0; i < 5_000_000; i++) sum += go(s, i); System.out.printf("%.2f ns%n", (System.nanoTime()-t0)/5e6); }
        System.out.println(sum);
    }
}
