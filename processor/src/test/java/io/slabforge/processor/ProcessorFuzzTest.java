package io.slabforge.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.testing.compile.Compilation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import javax.tools.Diagnostic;

/**
 * Fuzzed record declarations (component types, annotations and their values, names, nesting, {@code @SlabType}
 * options) compile either to a cache that works (created, an object allocated, read and freed, closed) or to
 * diagnostics, each on a line of the source; never to a processor exception or an internal error. Runs the
 * committed inputs ({@code ProcessorFuzzTestInputs/}) in every build; {@code scripts/fuzz.sh} fuzzes.
 */
class ProcessorFuzzTest {
    private static final String[] TYPES = {"int", "long", "double", "float", "short", "byte", "char", "boolean",
        "int[]", "long[]", "byte[]", "double[]", "Color", "Point", "String", "Object", "Integer",
        "java.util.List<Integer>", "int[][]", "Color[]", "Point[]", "Missing", "T"};
    private static final String[] NAMES = {"x", "y", "id", "flags", "value", "handle", "engine", "allocate",
        "free", "size", "segment", "close", "builder", "create", "LAYOUT", "X_OFFSET", "_x", "$y", "isLive",
        "stats", "hashCode", "of", "copy", "ref", "box", "x"};
    private static final String[] RECORD_NAMES = {"Particle", "P", "Slab", "ParticleSlab", "Record", "Box", "Ref",
        "$R", "_R", "Builder"};

    @FuzzTest(maxDuration = "2m")
    void declarationsCompileToAWorkingCacheOrToDiagnostics(FuzzedDataProvider data) throws Exception {
        String name = RECORD_NAMES[data.consumeInt(0, RECORD_NAMES.length - 1)];
        boolean nested = data.consumeBoolean();
        boolean generic = data.consumeInt(0, 7) == 0;
        StringBuilder annotation = new StringBuilder("@SlabType");
        List<String> options = new ArrayList<>();
        if (data.consumeBoolean()) {
            options.add("slabSize = " + (data.consumeBoolean() ? 1 << data.consumeInt(0, 24) : data.consumeInt()));
        }
        if (data.consumeInt(0, 3) == 0) {
            options.add("align = " + (data.consumeBoolean() ? 1 << data.consumeInt(0, 12) : data.consumeInt(-2, 100)));
        }
        if (data.consumeInt(0, 3) == 0) {
            options.add("cacheName = \"" + (data.consumeBoolean() ? "Cache" : data.consumeAsciiString(6)
                    .replaceAll("[^A-Za-z0-9_$ .-]", "")) + "\"");
        }
        if (!options.isEmpty()) {
            annotation.append('(').append(String.join(", ", options)).append(')');
        }
        int count = data.consumeInt(0, 6);
        List<String> components = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String type = TYPES[data.consumeInt(0, TYPES.length - 1)];
            String component = data.consumeInt(0, 4) == 0 ? NAMES[data.consumeInt(0, NAMES.length - 1)] : "c" + i;
            String prefix = switch (data.consumeInt(0, 5)) {
                case 0 -> "@Length(" + data.consumeInt(-1, 40) + ") ";
                case 1 -> "@Atomic ";
                case 2 -> "@Length(" + data.consumeInt(1, 8) + ") @Atomic ";
                default -> "";
            };
            components.add(prefix + type + " " + component);
        }
        String record = annotation + " " + (nested ? "static " : "") + "record " + name + (generic ? "<T>" : "")
                + "(" + String.join(", ", components) + ") {}";
        String source = String.join("\n",
                "package fuzz;",
                "import io.slabforge.Atomic;",
                "import io.slabforge.Length;",
                "import io.slabforge.SlabType;",
                "enum Color { RED, GREEN }",
                "record Point(int px, int py) {}",
                nested ? "class Outer {\n" + record + "\n}" : record,
                "");
        String top = nested ? "fuzz.Outer" : "fuzz." + name;
        Compilation compilation = Sources.compile(Sources.source(top, source));
        for (Diagnostic<?> d : compilation.diagnostics()) {
            String message = d.getMessage(null);
            assertFalse(message.contains("internal error"), () -> source + "\n" + message);
            assertFalse(message.contains("threw an uncaught exception"), () -> source + "\n" + message);
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                assertTrue(d.getLineNumber() > 0, () -> "an error on no line: " + message + "\n" + source);
            }
        }
        if (compilation.status() == Compilation.Status.SUCCESS) {
            exercise(compilation, source);
        } else {
            assertTrue(compilation.errors().size() > 0, source);
        }
    }

    /** A public method of a generated cache, which is package-private when its record is. */
    private static Method accessible(Class<?> cache, String name, Class<?>... parameters) throws Exception {
        Method m = cache.getMethod(name, parameters);
        m.setAccessible(true);
        return m;
    }

    /** Creates the generated cache, allocates an object, checks it is live, frees it and closes the cache. */
    private static void exercise(Compilation compilation, String source) throws Exception {
        ClassLoader loader = Sources.load(compilation);
        List<String> caches = compilation.generatedSourceFiles().stream()
                .map(f -> f.getName().replaceAll(".*/", "").replace(".java", ""))
                .toList();
        assertEquals(1, caches.size(), () -> "one cache from\n" + source + "\n" + caches);
        Class<?> cache = loader.loadClass("fuzz." + caches.getFirst());
        Method create = accessible(cache, "create");
        Method allocate = accessible(cache, "allocate");
        Method isLive = accessible(cache, "isLive", long.class);
        Method free = accessible(cache, "free", long.class);
        Method close = accessible(cache, "close");
        Object slab = create.invoke(null);
        try {
            long h = (long) allocate.invoke(slab);
            assertTrue((boolean) isLive.invoke(slab, h), source);
            free.invoke(slab, h);
            assertFalse((boolean) isLive.invoke(slab, h), source);
        } finally {
            close.invoke(slab);
        }
    }
}
