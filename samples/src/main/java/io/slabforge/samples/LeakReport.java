package io.slabforge.samples;

import io.slabforge.InvalidHandleException;
import io.slabforge.LeakDetection;
import io.slabforge.SlabStats;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Leak detection and monitoring: a named cache visible over JMX, a {@code Box} that is never closed (reported with
 * where it was created, its slot freed by the next {@code box()}), and a cache that is never closed (reported, its
 * memory given back). Run it with a JFR recording to see the {@code io.slabforge.*} events:
 *
 * <pre>
 * java -XX:StartFlightRecording=filename=leaks.jfr --enable-native-access=ALL-UNNAMED -cp ... \
 *      io.slabforge.samples.LeakReport
 * jfr print --events 'io.slabforge.*' leaks.jfr
 * </pre>
 */
public final class LeakReport {
    private LeakReport() {}

    public static void main(String[] args) throws Exception {
        try (ParticleSlab slab = ParticleSlab.builder()
                .name("particles")
                .leakDetection(LeakDetection.PARANOID)
                .build()) {
            System.out.println(slab);
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            ObjectName bean = new ObjectName("io.slabforge:type=SlabCache,name=particles");

            try (ParticleSlab.Box kept = slab.box()) {
                kept.id(1);
            }
            long leaked = forgetABox(slab);
            System.out.println("JMX LiveObjects=" + jmx.getAttribute(bean, "LiveObjects") + " Allocations="
                    + jmx.getAttribute(bean, "Allocations") + " Sync=" + jmx.getAttribute(bean, "Sync"));
            settle(); // the garbage collector finds the box, the cleaner thread reports it
            try (ParticleSlab.Box next = slab.box()) { // frees the leaked box's slot first
                next.id(3);
                check(!slab.isLive(leaked), "the leaked box's slot is freed by the next box()");
            }
            SlabStats stats = slab.stats();
            check(stats.liveObjects() == 0, "nothing left live: " + stats);
            System.out.println("after the next box(): " + slab);
            long freed = slab.allocate();
            slab.free(freed);
            try {
                slab.free(freed); // a double free: refused, and an io.slabforge.InvalidHandle event
                throw new AssertionError("a double free was accepted");
            } catch (InvalidHandleException expected) {
                System.out.println("refused: " + expected.getMessage());
            }

            forgetACache();
            settle();
        }
    }

    /** A box dropped without close(): a leak. */
    private static long forgetABox(ParticleSlab slab) {
        ParticleSlab.Box box = slab.box();
        box.id(2);
        return box.handle();
    }

    /** A cache dropped without close(): reclaimed by a Cleaner. */
    private static void forgetACache() {
        ParticleSlab forgotten = ParticleSlab.builder().name("forgotten").leakDetection(LeakDetection.PARANOID)
                .build();
        forgotten.allocate();
    }

    /** Full collections and a moment for the cleaner thread. */
    private static void settle() throws InterruptedException {
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(25);
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
