/**
 * A development probe (not run by Maven): the actor of stress/CloseVsUse (allocate, write, read, free on a LOCKED
 * engine of two stripes) against close() from another thread, N rounds; prints every exception other than closed
 * or invalid-handle. Before the close-ordering fix it printed "lost write" about 7 times in 90,000 rounds.
 *
 * <pre>
 * javac -cp runtime/target/classes -d /tmp/p8 benchmarks/probes/Probe8.java
 * java --enable-native-access=ALL-UNNAMED -Xmx256m -cp runtime/target/classes:/tmp/p8 Probe8 30000
 * </pre>
 */
import io.slabforge.SlabSync;
import io.slabforge.InvalidHandleException;
import io.slabforge.internal.*;
import java.util.concurrent.*;

public class Probe8 {
    public static void main(String[] args) throws Exception {
        SlabGeometry g = SlabGeometry.of(32, 8, 4096);
        int others = 0;
        for (int round = 0; round < Integer.parseInt(args[0]); round++) {
            SlabEngine engine = SlabEngine.builder(g).sync(SlabSync.LOCKED).stripes(2).build();
            long earlier = engine.allocate();
            CyclicBarrier b = new CyclicBarrier(2);
            Throwable[] seen = new Throwable[2];
            Thread user = new Thread(() -> {
                try { b.await(); } catch (Exception e) {}
                try {
                    long h = engine.allocate();
                    engine.setLong(h, 0, 7);
                    if (engine.getLong(h, 0) != 7 && !engine.isClosed()) throw new AssertionError("lost write");
                    engine.free(h);
                } catch (InvalidHandleException | IllegalStateException e) {
                } catch (Throwable t) { seen[0] = t; }
                try { engine.free(earlier); } catch (InvalidHandleException | IllegalStateException e) {
                } catch (Throwable t) { seen[1] = t; }
            });
            user.start();
            b.await();
            engine.close();
            user.join();
            for (Throwable t : seen) if (t != null) { others++; if (others < 4) t.printStackTrace(); }
            if (engine.stats().slabs() != 0) System.out.println("slabs left " + round);
        }
        System.out.println("others " + others);
    }
}
