package io.slabforge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lazily created shared engines ({@code SlabAllocator.global()}, and the chunk engine behind
 * {@code SlabBytes.create()} and {@code SlabByteQueue.create()}) first touched while every cache tag is taken: a
 * {@link SlabException}, and created on a later call once tags are free, never an
 * {@code ExceptionInInitializerError} followed by {@code NoClassDefFoundError} for the life of the JVM.
 *
 * <p>Class initialisation happens once per class loader, so the runtime is loaded afresh here, in a class loader
 * of its own whose cache tags this test can use up without touching the rest of the suite.
 */
class SharedEnginesInitTest {

    @Test
    void firstUseWithoutFreeTagsIsASlabExceptionAndTheNextUseSucceeds() throws Exception {
        URL runtime = SlabAllocator.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader fresh = new URLClassLoader(new URL[] {runtime}, ClassLoader.getPlatformClassLoader())) {
            Class<?> tags = fresh.loadClass("io.slabforge.internal.CacheTags");
            Method acquire = tags.getDeclaredMethod("acquire");
            Method release = tags.getDeclaredMethod("release", int.class);
            acquire.setAccessible(true);
            release.setAccessible(true);
            List<Integer> taken = new ArrayList<>();
            for (;;) {
                try {
                    taken.add((Integer) acquire.invoke(null));
                } catch (InvocationTargetException e) {
                    assertEquals("io.slabforge.SlabException", e.getCause().getClass().getName());
                    break;
                }
            }
            assertEquals(4095, taken.size());

            Method global = fresh.loadClass("io.slabforge.SlabAllocator").getMethod("global");
            Method bytes = fresh.loadClass("io.slabforge.SlabBytes").getMethod("create");
            Method queue = fresh.loadClass("io.slabforge.SlabByteQueue").getMethod("create");
            for (int attempt = 0; attempt < 2; attempt++) {
                for (Method m : List.of(global, bytes, queue)) {
                    assertThrowsSlabException(m);
                }
            }

            for (int tag : taken) {
                release.invoke(null, tag);
            }
            Object allocator = global.invoke(null);
            assertNotNull(allocator);
            assertSame(allocator, global.invoke(null), "one global allocator");
            Object b = bytes.invoke(null);
            Object q = queue.invoke(null);
            b.getClass().getMethod("close").invoke(b);
            q.getClass().getMethod("close").invoke(q);
        }
    }

    private static void assertThrowsSlabException(Method m) throws IllegalAccessException {
        try {
            m.invoke(null);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (!cause.getClass().getName().equals("io.slabforge.SlabException")) {
                throw new AssertionError(m + " threw " + cause + " instead of a SlabException", cause);
            }
            return;
        }
        throw new AssertionError(m + " succeeded with every cache tag taken");
    }
}
