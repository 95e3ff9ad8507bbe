package io.slabforge.processor;

import static com.google.common.truth.Truth.assertWithMessage;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import javax.tools.JavaFileObject;

/**
 * Generated sources compared character for character with the golden copies under
 * {@code src/test/resources/golden}: {@code ParticleSlab} (primitives only, the common case) and
 * {@code KitchenSinkSlab} (every riskier writer path in one record: an enum, {@code @Length} arrays with bulk and
 * element-wise copies, an embedded record, {@code @Atomic} int and long, interior and trailing padding).
 *
 * <p>After an intended change to the generated code, regenerate the golden files and review the diff:
 * <pre>
 * ./mvnw -B -pl processor -am test -Dtest=GoldenSourceTest -Dsurefire.failIfNoSpecifiedTests=false -Dslabforge.updateGolden=true
 * git diff processor/src/test/resources/golden
 * </pre>
 */
class GoldenSourceTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden");

    static final JavaFileObject PARTICLE = Sources.source("com.example.Particle",
            "package com.example;",
            "",
            "import io.slabforge.SlabType;",
            "",
            "@SlabType(slabSize = 4096)",
            "public record Particle(double x, double y, double z, int id, int flags) {}");

    static final JavaFileObject KIND = Sources.source("com.example.Kind",
            "package com.example;",
            "",
            "public enum Kind { SMALL, LARGE }");

    static final JavaFileObject VEC2 = Sources.source("com.example.Vec2",
            "package com.example;",
            "",
            "import io.slabforge.SlabType;",
            "",
            "@SlabType",
            "public record Vec2(float x, float y) {}");

    /**
     * Offsets: version 0, kind 8, padding 9..12 (a byte and a short), hits 12, samples 16, pos 32 (x 32, y 36),
     * flags 40, trailing padding 43..48 (a byte and an int); 48-byte slots, 8-aligned.
     */
    static final JavaFileObject KITCHEN_SINK = Sources.source("com.example.KitchenSink",
            "package com.example;",
            "",
            "import io.slabforge.Atomic;",
            "import io.slabforge.Length;",
            "import io.slabforge.SlabType;",
            "",
            "@SuppressWarnings(\"slabforge.layout\")",
            "@SlabType(slabSize = 4096)",
            "public record KitchenSink(",
            "        @Atomic long version,",
            "        Kind kind,",
            "        @Atomic int hits,",
            "        @Length(4) int[] samples,",
            "        Vec2 pos,",
            "        @Length(3) boolean[] flags) {}");

    /** One small record per component kind, each with a golden of its own. */
    static final Map<String, JavaFileObject> PER_KIND = new LinkedHashMap<>();

    static {
        kind("EnumOnly", "@SlabType", "Kind kind", "int id");
        kind("ArrayOnly", "@SlabType", "@Length(4) int[] samples", "@Length(6) byte[] code");
        kind("EmbeddedOnly", "@SlabType", "Vec2 a", "Vec2 b");
        kind("AtomicOnly", "@SlabType", "@Atomic long version", "@Atomic int hits");
        kind("StringOnly", "@SlabType", "long id", "@Length(12) String symbol");
        kind("RenamedOnly", "@SlabType", "long time", "double open", "double high", "double low", "double close",
                "long volume");
    }

    private static void kind(String name, String annotation, String... components) {
        List<String> lines = new ArrayList<>(List.of("package com.example;", "", "import io.slabforge.Atomic;",
                "import io.slabforge.Length;", "import io.slabforge.SlabType;", "", "@SuppressWarnings(\"slabforge.layout\")",
                annotation, "public record " + name + "(" + String.join(", ", components) + ") {}"));
        PER_KIND.put(name, Sources.source("com.example." + name, lines.toArray(String[]::new)));
    }

    /** Goldens per component kind (primitives: ParticleSlab; the Column nested class is in every one). */
    @TestFactory
    Stream<DynamicTest> everyComponentKindMatchesItsGoldenFile() {
        return PER_KIND.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () ->
                assertMatchesGolden(Sources.compileClean(KIND, VEC2, e.getValue()), "com.example." + e.getKey() + "Slab",
                        e.getKey() + "Slab.java")));
    }

    @Test
    void particleSlabMatchesGoldenFile() throws IOException {
        assertMatchesGolden(Sources.compileClean(PARTICLE), "com.example.ParticleSlab", "ParticleSlab.java");
    }

    @Test
    void kitchenSinkSlabMatchesGoldenFile() throws IOException {
        assertMatchesGolden(Sources.compileClean(KIND, VEC2, KITCHEN_SINK), "com.example.KitchenSinkSlab",
                "KitchenSinkSlab.java");
    }

    private static void assertMatchesGolden(Compilation compilation, String generatedClass, String goldenFile)
            throws IOException {
        Path golden = GOLDEN.resolve(goldenFile);
        JavaFileObject generated = compilation.generatedSourceFile(generatedClass).orElseThrow();
        String actual = generated.getCharContent(true).toString();
        if (Boolean.getBoolean("slabforge.updateGolden")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        String expected = Files.readString(golden, StandardCharsets.UTF_8);
        assertWithMessage("generated %s differs from %s; if the change is intended, rerun with"
                + " -Dslabforge.updateGolden=true and review the diff", generatedClass, golden.toAbsolutePath())
                .that(actual).isEqualTo(expected);
    }
}
