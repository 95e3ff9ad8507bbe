import io.slabforge.SlabSync;
import io.slabforge.benchmarks.Particle;
import io.slabforge.benchmarks.ParticleSlab;

/**
 * A development probe (not run by Maven): the (c') scan loop, {@code scan(r -> sum[0] += r.x())} over 1,000,000
 * particles, repeated until C2 has compiled the walk. Read the compiled loop with
 *
 * <pre>
 * javac -cp benchmarks/target/benchmarks.jar -d /tmp/p6 benchmarks/probes/Probe6.java
 * LD_LIBRARY_PATH=$HSDIS_DIR java --enable-native-access=ALL-UNNAMED -XX:+UnlockDiagnosticVMOptions \
 *     -XX:CompileCommand=print,io.slabforge.internal.SlabScan::walkPool -XX:PrintAssemblyOptions=intel \
 *     -cp benchmarks/target/benchmarks.jar:/tmp/p6 Probe6 NONE
 * </pre>
 *
 * (the second C2 compilation is the one the loop runs; {@code walkPools} for a striped {@code LOCKED} cache).
 */
public class Probe6 {
    public static void main(String[] args) {
        ParticleSlab slab = ParticleSlab.builder().sync(SlabSync.valueOf(args[0])).build();
        for (int i = 0; i < 1_000_000; i++) {
            slab.allocate(new Particle(i, i, i, i, 7));
        }
        double total = 0;
        for (int round = 0; round < 300; round++) {
            double[] sum = {0};
            slab.scan(r -> sum[0] += r.x());
            total += sum[0];
        }
        System.out.println(total);
    }
}
