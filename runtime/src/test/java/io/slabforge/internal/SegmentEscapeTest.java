package io.slabforge.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.SlabAllocator;
import io.slabforge.SlabMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hole Engine v2 closes: no segment beyond one slot leaves an engine (Engine v1's {@code slabOf(h)} handed out
 * the whole region, or all memory on the direct path, and a write through it reached any slab, header or not).
 *
 * <p>Found by reflection over every public class of {@code io.slabforge} and {@code io.slabforge.internal}: each
 * public or protected method or field whose type mentions {@link MemorySegment} (a segment, an array or a
 * collection of them) must be in {@link #ALLOWED} with the reason it is safe, and that reason is tested below.
 * Adding a method that returns a segment fails this test until it is listed and its size bounded.
 */
class SegmentEscapeTest {
    /** Anything a public method returns is smaller than this; all memory is {@code Long.MAX_VALUE} bytes. */
    private static final long ONE_GIB = 1L << 30;

    /** {@code Class#getSimpleName.method}: why the segment it returns is safe to hand out. */
    private static final Map<String, String> ALLOWED = new TreeMap<>(Map.of(
            "SlabEngine.segment", "exactly one slot of a live handle, a slice of the slab's region or segment",
            "SlabCache.segment", "an interface: every generated cache implements it as engine.segment(handle)",
            "SlabMemory.allocate", "a provider's fresh memory of exactly the size asked for; no engine state in it",
            "RegionSlabMemory.allocate", "as SlabMemory.allocate: one block of a region, exactly the size asked for",
            "BoundedSlabMemory.allocate", "as SlabMemory.allocate: the delegate's block",
            "SlabAllocator.allocate", "the block asked for, exactly byteSize bytes (SegmentAllocator's contract)",
            "SlabAllocator.allocateFrom", "SegmentAllocator's defaults: allocate(size) then a copy into it"));

    /** The public classes of the runtime's two packages, read from the directory (or jar) they were loaded from. */
    static List<Class<?>> publicClasses() {
        List<Class<?>> classes = new ArrayList<>();
        try {
            Path root = Path.of(SlabEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (String pkg : List.of("io/slabforge", "io/slabforge/internal")) {
                try (Stream<Path> files = Files.list(root.resolve(pkg))) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                        String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                        if (name.endsWith("module-info")) {
                            continue;
                        }
                        Class<?> c = Class.forName(name, false, SlabEngine.class.getClassLoader());
                        if (isAccessible(c)) {
                            classes.add(c);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        return classes;
    }

    private static boolean isAccessible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    private static boolean mentionsSegment(Type type) {
        if (type instanceof Class<?> c) {
            return c.isArray() ? mentionsSegment(c.getComponentType()) : MemorySegment.class.isAssignableFrom(c);
        }
        if (type instanceof ParameterizedType p) {
            return mentionsSegment(p.getRawType()) || Stream.of(p.getActualTypeArguments())
                    .anyMatch(SegmentEscapeTest::mentionsSegment);
        }
        if (type instanceof GenericArrayType a) {
            return mentionsSegment(a.getGenericComponentType());
        }
        if (type instanceof WildcardType w) {
            return Stream.of(w.getUpperBounds()).anyMatch(SegmentEscapeTest::mentionsSegment);
        }
        if (type instanceof TypeVariable<?> v) { // B extends Options<B>: only a direct bound can be a segment
            return Stream.of(v.getBounds()).anyMatch(b -> b instanceof Class<?> c && mentionsSegment(c));
        }
        return false;
    }

    /** Public methods (inherited too) and protected ones declared in the class or its superclasses. */
    private static List<Method> reachableMethods(Class<?> c) {
        List<Method> methods = new ArrayList<>(List.of(c.getMethods()));
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (Modifier.isProtected(m.getModifiers())) {
                    methods.add(m);
                }
            }
        }
        return methods;
    }

    private static String key(Class<?> owner, Member member) {
        return owner.getSimpleName() + "." + member.getName();
    }

    @Test
    void everyPublicWayToASegmentIsKnownAndBounded() {
        List<Class<?>> classes = publicClasses();
        assertTrue(classes.contains(SlabEngine.class) && classes.contains(SlabAllocator.class)
                && classes.contains(RegionSlabMemory.class) && classes.size() > 20, "classes found: " + classes);
        TreeSet<String> found = new TreeSet<>();
        List<String> unexplained = new ArrayList<>();
        for (Class<?> c : classes) {
            for (Method m : reachableMethods(c)) {
                if (m.isSynthetic() || m.getDeclaringClass() == Object.class) {
                    continue;
                }
                if (mentionsSegment(m.getGenericReturnType())) {
                    String key = key(c, m);
                    found.add(key);
                    if (!ALLOWED.containsKey(key)) {
                        unexplained.add(c.getName() + "." + m.getName() + " returns " + m.getGenericReturnType());
                    }
                }
            }
            for (Field f : c.getFields()) {
                if (mentionsSegment(f.getGenericType())) {
                    unexplained.add("field " + c.getName() + "." + f.getName() + " is a " + f.getGenericType());
                }
            }
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (Modifier.isProtected(f.getModifiers()) && mentionsSegment(f.getGenericType())) {
                        unexplained.add("protected field " + k.getName() + "." + f.getName());
                    }
                }
            }
        }
        assertEquals(List.of(), unexplained, "public ways to a MemorySegment that nobody vouched for; list them in"
                + " ALLOWED with the reason they are safe, and bound their size below");
        assertEquals(ALLOWED.keySet(), found, "ALLOWED lists only what exists");
    }

    /**
     * A public method of a public class returns only public types: an engine internal (a slot table, a pool, the
     * all-memory segment's holder) reached through a public method would reopen the hole through its methods.
     */
    @Test
    void noPublicMethodHandsOutAnInternalType() {
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : publicClasses()) {
            for (Method m : reachableMethods(c)) {
                if (m.getGenericReturnType() instanceof TypeVariable<?>) {
                    continue; // a builder's self type (B extends Options<B>): the caller sees its public subclass
                }
                Class<?> type = m.getReturnType();
                while (type.isArray()) {
                    type = type.getComponentType();
                }
                if (!type.isPrimitive() && !isAccessible(type) && !m.isSynthetic()) {
                    leaks.add(c.getName() + "." + m.getName() + " returns " + type.getName());
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    /** {@code segment(h)} is exactly one slot in every configuration, at the slot's place, and never all memory. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Configuration.class)
    void segmentIsOneSlotInEveryConfiguration(Configuration c) {
        for (SlabGeometry g : List.of(SlabGeometry.of(32, 8, 4096), SlabGeometry.of(24, 8, 65536),
                SlabGeometry.of(4096, 4096, 8192), SlabGeometry.of(4, 4, 64))) {
            try (SlabEngine engine = c.builder(g).build()) {
                for (int i = 0; i < 3 * g.slotsPerSlab() + 1; i++) {
                    long h = engine.allocate();
                    MemorySegment slot = engine.segment(h);
                    assertEquals(g.slotSize(), slot.byteSize(), () -> c + " " + g + " " + engine.describe(h));
                    assertTrue(slot.byteSize() < ONE_GIB);
                    assertEquals(0, slot.address() % g.slotAlignment());
                    if (g.slotSize() >= 8) {
                        engine.setLong(h, 0, h);
                        assertEquals(h, slot.get(JAVA_LONG, 0), "the segment is the slot the accessors reach");
                    }
                }
            }
        }
    }

    /** What the allow-listed providers and the allocator return is exactly what was asked for. */
    @Test
    void theAllowedMethodsReturnExactlyWhatWasAskedFor() {
        for (SlabMemory memory : List.of(SlabMemory.ofArena(), new RegionSlabMemory(false),
                SlabMemory.bounded(SlabMemory.ofArena(), 1 << 20))) {
            for (long size : new long[] {64, 4096, 65536}) {
                MemorySegment block = memory.allocate(size, size);
                assertEquals(size, block.byteSize(), memory::toString);
                assertTrue(block.byteSize() < ONE_GIB);
                memory.free(block);
            }
        }
        try (SlabAllocator allocator = SlabAllocator.create()) {
            List<MemorySegment> blocks = new ArrayList<>();
            for (long size : new long[] {0, 1, 16, 100, 4096, 5000, 1 << 20}) {
                MemorySegment b = allocator.allocate(size, 8);
                assertEquals(size, b.byteSize());
                blocks.add(b);
            }
            SegmentAllocator api = allocator;
            MemorySegment text = api.allocateFrom("slot");
            assertEquals(5, text.byteSize());
            MemorySegment longs = api.allocate(MemoryLayout.sequenceLayout(10, JAVA_LONG));
            assertEquals(80, longs.byteSize());
            MemorySegment one = api.allocateFrom(JAVA_LONG, 7L);
            assertEquals(8, one.byteSize());
            blocks.addAll(List.of(text, longs, one));
            for (MemorySegment b : blocks) {
                assertTrue(b.byteSize() < ONE_GIB);
                allocator.free(b);
            }
        }
    }
}
