package io.slabforge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;

/**
 * The objects each stripe's thread writes on every allocation and free, its engine and its lock, are padded so that
 * no other object's fields share a cache line with theirs: checked on the JVM's actual field layout (JOL), as the
 * padding relies on how the JVM orders fields.
 */
class CacheLinePaddingTest {
    /**
     * Bytes of padding that keep a field off the cache lines of the neighbouring objects: objects start at
     * multiples of 8, so 56 would do; a whole line is what the padding gives.
     */
    private static final long LINE = 64;

    private static boolean isPadding(FieldLayout field) {
        return field.name().startsWith("leadingPad") || field.name().startsWith("trailingPad");
    }

    @Test
    void anEnginesFieldsAreALineFromBothEndsOfTheObject() {
        ClassLayout layout = ClassLayout.parseClass(SlabEngine.class);
        List<FieldLayout> fields = layout.fields().stream().filter(field -> !isPadding(field)).toList();
        assertTrue(fields.size() > 30, "the engine's own fields: " + fields.size());
        for (FieldLayout field : fields) {
            assertTrue(field.offset() >= LINE, () -> field.name() + " at " + field.offset() + ":\n"
                    + layout.toPrintable());
            long after = layout.instanceSize() - (field.offset() + field.size());
            assertTrue(after >= LINE, () -> field.name() + " is " + after + " bytes from the end:\n"
                    + layout.toPrintable());
        }
    }

    @Test
    void aStripeLocksStateIsALineFromTheEndOfTheObject() {
        ClassLayout layout = ClassLayout.parseClass(StripeLock.class);
        List<FieldLayout> state = layout.fields().stream().filter(field -> !isPadding(field)).toList();
        assertEquals(4, state.size(), layout.toPrintable()); // owner, head, tail, state
        for (FieldLayout field : state) {
            long after = layout.instanceSize() - (field.offset() + field.size());
            assertTrue(after >= LINE, () -> field.name() + " is " + after + " bytes from the end:\n"
                    + layout.toPrintable());
        }
    }

    @Test
    void onlyAStripedCachesStripesGetAStripeLock() throws ReflectiveOperationException {
        try (SlabEngine striped = SlabEngine.builder(SlabGeometry.of(32, 8, 4096)).sync(SlabSync.LOCKED).stripes(2)
                .build()) {
            SlabEngine[] stripes = (SlabEngine[]) field(striped, "stripes");
            assertEquals(2, stripes.length);
            for (SlabEngine stripe : stripes) {
                assertEquals(StripeLock.class, field(stripe, "lock").getClass());
            }
            // The cache's own lock guards only its slab table and provider calls: rare, and shared by all threads.
            assertEquals(ReentrantLock.class, field(striped, "lock").getClass());
        }
        try (SlabEngine single = SlabEngine.builder(SlabGeometry.of(32, 8, 4096)).sync(SlabSync.LOCKED).stripes(1)
                .build()) {
            assertEquals(ReentrantLock.class, field(single, "lock").getClass());
        }
    }

    private static Object field(SlabEngine engine, String name) throws ReflectiveOperationException {
        Field field = SlabEngine.class.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(engine);
    }
}
