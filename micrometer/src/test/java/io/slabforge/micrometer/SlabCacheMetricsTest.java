package io.slabforge.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.slabforge.SlabCache;
import io.slabforge.SlabSync;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

class SlabCacheMetricsTest {

    private static double gauge(MeterRegistry registry, String name, String cache) {
        Gauge gauge = registry.find(name).tag("cache", cache).gauge();
        assertNotNull(gauge, name + " for " + cache);
        return gauge.value();
    }

    private static double counter(MeterRegistry registry, String name, String cache) {
        FunctionCounter counter = registry.find(name).tag("cache", cache).functionCounter();
        assertNotNull(counter, name + " for " + cache);
        return counter.count();
    }

    @Test
    void gaugesAndCountersFollowTheCacheAndAreTaggedWithItsName() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (SampleSlab slab = SampleSlab.builder().name("samples").build()) {
            SlabCache cache = slab;
            new SlabCacheMetrics(cache, Tags.of("app", "test")).bindTo(registry);
            long a = slab.allocate();
            slab.allocate();
            slab.allocate();
            slab.free(a);
            assertEquals(2, gauge(registry, "slabforge.cache.live", "samples"));
            assertEquals(1, gauge(registry, "slabforge.cache.slabs", "samples"));
            assertEquals(SampleSlab.SLAB_SIZE, gauge(registry, "slabforge.cache.reserved", "samples"));
            assertEquals(2 * SampleSlab.SLOT_SIZE, gauge(registry, "slabforge.cache.used", "samples"));
            assertEquals((SampleSlab.SLOTS_PER_SLAB - 2) * SampleSlab.SLOT_SIZE,
                    gauge(registry, "slabforge.cache.free", "samples"));
            assertEquals(3, counter(registry, "slabforge.cache.allocations", "samples"));
            assertEquals(1, counter(registry, "slabforge.cache.frees", "samples"));
            assertEquals("test", registry.find("slabforge.cache.live").gauge().getId().getTag("app"));
            assertEquals("bytes", registry.find("slabforge.cache.used").gauge().getId().getBaseUnit());
            assertEquals(7, registry.getMeters().size());
        }
        assertEquals(0, gauge(registry, "slabforge.cache.live", "samples"), "closed: nothing live");
        assertEquals(3, counter(registry, "slabforge.cache.allocations", "samples"), "closed: the last count");
    }

    @Test
    void aConfinedCacheIsReadFromTheRegistrysThreadAndAnUnnamedOneByItsType() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        ExecutorService scraper = Executors.newSingleThreadExecutor();
        try (SampleSlab confined = SampleSlab.create();
             SampleSlab locked = SampleSlab.builder().sync(SlabSync.LOCKED).name("shared").build()) {
            new SlabCacheMetrics(confined).bindTo(registry);
            new SlabCacheMetrics(locked).bindTo(registry);
            confined.allocate();
            locked.allocate();
            locked.allocate();
            // Publishing registries read meters on their own threads: no WrongThreadException from a CONFINED cache.
            assertEquals(1.0, scraper.submit(() -> gauge(registry, "slabforge.cache.live", "SampleSlab")).get());
            assertEquals(2.0, scraper.submit(() -> gauge(registry, "slabforge.cache.live", "shared")).get());
            assertEquals(1.0, scraper.submit(() -> counter(registry, "slabforge.cache.allocations", "SampleSlab"))
                    .get());
        } finally {
            scraper.shutdown();
        }
    }

    @Test
    void theMetersDoNotKeepAnUnclosedCacheReachable() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        bindAndForget(registry);
        for (int i = 0; i < 500 && !Double.isNaN(gauge(registry, "slabforge.cache.live", "forgotten")); i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(Double.isNaN(gauge(registry, "slabforge.cache.live", "forgotten")), "the cache was collected");
    }

    private static void bindAndForget(MeterRegistry registry) {
        SampleSlab slab = SampleSlab.builder().name("forgotten").build();
        new SlabCacheMetrics(slab).bindTo(registry);
        slab.allocate();
    }
}
