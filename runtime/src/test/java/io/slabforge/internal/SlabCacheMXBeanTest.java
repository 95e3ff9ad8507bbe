package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.SlabStats;
import io.slabforge.SlabSync;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The MXBean of a named cache: registered while open, its SlabStats as attributes, read from JMX threads. */
class SlabCacheMXBeanTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    private static ObjectName name(String text) throws Exception {
        return new ObjectName(text);
    }

    @Test
    void aNamedCacheShowsItsStatsWhileOpenAndIsUnregisteredOnClose() throws Exception {
        ObjectName on = name("io.slabforge:type=SlabCache,name=particles");
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).name("particles").build()) {
            assertTrue(SERVER.isRegistered(on));
            long a = engine.allocate();
            engine.allocate();
            engine.free(a);
            SlabStats stats = engine.stats();
            // Read from another thread, as a JMX connector would: a CONFINED cache answers, racily but without fault.
            AtomicReference<Object[]> read = new AtomicReference<>();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread jmx = Thread.ofPlatform().name("jmx").start(() -> {
                try {
                    read.set(new Object[] {
                        SERVER.getAttribute(on, "LiveObjects"), SERVER.getAttribute(on, "Slabs"),
                        SERVER.getAttribute(on, "ReservedBytes"), SERVER.getAttribute(on, "UsedBytes"),
                        SERVER.getAttribute(on, "FreeBytes"), SERVER.getAttribute(on, "Allocations"),
                        SERVER.getAttribute(on, "Frees"), SERVER.getAttribute(on, "Sync"),
                        SERVER.getAttribute(on, "Name"), SERVER.getAttribute(on, "Type"),
                        SERVER.getAttribute(on, "Tag"), SERVER.getAttribute(on, "Closed")});
                } catch (Exception e) {
                    failed.set(e);
                }
            });
            jmx.join();
            assertNull(failed.get());
            assertEquals(java.util.List.of(stats.liveObjects(), stats.slabs(), stats.reservedBytes(), stats.usedBytes(),
                    stats.freeBytes(), stats.allocations(), stats.frees(), "CONFINED", "particles", "SlabEngine",
                    engine.tag(), false), java.util.List.of(read.get()));
            assertEquals(1L, stats.liveObjects());
            assertEquals(2L, stats.allocations());
        }
        assertFalse(SERVER.isRegistered(on), "unregistered by close()");
    }

    @Test
    void openCachesOfOneNameGetDistinctRegistrations() throws Exception {
        ObjectName first = name("io.slabforge:type=SlabCache,name=twin");
        ObjectName second = name("io.slabforge:type=SlabCache,name=twin,id=2");
        ObjectName third = name("io.slabforge:type=SlabCache,name=twin,id=3");
        SlabEngine a = SlabEngine.builder(GEOMETRY).name("twin").build();
        SlabEngine b = SlabEngine.builder(GEOMETRY).name("twin").build();
        SlabEngine c = SlabEngine.builder(GEOMETRY).name("twin").build();
        assertEquals(a.tag(), SERVER.getAttribute(first, "Tag"));
        assertEquals(b.tag(), SERVER.getAttribute(second, "Tag"));
        assertEquals(c.tag(), SERVER.getAttribute(third, "Tag"));
        b.close();
        assertFalse(SERVER.isRegistered(second));
        try (SlabEngine d = SlabEngine.builder(GEOMETRY).name("twin").build()) {
            assertEquals(d.tag(), SERVER.getAttribute(second, "Tag"), "the lowest free id");
        }
        a.close();
        c.close();
        assertTrue(SERVER.queryNames(name("io.slabforge:type=SlabCache,name=twin,*"), null).isEmpty());
    }

    @Test
    void namesWithCharactersJmxReservesAreQuoted() throws Exception {
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).name("orders,eu=1").build()) {
            ObjectName on = name("io.slabforge:type=SlabCache,name=" + ObjectName.quote("orders,eu=1"));
            assertEquals("orders,eu=1", SERVER.getAttribute(on, "Name"));
            engine.allocate();
            assertEquals(1L, SERVER.getAttribute(on, "LiveObjects"));
        }
    }

    @Test
    void aLockedCacheIsReadUnderItsLocksAndUnnamedCachesAreNotRegistered() throws Exception {
        int before = SERVER.queryNames(name("io.slabforge:type=SlabCache,*"), null).size();
        try (SlabEngine unnamed = SlabEngine.builder(GEOMETRY).build();
             SlabEngine shared = SlabEngine.builder(GEOMETRY).sync(SlabSync.LOCKED).name("shared").build()) {
            unnamed.allocate();
            assertEquals(before + 1, SERVER.queryNames(name("io.slabforge:type=SlabCache,*"), null).size());
            ObjectName on = name("io.slabforge:type=SlabCache,name=shared");
            Thread[] workers = new Thread[4];
            for (int t = 0; t < workers.length; t++) {
                workers[t] = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        shared.free(shared.allocate());
                    }
                });
            }
            for (int i = 0; i < 200; i++) {
                // Each attribute is one snapshot under every lock: exact, so never more than the 4 workers' objects
                // live, and (read in this order) never more frees than allocations.
                long live = (Long) SERVER.getAttribute(on, "LiveObjects");
                long frees = (Long) SERVER.getAttribute(on, "Frees");
                long allocations = (Long) SERVER.getAttribute(on, "Allocations");
                assertTrue(live >= 0 && live <= 4 && frees <= allocations, live + " " + allocations + " " + frees);
            }
            for (Thread worker : workers) {
                worker.join();
            }
            assertEquals(40_000L, SERVER.getAttribute(on, "Allocations"));
            assertEquals(40_000L, SERVER.getAttribute(on, "Frees"));
            assertEquals("LOCKED", SERVER.getAttribute(on, "Sync"));
        }
    }
}
