package io.slabforge.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.google.testing.compile.Compilation;
import io.slabforge.internal.SlabEngine;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Pins how the generated code reaches memory (runtime contract 5): every field access is a call of the engine with
 * the class's geometry, the handle and an offset in the slot ({@code engine.getDouble(GEOMETRY, handle, X_OFFSET)}),
 * so that the engine validates the handle and bounds the access to the slot (the {@code static final} geometry lets
 * the JIT fold that bound); no slab segment, slot base or {@code VarHandle} appears in
 * generated code, and the only segments it hands out are the engine's slices of one slot. {@code LAYOUT}, the C
 * struct, keeps the aligned value layouts.
 */
class EngineAccessTest {
    private static final Pattern LAYOUT_INITIALIZER =
            Pattern.compile("public static final StructLayout LAYOUT = (.*?);\n", Pattern.DOTALL);
    /** {@code engine.name(}: every call of the engine. */
    private static final Pattern ENGINE_CALL = Pattern.compile("\\bengine\\.(\\w+)\\(");
    /**
     * A field access: {@code engine.getDouble(GEOMETRY, handle, X_OFFSET}, {@code engine.setIntVolatile(GEOMETRY,
     * handle, 8L}, {@code engine.compareAndSetLong(GEOMETRY, handle, HITS_OFFSET}.
     */
    private static final Pattern FIELD_ACCESS = Pattern.compile(
            "\\bengine\\.(get|set|compareAndSet|getAndAdd)(Boolean|Byte|Short|Char|Int|Float|Long|Double)"
                    + "(Volatile|Acquire|Release)?\\(GEOMETRY, (\\w+), (\\w+)");
    /** An offset constant, derived from {@code LAYOUT}: {@code X_OFFSET = LAYOUT.byteOffset(...)}. */
    private static final Pattern OFFSET_CONSTANT = Pattern.compile(
            "private static final long (\\w+_OFFSET) = LAYOUT\\.byteOffset\\(((?:MemoryLayout\\.PathElement"
                    + "\\.groupElement\\(\"\\w+\"\\)(?:, )?)+)\\);");
    /** An array read through the runtime's copies: offset constant, element type, length. */
    private static final Pattern ARRAY_COPY_OUT = Pattern.compile(
            "SlabArrays\\.copyOut\\(engine, GEOMETRY, handle, (\\w+), new (\\w+)\\[(\\d+)\\]\\)");
    private static final Pattern ZERO_STORE = Pattern.compile("engine\\.set(\\w+)\\(GEOMETRY, handle, (\\d+)L, ");

    @Test
    void everyAccessIsAnEngineCallWithTheHandleAndAnOffsetInTheSlot() throws Exception {
        Compilation compilation = Sources.compileClean(GeneratedCodeTest.records());
        ClassLoader loader = Sources.load(compilation);
        Set<String> engineMethods = Stream.of(SlabEngine.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers())).map(Method::getName).collect(Collectors.toSet());
        Set<String> plainTypes = new LinkedHashSet<>();
        Set<String> atomicAccesses = new LinkedHashSet<>();
        for (JavaFileObject file : compilation.generatedSourceFiles()) {
            String source = file.getCharContent(true).toString();
            String name = file.getName();

            Matcher layout = LAYOUT_INITIALIZER.matcher(source);
            assertWithMessage("LAYOUT in %s", name).that(layout.find()).isTrue();
            assertWithMessage("LAYOUT of %s", name).that(layout.group(1)).contains("ValueLayout.JAVA_");
            assertWithMessage("LAYOUT of %s", name).that(layout.group(1)).doesNotContain("UNALIGNED");
            // the code outside LAYOUT, without comments (javadoc may name what it likes)
            String rest = (source.substring(0, layout.start()) + source.substring(layout.end()))
                    .replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "");

            for (String gone : new String[] {"slabOf", "slotOffset", "allocatedSlab", "VarHandle", "varHandle",
                    "base +", "asSlice(base", "MemorySegment.copy"}) {
                assertWithMessage("%s in %s (contract 3 accessed the slab segment directly)", gone, name)
                        .that(rest).doesNotContain(gone);
            }
            assertWithMessage("access layout constants in %s", name).that(rest)
                    .doesNotContainMatch("private static final ValueLayout");

            Matcher call = ENGINE_CALL.matcher(rest);
            while (call.find()) {
                assertWithMessage("engine.%s in %s is an instance method of %s", call.group(1), name,
                        SlabEngine.class.getName()).that(engineMethods).contains(call.group(1));
            }

