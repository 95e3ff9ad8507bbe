package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.LeakDetection;
import io.slabforge.SlabMemory;
import io.slabforge.SlabSync;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.logging.LogRecord;
import javax.management.ObjectName;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

/**
 * Caches that become unreachable without {@code close()}: their memory goes back to the provider and their tag is
 * released by a Cleaner, and they are reported like leaks; building more caches than there are tags succeeds because
 * running out of tags asks the garbage collector for the unreachable ones.
 */
class UnclosedCacheTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);

    /** A cache built, used and dropped without close(), in a frame of its own. */
    private static void buildAndForget(SlabMemory memory, SlabSync sync, LeakDetection level, String name) {
        SlabEngine.Builder builder = SlabEngine.builder(GEOMETRY).memory(memory).sync(sync).leakDetection(level);
        if (name != null) {
            builder.name(name);
        }
        SlabEngine engine = builder.build();
        long h = engine.allocate();
        engine.setLong(h, 0, 42);
        engine.allocate();
    }

    @Test
    void tenThousandUnclosedCachesAreAllBuiltAndTheirMemoryStaysBounded() throws Exception {
        CountingMemory memory = new CountingMemory("ten thousand");
        try (LogCapture log = new LogCapture()) {
            int mostSlabs = 0;
            for (int i = 0; i < 10_000; i++) {
                buildAndForget(memory, SlabSync.CONFINED, LeakDetection.SAMPLED, null); // never throws
                mostSlabs = Math.max(mostSlabs, memory.outstanding());
            }
            assertTrue(mostSlabs <= SlabEngine.MAX_OPEN_CACHES, mostSlabs + " slabs held at once: one per open cache");
            assertTrue(LogCapture.awaitGc(() -> memory.outstanding() == 0), memory.outstanding() + " slabs left");
            assertEquals(10_000, memory.allocateCalls());
            assertEquals(10_000, memory.freeCalls(), "every slab went back to the provider");
            // The report follows the release: wait for the last one.
            LogCapture.awaitGc(() -> log.warnings("became unreachable without close()").size() >= 10_000);
            LogCapture.settle();
            List<LogRecord> reports = log.warnings("became unreachable without close()");
            assertEquals(10_000, reports.size(), "each unclosed cache reported once");
            assertTrue(reports.get(0).getMessage().matches("leak: SlabEngine \\(tag \\d+\\) became unreachable without"
                    + " close\\(\\) with 2 live objects; 1 slab \\(4096 bytes\\) given back to the provider, tag \\d+"
                    + " released; to see where it was built, use leakDetection\\(LeakDetection.PARANOID\\) or"
                    + " -Dio.slabforge.leakDetection=PARANOID"), reports.get(0).getMessage());
        }
    }

    @Test
    void anUnclosedNamedCacheIsReportedWithWhereItWasBuiltAndUnregistered() throws Exception {
        CountingMemory memory = new CountingMemory("paranoid");
        ObjectName name = new ObjectName("io.slabforge:type=SlabCache,name=forgotten");
        try (LogCapture log = new LogCapture(); JfrCapture jfr = new JfrCapture("io.slabforge.Leak")) {
            assertRegisteredWhileBuilt(memory, name);
            assertTrue(LogCapture.awaitGc(() -> !log.warnings("\"forgotten\"").isEmpty()));
            LogRecord report = log.warnings("\"forgotten\"").get(0);
            assertTrue(report.getMessage().matches("leak: SlabEngine \"forgotten\" \\(tag \\d+\\) became unreachable"
                    + " without close\\(\\) with 2 live objects; 1 slab \\(4096 bytes\\) given back to the provider,"
                    + " tag \\d+ released; built at:"), report.getMessage());
            assertNotNull(report.getThrown());
            assertTrue(report.getThrown().getMessage().endsWith(" was built here"), report.getThrown().getMessage());
            assertEquals("buildAndForget", report.getThrown().getStackTrace()[0].getMethodName());
            assertEquals(0, memory.outstanding());
            assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(name), "unregistered by the Cleaner");
            RecordedEvent leak = jfr.await("io.slabforge.Leak", e -> "forgotten".equals(e.getString("cache")));
            assertEquals("cache", leak.getString("kind"));
            assertEquals("", leak.getString("handle"));
            assertTrue(leak.getString("outcome").startsWith("1 slab (4096 bytes) given back"), leak.getString("outcome"));
            assertTrue(leak.getString("createdAt").startsWith("at " + UnclosedCacheTest.class.getName()
                    + ".buildAndForget"), leak.getString("createdAt"));
        }
    }

    private static void assertRegisteredWhileBuilt(SlabMemory memory, ObjectName name) {
        buildAndForget(memory, SlabSync.CONFINED, LeakDetection.PARANOID, "forgotten");
        // Not reclaimed before a collection finds it (it may already be, if one ran in between).
        assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(name)
                || ((CountingMemory) memory).outstanding() == 0);
    }

    @Test
    void aClosedCacheIsNeitherReportedNorReleasedTwice() throws Exception {
        CountingMemory memory = new CountingMemory("closed");
        try (LogCapture log = new LogCapture()) {
            closeAndForget(memory);
            LogCapture.settle();
            assertEquals(List.of(), log.warnings("\"closed properly\""));
            assertEquals(1, memory.freeCalls());
        }
    }

    private static void closeAndForget(SlabMemory memory) {
        SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(memory).name("closed properly")
                .leakDetection(LeakDetection.PARANOID).build();
        engine.allocate();
        engine.close();
    }

    @Test
    void aBoxKeepsItsCacheReachable() throws Exception {
        CountingMemory memory = new CountingMemory("kept");
        try (LogCapture log = new LogCapture()) {
            TestBox box = boxOfAForgottenCache(memory);
            LogCapture.settle();
            assertEquals(1, memory.outstanding(), "the box's engine is its cache: not reclaimed");
            assertEquals(7, box.value());
            box.value(8);
            assertEquals(8, box.value());
            box.close();
            assertEquals(List.of(), log.warnings("leak:"));
        }
    }

    private static TestBox boxOfAForgottenCache(SlabMemory memory) {
        SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(memory).build();
        return new TestBox(engine).value(7);
    }

    @Test
    void unclosedLockedCachesAreReclaimedAndTheirTagsReleased() throws Exception {
        // A LOCKED cache takes its slabs from private regions (2 MiB or more each): a few hundred show the reclaim
        // (regions closed or unmapped on the cleaner thread) without holding gigabytes while the GC is asked.
        int before = CacheTags.inUse();
        try (LogCapture log = new LogCapture()) {
            for (int i = 0; i < 200; i++) {
                buildAndForget(SlabMemory.ofArena(), SlabSync.LOCKED, LeakDetection.OFF, null);
            }
            assertTrue(LogCapture.awaitGc(() -> CacheTags.inUse() <= before), CacheTags.inUse() + " tags in use, "
                    + before + " before");
            assertEquals(List.of(), log.warnings("leak:"), "OFF reclaims silently");
        }
    }
}
