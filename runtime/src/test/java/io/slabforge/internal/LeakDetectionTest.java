package io.slabforge.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.LeakDetection;
import io.slabforge.SlabSync;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.LogRecord;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

/**
 * Boxes that become unreachable without {@code close()}: reported (once, to System.Logger and JFR) as the level says,
 * their slots freed by the cache's next {@code box()}, never by the cleaner thread.
 */
class LeakDetectionTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(16, 8, 4096);

    private static SlabEngine engine(String name, LeakDetection level, SlabSync sync) {
        return SlabEngine.builder(GEOMETRY).name(name).leakDetection(level).sync(sync).build();
    }

    /** Boxes made and dropped in a frame of their own, so that no local keeps them; their handles. */
    private static List<Long> dropBoxes(SlabEngine engine, int count) {
        List<Long> handles = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            handles.add(new TestBox(engine).value(i).handle());
        }
        return handles;
    }

    @Test
    void paranoidReportsALeakedBoxOnceWithWhereItWasCreatedAndTheNextBoxFreesItsSlot() throws Exception {
        try (LogCapture log = new LogCapture(); JfrCapture jfr = new JfrCapture("io.slabforge.Leak");
             SlabEngine engine = engine("leaky", LeakDetection.PARANOID, SlabSync.CONFINED)) {
            long leaked = dropBoxes(engine, 1).get(0);
            assertTrue(LogCapture.awaitGc(() -> !log.warnings("leak:").isEmpty()), "a report within 10 s");
            LogRecord report = log.warnings("leak:").get(0);
            String hex = "0x" + Long.toHexString(leaked);
            assertTrue(report.getMessage().startsWith("leak: SlabEngine.Box " + hex + " of SlabEngine \"leaky\" (tag "
                    + engine.tag() + ") became unreachable without close(); its slot is freed by the cache's next box()"
                    + " call (or by close()); created at:"), report.getMessage());
            assertNotNull(report.getThrown(), "PARANOID logs the creation stack");
            assertTrue(stackNames(report.getThrown()).contains("dropBoxes"), stackNames(report.getThrown()));
            assertEquals(TestBox.class.getName(), report.getThrown().getStackTrace()[0].getClassName(),
                    "the runtime's own frames are left out: the generated Box's constructor comes first");

            // The cleaner thread reported but did not free: the cache is confined to this thread.
            assertTrue(engine.isLive(leaked));
            assertEquals(1, engine.liveCount());
            try (TestBox next = new TestBox(engine)) {
                assertFalse(engine.isLive(leaked), "freed by the next box(), on the owner thread");
                assertTrue(engine.isLive(next.handle()));
                assertEquals(1, engine.liveCount());
            }
            RecordedEvent event = jfr.await("io.slabforge.Leak", e -> "leaky".equals(e.getString("cache")));
            LogCapture.settle();
            jfr.stop();
            assertEquals(1, jfr.events("io.slabforge.Leak").size(), "reported once");
            assertEquals("leaky", event.getString("cache"));
            assertEquals("Box", event.getString("kind"));
            assertEquals(hex, event.getString("handle"));
            assertTrue(event.getString("createdAt").contains("dropBoxes"), event.getString("createdAt"));
            assertEquals(1, log.warnings("leak:").size());
        }
    }

    private static String stackNames(Throwable site) {
        StringBuilder names = new StringBuilder();
        for (StackTraceElement frame : site.getStackTrace()) {
            names.append(frame.getMethodName()).append(' ');
        }
        return names.toString();
    }

    @Test
    void closedBoxesAndSlotsFreedThroughTheirHandleAreNotLeaks() throws Exception {
        try (LogCapture log = new LogCapture();
             SlabEngine engine = engine("tidy", LeakDetection.PARANOID, SlabSync.CONFINED)) {
            closeBoxes(engine, 100);
            for (long h : dropBoxes(engine, 100)) {
                engine.free(h); // the slot is given back through the handle: the dropped box leaks nothing
            }
            LogCapture.settle();
            assertEquals(List.of(), log.warnings("leak:"));
            assertEquals(0, engine.liveCount());
            try (TestBox box = new TestBox(engine)) {
                assertEquals(0, box.value(), "a fresh slot; nothing double-freed");
            }
            assertEquals(0, engine.liveCount());
            assertEquals(engine.stats().allocations(), engine.stats().frees());
        }
    }

    private static void closeBoxes(SlabEngine engine, int count) {
        for (int i = 0; i < count; i++) {
            try (TestBox box = new TestBox(engine)) {
                box.value(i);
            }
        }
    }

    @Test
    void offTracksNothingAndFreesNothing() throws Exception {
        try (LogCapture log = new LogCapture();
             SlabEngine engine = engine("untracked", LeakDetection.OFF, SlabSync.CONFINED)) {
            List<Long> dropped = dropBoxes(engine, 500);
            LogCapture.settle();
            closeBoxes(engine, 1);
            assertEquals(List.of(), log.warnings("leak:"));
            assertEquals(500, engine.liveCount(), "OFF: leaked slots stay until close()");
            assertTrue(engine.isLive(dropped.get(0)));
        }
    }

    @Test
    void sampledTracksAboutOneBoxIn128() throws Exception {
        int tracked = 0;
        for (int i = 0; i < 128_000; i++) {
            if (Leaks.sampled()) {
                tracked++;
            }
        }
        assertTrue(tracked > 850 && tracked < 1150, tracked + " of 128000 (expected about 1000)");
        try (LogCapture log = new LogCapture();
             SlabEngine engine = engine("sampled", LeakDetection.SAMPLED, SlabSync.CONFINED)) {
            dropBoxes(engine, 2048); // P(none tracked) = (127/128)^2048, about 1e-7
            assertTrue(LogCapture.awaitGc(() -> !log.warnings("leak:").isEmpty()));
            LogCapture.settle();
            int reports = log.warnings("leak:").size();
            assertTrue(reports >= 1 && reports < 60, reports + " reports for 2048 leaked boxes");
            LogRecord report = log.warnings("leak:").get(0);
            assertNull(report.getThrown(), "SAMPLED records no stack");
            assertTrue(report.getMessage().endsWith("to see where it was created, build the cache with"
                    + " leakDetection(LeakDetection.PARANOID) or run with -Dio.slabforge.leakDetection=PARANOID"),
                    report.getMessage());
            closeBoxes(engine, 1);
            assertEquals(2048 - reports, engine.liveCount(), "the reported slots were freed by the next box()");
        }
    }

    @Test
    void aLeakedSlotFreedByTheNextBoxHasItsColumnsCleared() throws Exception {
        for (SlabSync sync : new SlabSync[] {SlabSync.CONFINED, SlabSync.LOCKED}) {
            try (LogCapture log = new LogCapture();
                 SlabEngine engine = engine("columns-" + sync, LeakDetection.PARANOID, sync)) {
                SlabEngine column = engine.attachColumn(8, 8, null);
                long leaked = dropBoxWithColumn(engine, column);
                assertTrue(LogCapture.awaitGc(() -> !log.warnings("leak:").isEmpty()), sync + ": a report within 10 s");
                new TestBox(engine).close(); // frees the leaked slot first
                assertFalse(engine.isLive(leaked));
                boolean reused = false;
                for (int i = 0; i < 8 && !reused; i++) {
                    long h = engine.allocate();
                    reused = HandleFormat.index(h) == HandleFormat.index(leaked);
                    assertEquals(0, column.getLong(h, 0), sync + ": a column slot reads zeros when its slot is allocated");
                }
                assertTrue(reused, sync + ": the leaked slot was allocated again");
            }
        }
    }

    /** One box dropped as in {@link #dropBoxes}, with its column slot written; its handle. */
    private static long dropBoxWithColumn(SlabEngine engine, SlabEngine column) {
        long h = new TestBox(engine).value(1).handle();
        column.setLong(h, 0, 77);
        return h;
    }

    @Test
    void aLockedCacheFreesLeakedSlotsOnTheNextBoxOfAnyThread() throws Exception {
        try (LogCapture log = new LogCapture();
             SlabEngine engine = engine("shared", LeakDetection.PARANOID, SlabSync.LOCKED)) {
            Thread leaker = Thread.ofPlatform().start(() -> dropBoxes(engine, 10));
            leaker.join();
            assertTrue(LogCapture.awaitGc(() -> log.warnings("leak:").size() == 10));
            assertEquals(10, engine.liveCount());
            Thread other = Thread.ofPlatform().start(() -> closeBoxes(engine, 1));
            other.join();
            assertEquals(0, engine.liveCount());
        }
    }

    @Test
    void leakedSlotsOfAClosedCacheAreNotTouched() throws Exception {
        try (LogCapture log = new LogCapture()) {
            SlabEngine engine = engine("closing", LeakDetection.PARANOID, SlabSync.CONFINED);
            dropBoxes(engine, 3);
            engine.close(); // frees everything; the cleaner then finds the boxes' slots no longer live
            LogCapture.settle();
            assertEquals(List.of(), log.warnings("leak:"));
        }
    }

    @Test
    void thePropertyValueNamesTheDefaultLevel() {
        assertEquals(LeakDetection.SAMPLED, Leaks.parse(null));
        assertEquals(LeakDetection.SAMPLED, Leaks.parse(" "));
        assertEquals(LeakDetection.PARANOID, Leaks.parse("paranoid"));
        assertEquals(LeakDetection.OFF, Leaks.parse(" OFF "));
        try (LogCapture log = new LogCapture()) {
            assertEquals(LeakDetection.SAMPLED, Leaks.parse("loud"));
            assertEquals(1, log.warnings("-Dio.slabforge.leakDetection=loud is not OFF, SAMPLED or PARANOID").size());
        }
        assertEquals(Leaks.parse(System.getProperty("io.slabforge.leakDetection")), Leaks.DEFAULT);
    }

    @Test
    void theSystemPropertySetsTheDefaultOfEveryCache() throws Exception {
        assertEquals("default PARANOID, builder PARANOID", runWithProperty("paranoid").strip());
        String bogus = runWithProperty("loud");
        assertTrue(bogus.contains("-Dio.slabforge.leakDetection=loud is not OFF, SAMPLED or PARANOID; using SAMPLED"),
                bogus);
        assertTrue(bogus.strip().endsWith("default SAMPLED, builder SAMPLED"), bogus);
    }

    /** What LeakDefaultMain prints (stdout and stderr) in a JVM started with -Dio.slabforge.leakDetection=value. */
    private static String runWithProperty(String value) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-Dio.slabforge.leakDetection=" + value, "-cp",
                System.getProperty("java.class.path"), LeakDefaultMain.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        return output;
    }
}