            Map<String, Long> offsets = new HashMap<>();
            Matcher constant = OFFSET_CONSTANT.matcher(rest);
            Class<?> cache = loader.loadClass(name.substring(name.indexOf("/SOURCE_OUTPUT/") + 15,
                    name.length() - ".java".length()).replace('/', '.'));
            while (constant.find()) { // the value LAYOUT gives, read from the initialised class
                java.lang.reflect.Field field = cache.getDeclaredField(constant.group(1));
                field.setAccessible(true);
                offsets.put(constant.group(1), field.getLong(null));
            }
            assertWithMessage("offset constants of %s, all derived from LAYOUT", name)
                    .that(offsets.size()).isEqualTo(count(rest, "private static final long "));
            assertWithMessage("offset constants of %s", name).that(offsets).isNotEmpty();
            long slotSize = Long.parseLong(find(rest, "public static final long SLOT_SIZE = (\\d+)L;", name));

            Matcher access = FIELD_ACCESS.matcher(rest);
            int accesses = 0;
            while (access.find()) {
                accesses++;
                String what = access.group() + " in " + name;
                assertWithMessage("handle argument of %s", what).that(access.group(4)).isEqualTo("handle");
                String type = access.group(2);
                String offset = access.group(5);
                long at = offsets.containsKey(offset) ? offsets.get(offset)
                        : Long.parseLong(offset.replaceFirst("L$", ""));
                long size = size(type);
                assertWithMessage("%s is inside the %s-byte slot", what, slotSize).that(at + size)
                        .isAtMost(slotSize);
                assertWithMessage("%s is naturally aligned", what).that(at % size).isEqualTo(0);
                if (access.group(3) == null && !access.group(1).equals("compareAndSet")
                        && !access.group(1).equals("getAndAdd")) {
                    plainTypes.add(type);
                } else {
                    atomicAccesses.add(access.group(1) + type + (access.group(3) == null ? "" : access.group(3)));
                }
            }
            assertWithMessage("field accesses in %s", name).that(accesses).isGreaterThan(0);

            Matcher copy = ARRAY_COPY_OUT.matcher(rest);
            while (copy.find()) {
                long at = offsets.get(copy.group(1));
                long size = size(Character.toUpperCase(copy.group(2).charAt(0)) + copy.group(2).substring(1));
                assertWithMessage("%s in %s is inside the slot and aligned", copy.group(), name)
                        .that(at + size * Long.parseLong(copy.group(3))).isAtMost(slotSize);
                assertWithMessage("%s in %s is aligned", copy.group(), name).that(at % size).isEqualTo(0);
            }
            // the bulk copies and their element layouts are the runtime's SlabArrays (tested there)
            assertWithMessage("ValueLayout named outside LAYOUT in %s", name).that(count(rest, "ValueLayout.JAVA_"))
                    .isEqualTo(0);

            Matcher segment = Pattern.compile("\\bMemorySegment\\b").matcher(rest);
            int segments = 0;
            while (segment.find()) {
                segments++;
            }
            assertWithMessage("MemorySegment in %s: the import and the return types of segment(handle) and the"
                    + " array views", name).that(segments)
                    .isEqualTo(1 + count(rest, "public MemorySegment "));
            assertWithMessage("every segment of %s is the engine's slot or a slice of it", name)
                    .that(count(rest, "return engine.segment(handle)"))
                    .isEqualTo(count(rest, "public MemorySegment "));
        }
        assertWithMessage("the records under test read and write every scalar").that(plainTypes)
                .containsExactly("Boolean", "Byte", "Short", "Char", "Int", "Float", "Long", "Double");
        assertWithMessage("the records under test use every atomic access").that(atomicAccesses).containsExactly(
                "getIntVolatile", "setIntVolatile", "getIntAcquire", "setIntRelease", "compareAndSetInt",
                "getAndAddInt", "getLongVolatile", "setLongVolatile", "getLongAcquire", "setLongRelease",
                "compareAndSetLong", "getAndAddLong");
    }

    /** Padding is zeroed with aligned stores inside the slot, or one {@code clear} above 64 bytes. */
    @Test
    void zeroPaddingStoresAreAlignedAndCoverOnlyPadding() throws IOException {
        Compilation compilation = Sources.compileClean(GeneratedCodeTest.records());
        String mixed = source(compilation, "com.example.MixedSlab");
        // Mixed(byte a, long b, short c): padding 1..8 and 18..24
        assertThat(body(mixed, "private static void zeroPadding(SlabEngine engine, long handle)")).isEqualTo(
                "engine.setByte(GEOMETRY, handle, 1L, (byte) 0);\n"
                        + "engine.setShort(GEOMETRY, handle, 2L, (short) 0);\n"
                        + "engine.setInt(GEOMETRY, handle, 4L, 0);\n"
                        + "engine.setShort(GEOMETRY, handle, 18L, (short) 0);\n"
                        + "engine.setInt(GEOMETRY, handle, 20L, 0);\n");
        for (JavaFileObject file : compilation.generatedSourceFiles()) {
            String source = file.getCharContent(true).toString();
            if (!source.contains("zeroPadding(")) {
                continue;
            }
            Matcher store = ZERO_STORE.matcher(body(source, "private static void zeroPadding(SlabEngine engine,"
                    + " long handle)"));
            while (store.find()) {
                long at = Long.parseLong(store.group(2));
                assertWithMessage("%s in %s", store.group(), file.getName()).that(at % size(store.group(1)))
                        .isEqualTo(0);
            }
        }
        String padded = source(compilation, "com.example.PaddedCounterSlab");
        assertThat(body(padded, "private static void zeroPadding(SlabEngine engine, long handle)"))
                .isEqualTo("engine.clear(GEOMETRY, handle, 8L, 120L);\n");
    }

    /** There are no access layout constants any more: an enum named like one needs no renaming. */
    @Test
    void enumsNamedLikeScalarsAreUsedAsIs() throws Exception {
        Compilation compilation = Sources.compileClean(
                Sources.source("com.example.INT", "package com.example;", "", "public enum INT { A, B }"),
                Sources.source("com.example.DOUBLE", "package com.example;", "", "public enum DOUBLE { C, D }"),
                Sources.source("com.example.Tagged",
                        "package com.example;",
                        "",
                        "import io.slabforge.SlabType;",
                        "",
                        "@SlabType",
                        "public record Tagged(INT tag, DOUBLE other, int count) {}"));
        String source = source(compilation, "com.example.TaggedSlab");
        assertThat(source).contains("private static final INT[] INT_VALUES = INT.values();");
        assertThat(source).contains("private static final DOUBLE[] DOUBLE_VALUES = DOUBLE.values();");
        assertThat(source).contains("return engine.getInt(GEOMETRY, handle, COUNT_OFFSET);");
        assertThat(source).contains(
                "return SlabChecks.enumAt(INT_VALUES, Byte.toUnsignedInt(engine.getByte(GEOMETRY, handle, TAG_OFFSET)), \"Tagged.tag\");");

        ClassLoader loader = Sources.load(compilation);
        Class<?> cache = loader.loadClass("com.example.TaggedSlab");
        Class<?> intEnum = loader.loadClass("com.example.INT");
        Class<?> doubleEnum = loader.loadClass("com.example.DOUBLE");
        Object b = intEnum.getEnumConstants()[1];
        Object d = doubleEnum.getEnumConstants()[1];
        try (AutoCloseable slab = (AutoCloseable) cache.getMethod("create").invoke(null)) {
            long h = (long) cache.getMethod("allocate").invoke(slab);
            cache.getMethod("tag", long.class, intEnum).invoke(slab, h, b);
            cache.getMethod("other", long.class, doubleEnum).invoke(slab, h, d);
            cache.getMethod("count", long.class, int.class).invoke(slab, h, 7);
            assertThat(cache.getMethod("tag", long.class).invoke(slab, h)).isSameInstanceAs(b);
            assertThat(cache.getMethod("other", long.class).invoke(slab, h)).isSameInstanceAs(d);
            assertThat(cache.getMethod("count", long.class).invoke(slab, h)).isEqualTo(7);
        }
    }

    private static String source(Compilation compilation, String name) throws IOException {
        return compilation.generatedSourceFile(name).orElseThrow().getCharContent(true).toString();
    }

    /** The statements of a method, unindented. */
    private static String body(String source, String signature) {
        int start = source.indexOf(signature);
        assertWithMessage("%s in the source", signature).that(start).isAtLeast(0);
        int open = source.indexOf("{\n", start) + 2;
        int close = source.indexOf("\n    }\n", open);
        return source.substring(open, close + 1).lines().map(String::strip).collect(Collectors.joining("\n", "",
                "\n"));
    }

    private static String find(String text, String regex, String where) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertWithMessage("%s in %s", regex, where).that(m.find()).isTrue();
        return m.group(1);
    }

    private static long size(String type) {
        return switch (type) {
            case "Boolean", "Byte" -> 1;
            case "Short", "Char" -> 2;
            case "Int", "Float" -> 4;
            case "Long", "Double" -> 8;
            default -> throw new IllegalArgumentException(type);
        };
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
